// The harness the browser test pages share (page.html, kv_os.html, services.html): each test's
// result goes to globalThis.__results ([{name, ok, detail, ms}]), which run.mjs reads once the page
// sets its title to "done", and to the page's <pre id="out">. Must not: know what a page tests,
// or let a test run unbounded (each has a deadline).
export const results = [];
globalThis.__results = results;
const out = document.getElementById("out");

export const log = (s) => out.textContent += s + "\n";

/** The query parameter `name` of the page's URL, or `fallback`. */
export const param = (name, fallback) => new URLSearchParams(location.search).get(name) ?? fallback;

export function check(cond, detail) {
  if (!cond) throw new Error(detail);
}

/** `p`, or a rejection naming `label` after `ms` milliseconds. */
export function within(p, ms, label) {
  let t;
  return Promise.race([
    p,
    new Promise((_, rej) => t = setTimeout(() => rej(new Error(`timed out: ${label}`)), ms)),
  ]).finally(() => clearTimeout(t));
}

/** Runs one test; `ms` bounds it (10 s unless given). */
export async function test(name, fn, ms = 10000) {
  const t0 = performance.now();
  try {
    await within(fn(), ms, name);
    const took = Math.round(performance.now() - t0);
    results.push({ name, ok: true, detail: "", ms: took });
    log(`ok   ${name} (${took} ms)`);
  } catch (err) {
    results.push({ name, ok: false, detail: String(err?.stack ?? err) });
    log(`FAIL ${name}: ${err}`);
  }
}

// Drives the browser page tests in headless Chromium with playwright-core (node): opens each
// test page served by server.ts (page.html: the core client and JetStream; kv_os.html: KV and
// ObjectStore; services.html: the Service API), waits (bounded) for its title "done", prints
// each result; then drives the web page example in two tabs (web_tabs.mjs). A page may call a
// Deno client in another process (peer.ts as window.peer, svc_peer.ts as window.svcPeer): a
// function run.mjs gives the page, which runs the script with the page's arguments and resolves
// to its output. Ends with the line `browser-page: N passed, N failed`; exits 1 on any failure.
// Usage: node tests/browser/run.mjs <http base url> <ws url> [<SPKI hash of the wss test server>]
// (with the hash, page.html also runs its authentication and wss:// tests)
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { webTabs } from "./web_tabs.mjs";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("../../", import.meta.url));
const { chromium } = require(`${root}.tools/node_modules/playwright-core`);

const [base = "http://127.0.0.1:14890", ws = "ws://127.0.0.1:14280", spki = ""] = process.argv
  .slice(2);
/** The JetStream test server (tests/nats/jetstream.conf), which run.sh starts. */
const JS_URL = "ws://127.0.0.1:14285";
/** Bound on one run of peer.ts (ms): reading or writing 64 MiB in Deno takes seconds, not minutes. */
const PEER_MS = 120_000;
let passed = 0;
let failed = 0;

function report(name, ok, detail = "", ms = undefined) {
  if (ok) {
    passed++;
    console.log(`browser page: ${name} ... ok${ms === undefined ? "" : ` (${ms} ms)`}`);
  } else {
    failed++;
    console.log(`browser page: ${name} ... FAILED\n    ${detail.split("\n").join("\n    ")}`);
  }
}
async function test(name, fn) {
  try {
    await fn();
    report(name, true);
  } catch (err) {
    report(name, false, String(err?.stack ?? err));
  }
}

/** Runs a Deno script of tests/browser/ with the page's arguments; resolves to its stdout. */
function runDeno(script, args) {
  return new Promise((resolve, reject) => {
    execFile(
      "deno",
      ["run", "-A", "--no-check", `${root}tests/browser/${script}`, ...args.map(String)],
      { timeout: PEER_MS, maxBuffer: 1 << 20 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${script} ${args.join(" ")}: ${stderr || err}`)) : resolve(stdout),
    );
  });
}

/**
 * Opens one self-running test page and reports its window.__results; `peers` names the Deno
 * scripts the page may run ({ window function name: script file }).
 */
async function runPage(browser, path, timeout, peers = {}) {
  const page = await browser.newPage();
  try {
    page.on("console", (m) => {
      if (m.type() === "error") console.log(`  [page console] ${m.text()}`);
    });
    page.on("pageerror", (e) => console.log(`  [page error] ${e.message}`));
    for (const [name, script] of Object.entries(peers)) {
      await page.exposeFunction(name, (...args) => runDeno(script, args));
    }
    await page.goto(`${base}/${path}`);
    await page.waitForFunction(() => document.title === "done", null, { timeout });
    const results = await page.evaluate(() => globalThis.__results);
    for (const r of results) report(r.name, r.ok, r.detail, r.ms);
    if (results.length === 0) report(`${path}: no results`, false);
  } catch (err) {
    report(`${path}: could not run the page`, false, err.message);
  } finally {
    await page.close();
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // trust the wss:// test server's certificate (tests/auth/fixtures.sh) by its key alone
    ...(spki ? [`--ignore-certificate-errors-spki-list=${spki}`] : []),
  ],
});
try {
  await runPage(
    browser,
    `page.html?ws=${encodeURIComponent(ws)}${spki ? "&auth=1" : ""}`,
    60_000,
  );
  // the 64 MiB round trip dominates: put, read in the page, read again in Deno
  await runPage(browser, `kv_os.html?js=${encodeURIComponent(JS_URL)}`, 400_000, {
    peer: "peer.ts",
  });
  await runPage(browser, `services.html?ws=${encodeURIComponent(ws)}`, 60_000, {
    svcPeer: "svc_peer.ts",
  });
  await webTabs(browser, base, JS_URL, test);
} finally {
  await browser.close();
}
console.log(`browser-page: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

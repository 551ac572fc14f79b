// The wake-up connection check in a real browser (headless Chromium through playwright-core):
// serves tests/browser/wake.html and dist/ on 127.0.0.1:17170, connects the page to a lone
// nats-server (tests/cluster/browser.conf, started and frozen with tests/cluster/servers.sh) with
// a 10-minute ping interval, freezes the server (SIGSTOP: the socket stays open, only PINGs can
// tell), and shows that the client leaves it within seconds of the browser coming back `online`
// (CDP network emulation, real events) or of the page becoming visible again (emulated: headless
// pages never turn hidden), while a hidden page or a healthy server sees nothing happen. Also
// checks that the client removes its listeners on close. Prints `browser-wake: N passed, N
// failed`; exits 1 on any failure. Usage: node tests/browser/wake.mjs
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(import.meta.url);
const { chromium } = require(`${root}.tools/node_modules/playwright-core`);

const HTTP_PORT = 17170;
const WS_URL = "ws://127.0.0.1:17153"; // tests/cluster/browser.conf
/** The client's check deadline is 5 s (src/wasm/driver.rs); this bound leaves room for CI. */
const NOTICE_BOUND_MS = 15_000;
/** Long enough for a check to have fired and timed out (5 s) had one been started. */
const QUIET_MS = 6_000;

const servers = (...args) =>
  execFileSync("bash", [`${root}tests/cluster/servers.sh`, ...args], { stdio: "pipe" }).toString();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
const http = createServer(async (req, res) => {
  const path = new URL(req.url, "http://x").pathname;
  const file = path === "/wake.html"
    ? `${root}tests/browser/wake.html`
    : /^\/dist\/[\w.-]+$/.test(path)
    ? `${root}${path.slice(1)}`
    : null;
  try {
    if (!file) throw new Error("not found");
    const body = await readFile(file);
    res.writeHead(200, {
      "content-type": types[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((r) => http.listen(HTTP_PORT, "127.0.0.1", r));

let passed = 0;
let failed = 0;
async function test(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`browser wake: ${name} ... ok`);
  } catch (err) {
    failed++;
    console.log(
      `browser wake: ${name} ... FAILED\n    ${
        String(err?.stack ?? err).split("\n").join("\n    ")
      }`,
    );
  }
}
function check(cond, detail) {
  if (!cond) throw new Error(detail);
}

let browser;
try {
  servers("start", "browser");
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (e) => console.log(`  [page error] ${e.message}`));
  await page.goto(`http://127.0.0.1:${HTTP_PORT}/wake.html?ws=${encodeURIComponent(WS_URL)}`);
  await page.waitForFunction(() => document.title !== "loading", null, { timeout: 20_000 });
  check(await page.title() === "connected", `page: ${await page.title()}`);

  const events = () => page.evaluate(() => globalThis.__events);
  const mark = (name) => page.evaluate((n) => globalThis.__mark(n), name);
  /** The first event of `type` after the mark `after`, waiting up to `ms`. */
  const eventAfter = async (type, after, ms) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const ev = await events();
      const from = ev.findIndex((e) => e.type === `mark:${after}`);
      const hit = from < 0 ? undefined : ev.slice(from).find((e) => e.type === type);
      if (hit) return { at: hit.t - ev[from].t, event: hit };
      if (Date.now() > deadline) {
        throw new Error(`no ${type} within ${ms} ms of ${after}: ${JSON.stringify(ev.slice(-8))}`);
      }
      await sleep(100);
    }
  };
  const nothingSince = async (after, types) => {
    const ev = await events();
    const from = ev.findIndex((e) => e.type === `mark:${after}`);
    const seen = ev.slice(from).filter((e) => types.includes(e.type));
    check(seen.length === 0, `unexpected after ${after}: ${JSON.stringify(seen)}`);
  };
  /** Thaws the server and waits for the client to be back and working. */
  const recover = async (label) => {
    servers("thaw", "browser");
    await eventAfter("reconnect", label, 15_000);
    await page.evaluate(() => globalThis.__nc.flush());
  };

  await test("the client listens for visibilitychange and online", async () => {
    const l = await page.evaluate(() => globalThis.__listeners);
    check(l.added.includes("document:visibilitychange"), JSON.stringify(l));
    check(l.added.includes("window:online"), JSON.stringify(l));
  });

  await test("visible again on a healthy connection: the check passes quietly", async () => {
    await mark("healthy");
    await page.evaluate(() => globalThis.__setVisibility("visible"));
    await sleep(QUIET_MS);
    await nothingSince("healthy", ["staleConnection", "disconnect"]);
    await page.evaluate(() => globalThis.__nc.flush());
  });

  await test("back online: a frozen server is left within seconds, not after the ping interval", async () => {
    servers("freeze", "browser");
    await mark("frozen");
    await sleep(2000);
    await nothingSince("frozen", ["staleConnection", "disconnect"]); // PINGs are 10 min apart
    await context.setOffline(true);
    await sleep(200);
    await context.setOffline(false); // fires `offline` then `online` in the page
    const stale = await eventAfter("staleConnection", "online", NOTICE_BOUND_MS);
    const d = await eventAfter("disconnect", "online", 1000);
    check(d.event.why?.includes("connection check"), `disconnect reason: ${d.event.why}`);
    console.log(
      `  online -> staleConnection: ${Math.round(stale.at)} ms (ping interval 600000 ms)`,
    );
    await recover("online");
  });

  await test("hidden: no check; visible again: a frozen server is left within seconds", async () => {
    servers("freeze", "browser");
    await mark("hidden");
    await page.evaluate(() => globalThis.__setVisibility("hidden"));
    await sleep(QUIET_MS);
    await nothingSince("hidden", ["staleConnection", "disconnect"]);
    await mark("visible");
    await page.evaluate(() => globalThis.__setVisibility("visible"));
    const stale = await eventAfter("staleConnection", "visible", NOTICE_BOUND_MS);
    console.log(
      `  visible -> staleConnection: ${Math.round(stale.at)} ms (ping interval 600000 ms)`,
    );
    await recover("visible");
  });

  await test("close removes the listeners", async () => {
    await page.evaluate(() => globalThis.__nc.close());
    const l = await page.evaluate(() => globalThis.__listeners);
    for (const e of ["document:visibilitychange", "window:online"]) {
      check(l.removed.includes(e), `${e} not removed: ${JSON.stringify(l)}`);
    }
  });
} catch (err) {
  failed++;
  console.log(`browser wake: could not run: ${err?.stack ?? err}`);
} finally {
  try {
    servers("thaw", "browser");
  } catch {
    // not running
  }
  await browser?.close();
  http.close();
  try {
    servers("stop", "browser");
  } catch {
    // already stopped
  }
}
console.log(`browser-wake: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

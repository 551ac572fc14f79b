// Drives tests/browser/page.html in headless Chromium with playwright-core (node): opens the page
// served by server.ts, waits (bounded) for the title "done", prints each result and the line
// `browser-page: N passed, N failed`; exits 1 on any failure.
// Usage: node tests/browser/run.mjs <http base url> <ws url> [<SPKI hash of the wss test server>]
// (with the hash, the page also runs its authentication and wss:// tests)
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const tools = fileURLToPath(new URL("../../.tools/node_modules/", import.meta.url));
const { chromium } = require(`${tools}playwright-core`);

const [base = "http://127.0.0.1:14890", ws = "ws://127.0.0.1:14280", spki = ""] = process.argv
  .slice(2);
let passed = 0;
let failed = 0;
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
  const page = await browser.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") console.log(`  [page console] ${m.text()}`);
  });
  page.on("pageerror", (e) => console.log(`  [page error] ${e.message}`));
  await page.goto(`${base}/page.html?ws=${encodeURIComponent(ws)}${spki ? "&auth=1" : ""}`);
  await page.waitForFunction(() => document.title === "done", null, { timeout: 60000 });
  const results = await page.evaluate(() => globalThis.__results);
  for (const r of results) {
    if (r.ok) {
      passed++;
      console.log(`browser page: ${r.name} ... ok`);
    } else {
      failed++;
      console.log(`browser page: ${r.name} ... FAILED\n    ${r.detail.split("\n").join("\n    ")}`);
    }
  }
  if (results.length === 0) failed++;
} catch (err) {
  console.log(`browser page: could not run the page: ${err.message}`);
  failed++;
} finally {
  await browser.close();
}
console.log(`browser-page: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

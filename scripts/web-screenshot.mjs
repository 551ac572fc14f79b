// Takes docs/img/web-demo.png, the README's picture of the web page example (examples/web/):
// opens the page in headless Chromium (playwright-core), puts a few keys through its form and
// picks two small files through its file input, waits until both tables show them, and
// screenshots the page. scripts/demo-web.sh --screenshot starts the servers and runs this.
// Usage: node scripts/web-screenshot.mjs <page url> <png path>
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const tools = fileURLToPath(new URL("../.tools/node_modules/", import.meta.url));
const { chromium } = require(`${tools}playwright-core`);

const [url, out] = process.argv.slice(2);
if (!url || !out) throw new Error("usage: node scripts/web-screenshot.mjs <page url> <png path>");
/** Bound on each wait (ms): the page talks to a local server only. */
const WAIT_MS = 15_000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 720 } });
  page.on("pageerror", (e) => console.log(`[page error] ${e.message}`));
  await page.goto(url);
  await page.waitForSelector("body[data-kv][data-os]", { timeout: WAIT_MS });
  const put = async (key, value) => {
    await page.fill("#kv-key", key);
    await page.fill("#kv-value", value);
    await page.click("#kv-put");
  };
  await put("greeting", "hello from the browser");
  await put("city", "Lisbon");
  await put("counter", "1");
  await put("counter", "2");
  await put("draft", "soon gone");
  await page.fill("#kv-key", "draft");
  await page.click("#kv-delete");
  await page.waitForSelector('#kv-table tr[data-key="draft"].deleted', { timeout: WAIT_MS });
  await page.fill("#kv-key", "");
  await page.fill("#kv-value", "");
  await page.setInputFiles("#os-file", [
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("NATS over WebSocket\n") },
    { name: "sample.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(300_000, 7) },
  ]);
  await page.waitForSelector('#os-table tr[data-name="sample.bin"]', { timeout: WAIT_MS });
  await page.waitForSelector('#os-table tr[data-name="notes.txt"]', { timeout: WAIT_MS });
  await page.locator("#kv-value").blur();
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}

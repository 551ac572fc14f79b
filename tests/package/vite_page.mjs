// Serves a built Vite app (its dist/ folder) over http on a free port and opens it in headless
// Chromium (playwright-core from .tools, Debian's chromium), with the NATS server in `?ws=`;
// waits (bounded) for the page's title to say "ok: ..." or "failed: ...". Exits 0 only on "ok",
// printing the title and any page error. Run by tests/package/check.sh.
// Usage: node tests/package/vite_page.mjs <vite dist dir> <ws url>
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("../../", import.meta.url));
const { chromium } = require(`${root}.tools/node_modules/playwright-core`);

const [dir, ws] = process.argv.slice(2);
if (!dir || !ws) {
  console.error("usage: node tests/package/vite_page.mjs <vite dist dir> <ws url>");
  process.exit(2);
}
/** Bound on the page's run (ms): loading, a connect and a few round trips take well under 1 s. */
const PAGE_MS = 30_000;
/** application/wasm lets the glue compile while downloading (instantiateStreaming). */
const TYPES = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
};

const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
  // the app has no icon: answer the browser's own request without a 404 in the console
  if (path === "/favicon.ico") return res.writeHead(204).end();
  try {
    const body = await readFile(join(dir, path === "/" ? "index.html" : path));
    res.writeHead(200, { "content-type": TYPES[extname(path) || ".html"] ?? "" });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
let ok = false;
try {
  const page = await browser.newPage();
  // an uncaught page error (the module failed to load) ends the wait at once
  const pageError = new Promise((resolve) =>
    page.on("pageerror", (err) => {
      console.error(`page error: ${err.message}`);
      resolve();
    })
  );
  page.on("console", (m) => m.type() === "error" && console.error(`console: ${m.text()}`));
  await page.goto(`${base}/?ws=${encodeURIComponent(ws)}`);
  await Promise.race([
    page.waitForFunction(() => /^(ok|failed):/.test(document.title), null, { timeout: PAGE_MS })
      .catch(() => {}),
    pageError,
  ]);
  const title = await page.title();
  console.log(`vite page: ${title}`);
  ok = title.startsWith("ok:");
} finally {
  await browser.close();
  server.close();
}
process.exit(ok ? 0 : 1);

// The web page example (examples/web/) in two tabs of one headless Chromium: a key put or
// deleted through one tab's form shows in the other tab's KV board, a file dropped on one tab
// (a real `drop` event with a DataTransfer) is listed in the other with its digest, and the other
// tab's download link (os.get) gives the same bytes, and deleting it in one tab removes it from
// the other's list. Each run uses buckets of its own and destroys them at the end. run.mjs calls
// it with the browser and its test() recorder.
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";

/** Bound on each wait for the other tab to show a change (ms). */
const SHOW_MS = 10_000;

export async function webTabs(browser, base, jsUrl, test) {
  const id = Date.now().toString(36);
  const kvBucket = `WEBKV_${id}`;
  const osBucket = `WEBOS_${id}`;
  const url = `${base}/examples/web/?server=${encodeURIComponent(jsUrl)}&kv=${kvBucket}` +
    `&os=${osBucket}`;
  const context = await browser.newContext({ acceptDownloads: true });
  const [a, b] = [await context.newPage(), await context.newPage()];
  for (const [tab, p] of [["a", a], ["b", b]]) {
    p.on("pageerror", (e) => console.log(`  [tab ${tab} error] ${e.message}`));
  }
  // a name with a space and a non-ASCII letter: object names are any text (ADR-20)
  const file = { name: "dropped file ü.bin", bytes: randomBytes(200_000) };
  const digest = `SHA-256=${
    createHash("sha256").update(file.bytes).digest("base64").replaceAll("+", "-")
      .replaceAll("/", "_")
  }`;
  try {
    await test("web example: both tabs connect and watch", async () => {
      for (const p of [a, b]) {
        await p.goto(url);
        await p.waitForSelector("body[data-kv][data-os]", { timeout: SHOW_MS });
        const status = await p.textContent("#status");
        if (status !== "connected") throw new Error(`status ${status}`);
      }
    });

    await test("web example: a key put in one tab shows in the other's KV board", async () => {
      await a.fill("#kv-key", "colour");
      await a.fill("#kv-value", "green");
      await a.click("#kv-put");
      const row = b.locator('#kv-table tr[data-key="colour"]');
      await row.locator("td.value", { hasText: "green" }).waitFor({ timeout: SHOW_MS });
      const op = await row.locator("td.op").textContent();
      const rev = await row.locator("td.revision").textContent();
      if (op !== "PUT" || rev !== "1") throw new Error(`operation ${op}, revision ${rev}`);
    });

    await test("web example: a key deleted in one tab shows as DEL in the other", async () => {
      await b.fill("#kv-key", "colour");
      await b.click("#kv-delete");
      const row = a.locator('#kv-table tr[data-key="colour"].deleted');
      await row.locator("td.op", { hasText: "DEL" }).waitFor({ timeout: SHOW_MS });
      const rev = await row.locator("td.revision").textContent();
      if (rev !== "2") throw new Error(`revision ${rev}`);
    });

    await test("web example: a file dropped in one tab is listed in the other", async () => {
      const dataTransfer = await a.evaluateHandle(({ name, bytes }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], name));
        return dt;
      }, { name: file.name, bytes: [...file.bytes] });
      await a.dispatchEvent("#drop", "drop", { dataTransfer });
      const row = b.locator(`#os-table tr[data-name="${file.name}"]`);
      await row.waitFor({ timeout: SHOW_MS });
      const shown = await row.locator("td.digest").getAttribute("title");
      if (shown !== digest) throw new Error(`digest ${shown}, want ${digest}`);
    });

    await test("web example: the other tab downloads the dropped file byte-identical", async () => {
      const [download] = await Promise.all([
        b.waitForEvent("download", { timeout: SHOW_MS }),
        b.click(`#os-table tr[data-name="${file.name}"] a.download`),
      ]);
      if (download.suggestedFilename() !== file.name) {
        throw new Error(`file name ${download.suggestedFilename()}`);
      }
      const got = await readFile(await download.path());
      if (!got.equals(file.bytes)) throw new Error(`got ${got.length} other bytes`);
    });

    await test("web example: a file deleted in one tab leaves the other's list", async () => {
      await a.click(`#os-table tr[data-name="${file.name}"] button`);
      await b.locator(`#os-table tr[data-name="${file.name}"]`).waitFor({
        state: "detached",
        timeout: SHOW_MS,
      });
      if (!(await b.isVisible("#os-empty"))) throw new Error("the other tab still lists files");
    });
  } finally {
    // the buckets go with a connection of tab a's own (the page keeps its watches open)
    await a.evaluate(async ([server, kvName, osName]) => {
      const { connect } = await import("/dist/mod.js");
      const nc = await connect({ servers: server });
      const js = nc.jetstream();
      await (await js.views.kv(kvName)).destroy();
      await (await js.views.os(osName)).destroy();
      await nc.close();
    }, [jsUrl, kvBucket, osBucket]).catch((e) => console.log(`  [cleanup] ${e.message}`));
    await context.close();
  }
}

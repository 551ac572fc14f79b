/**
 * The web page example (index.html): one NATS connection over WebSocket, its status from
 * `nc.status()`, a KV board (every key of a bucket, live through `kv.watch()`, edited with `put`
 * and `delete`) and a file drop that stores files in an ObjectStore (`os.put`), lists them
 * (`os.list()`, then live through `os.watch()`) and downloads them (`os.get`).
 *
 * Query parameters: `server` (default ws://127.0.0.1:14285, the JetStream server that
 * `make demo-web` starts), `kv` and `os` (bucket names; default `web_demo` and `web_files`).
 *
 * Must not: keep state the server does not have (the tables only mirror the watches), or need a
 * bundler (plain ES module; the package is imported by a URL relative to this file).
 */
import { connect, DebugEvents, Events, StringCodec } from "../../dist/mod.js";

const params = new URLSearchParams(location.search);
const server = params.get("server") ?? "ws://127.0.0.1:14285";
const kvBucket = params.get("kv") ?? "web_demo";
const osBucket = params.get("os") ?? "web_files";
const sc = StringCodec();
const $ = (id) => document.getElementById(id);

/** The latest entry of each key (deleted keys stay, shown with their DEL/PURGE operation). */
const keys = new Map();
/** The latest info of each object name (deleted ones too: they are not listed). */
const objects = new Map();

function showError(err) {
  const el = $("error");
  el.textContent = err ? String(err.message ?? err) : "";
  el.hidden = !err;
}

function setStatus(state, text = state) {
  const el = $("status");
  el.dataset.state = state;
  el.textContent = text;
}

/** Mirrors `nc.status()` (and `nc.closed()`) into the status badge. */
async function followStatus(nc) {
  nc.closed().then((err) => {
    setStatus("closed");
    if (err) showError(err);
  });
  for await (const s of nc.status()) {
    switch (s.type) {
      case Events.Disconnect:
        setStatus("disconnected");
        break;
      case Events.Reconnect:
        setStatus("connected");
        break;
      case DebugEvents.Reconnecting:
        setStatus("reconnecting");
        break;
      case Events.LDM:
        setStatus("leaving", "server is leaving (lame duck)");
        break;
      case Events.Error:
        showError(s.data);
        break;
    }
  }
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function button(text, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.addEventListener("click", () => onClick().catch(showError));
  return b;
}

function renderKv(kv) {
  const rows = [...keys.values()].sort((a, b) => a.key.localeCompare(b.key)).map((e) => {
    const tr = document.createElement("tr");
    tr.dataset.key = e.key;
    const deleted = e.operation !== "PUT";
    if (deleted) tr.className = "deleted";
    const actions = document.createElement("td");
    if (!deleted) actions.append(button("delete", () => kv.delete(e.key)));
    tr.append(
      cell(e.key, "key"),
      cell(deleted ? "" : e.string(), "value"),
      cell(String(e.revision), "num revision"),
      cell(e.operation, "op"),
      actions,
    );
    return tr;
  });
  $("kv-table").tBodies[0].replaceChildren(...rows);
  $("kv-empty").hidden = rows.length > 0;
}

async function startKv(js) {
  const kv = await js.views.kv(kvBucket);
  $("kv-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    showError(null);
    kv.put($("kv-key").value.trim(), sc.encode($("kv-value").value)).catch(showError);
  });
  $("kv-delete").addEventListener("click", () => {
    showError(null);
    kv.delete($("kv-key").value.trim()).catch(showError);
  });
  // the current value of every key first, then each change as it happens
  const watch = await kv.watch();
  renderKv(kv);
  document.body.dataset.kv = "watching"; // for tests/browser/web_tabs.mjs
  for await (const e of watch) {
    keys.set(e.key, e);
    renderKv(kv);
  }
}

function formatSize(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Reads the object through `os.get`, checks its outcome, and hands it to the browser. */
async function download(os, name) {
  const r = await os.get(name);
  if (!r) throw new Error(`${name} is gone`);
  const blob = await new Response(r.data).blob();
  const err = await r.error;
  if (err) throw err;
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function renderOs(os) {
  const live = [...objects.values()].filter((i) => !i.deleted);
  const rows = live.sort((a, b) => a.name.localeCompare(b.name)).map((info) => {
    const tr = document.createElement("tr");
    tr.dataset.name = info.name;
    const digest = cell(info.digest.replace(/^SHA-256=/, "").slice(0, 16) + "…", "digest");
    digest.title = info.digest;
    const link = document.createElement("a");
    link.href = "#";
    link.textContent = "download";
    link.className = "download";
    link.addEventListener("click", (ev) => {
      ev.preventDefault();
      download(os, info.name).catch(showError);
    });
    const actions = document.createElement("td");
    actions.append(link, " ", button("delete", () => os.delete(info.name)));
    tr.append(cell(info.name, "name"), cell(formatSize(info.size), "num"), digest, actions);
    return tr;
  });
  $("os-table").tBodies[0].replaceChildren(...rows);
  $("os-empty").hidden = rows.length > 0;
}

async function store(os, files) {
  for (const file of files) {
    $("os-progress").textContent = `storing ${file.name} (${formatSize(file.size)})…`;
    try {
      const info = await os.put({ name: file.name }, file.stream());
      $("os-progress").textContent = `stored ${info.name}: ${info.digest}`;
    } catch (err) {
      $("os-progress").textContent = "";
      showError(err);
    }
  }
}

async function startOs(js) {
  const os = await js.views.os(osBucket);
  const drop = $("drop");
  drop.addEventListener("dragover", (ev) => {
    ev.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    drop.classList.remove("over");
    store(os, [...ev.dataTransfer.files]);
  });
  $("os-file").addEventListener("change", (ev) => {
    store(os, [...ev.target.files]).finally(() => ev.target.value = "");
  });
  // watch first (new changes only), then list: nothing put in between is missed. The watch
  // reports every change in order, so its news always wins; a listed object counts only when the
  // watch has not told of it yet (nats.deno's watch gives no revision to compare).
  const watch = await os.watch();
  for (const info of await os.list()) if (!objects.has(info.name)) objects.set(info.name, info);
  renderOs(os);
  document.body.dataset.os = "watching"; // for tests/browser/web_tabs.mjs
  for await (const info of watch) {
    if (info === null) continue; // the end of the (empty) history
    objects.set(info.name, info);
    renderOs(os);
  }
}

async function main() {
  $("server").textContent = server;
  $("kv-bucket").textContent = kvBucket;
  $("os-bucket").textContent = osBucket;
  let nc;
  try {
    nc = await connect({ servers: server, name: "nats-wasm web example" });
  } catch (err) {
    setStatus("failed", "not connected");
    showError(new Error(`${server}: ${err.message} (is the server running? make demo-web)`));
    return;
  }
  setStatus("connected");
  followStatus(nc);
  const js = nc.jetstream();
  await Promise.all([startKv(js), startOs(js)]).catch(showError);
}

main();

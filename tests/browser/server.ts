// Static HTTP server for the browser page test (127.0.0.1 only): serves tests/browser/page.html
// at / and the built package under /dist/, and the generated auth fixtures (.tmp/auth: JSON and
// creds files only) under /auth/. With NATS_CLIENT=nats.ws, /dist/mod.js is nats.ws's
// ESM bundle instead, to validate the page against the reference client.
// Usage: deno run -A tests/browser/server.ts [port]   (prints "listening on <port>")
const root = new URL("../../", import.meta.url);
const port = Number(Deno.args[0] ?? 14890);
const natsWs = Deno.env.get("NATS_CLIENT") === "nats.ws";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".creds": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

function fileFor(path: string): URL | null {
  if (path === "/" || path === "/page.html") return new URL("tests/browser/page.html", root);
  if (natsWs && path === "/dist/mod.js") {
    return new URL(".tools/node_modules/nats.ws/esm/nats.js", root);
  }
  if (path.startsWith("/dist/") && !path.includes("..")) return new URL(path.slice(1), root);
  // the auth fixtures of tests/auth/fixtures.sh: fixtures.json and the .creds files only
  if (/^\/auth\/[a-z]+\.(json|creds)$/.test(path)) return new URL(`.tmp${path}`, root);
  return null;
}

Deno.serve({
  hostname: "127.0.0.1",
  port,
  onListen: ({ port }) => console.log(`listening on ${port}`),
}, async (req) => {
  const path = new URL(req.url).pathname;
  if (path === "/favicon.ico") return new Response(null, { status: 204 });
  const file = fileFor(path);
  if (!file) return new Response("not found", { status: 404 });
  try {
    const body = await Deno.readFile(file);
    const ext = path === "/" ? ".html" : path.slice(path.lastIndexOf("."));
    return new Response(body, {
      headers: {
        "content-type": types[ext] ?? "application/octet-stream",
        "cache-control": "no-store",
      },
    });
  } catch {
    return new Response("not found", { status: 404 });
  }
});

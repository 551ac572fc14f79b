// Static HTTP server for the browser page tests and `make demo-web` (127.0.0.1 only): serves
// tests/browser/page.html at / (and each test page of tests/browser/ and their harness.js by
// name), the built package under /dist/, the web page example under /examples/web/, and the auth
// fixtures generated in .tmp/auth (JSON and creds files only) under /auth/. With NATS_CLIENT=nats.ws,
// /dist/mod.js is nats.ws's ESM bundle instead, to validate the pages against the reference client.
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
  ".css": "text/css; charset=utf-8",
};

function fileFor(path: string): URL | null {
  if (path === "/") return new URL("tests/browser/page.html", root);
  if (/^\/[a-z_]+\.(html|js)$/.test(path)) return new URL(`tests/browser${path}`, root);
  if (path === "/examples/web/") return new URL("examples/web/index.html", root);
  if (/^\/examples\/web\/[a-z_]+\.(html|js|css)$/.test(path)) return new URL(path.slice(1), root);
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
  // the example's page loads its files by relative URLs, which need the trailing slash
  if (path === "/examples/web") {
    const to = new URL(req.url);
    to.pathname += "/";
    return Response.redirect(to, 301);
  }
  const file = fileFor(path);
  if (!file) return new Response("not found", { status: 404 });
  try {
    const body = await Deno.readFile(file);
    const ext = path.endsWith("/") ? ".html" : path.slice(path.lastIndexOf("."));
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

// Secure WebSocket against a real nats-server whose WebSocket listener has a certificate from a
// throwaway CA made by tests/auth/fixtures.sh (openssl; server auth-wss on wss://127.0.0.1:16443).
// Deno only trusts that CA when told to, so each case runs tests/auth/wss_client.ts in a child
// Deno: with `--cert ca.pem` and with DENO_CERT the `tls: {}` connection works end to end; without
// the CA the dial fails (the certificate is checked). The `tls` option rules themselves (ws:// with
// tls: {} and certificate fields are INVALID_OPTION) are in connection_options_test.ts.
import { assertEquals } from "../helpers/assert.ts";
import { IS_NATS_WS } from "../helpers/helpers.ts";
import { AUTH_DIR, fx } from "../helpers/auth_fixtures.ts";

const CA = new URL("tls/ca.pem", AUTH_DIR).pathname;
const CLIENT = new URL("../auth/wss_client.ts", import.meta.url).pathname;

async function runClient(flags: string[], env: Record<string, string> = {}) {
  const args = ["run", "-A", "--no-check", ...flags];
  if (IS_NATS_WS) {
    args.push(
      "--import-map",
      new URL("../helpers/natsws.importmap.json", import.meta.url).pathname,
    );
  }
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [...args, CLIENT, fx.wss.url],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).output();
  const out = new TextDecoder().decode(stdout).trim().split("\n").pop() ?? "";
  assertEquals(code, 0, `exit code; stderr: ${new TextDecoder().decode(stderr)}`);
  return JSON.parse(out);
}

Deno.test("wss: tls: {} with the test CA trusted through --cert works end to end", async () => {
  const r = await runClient(["--cert", CA]);
  assertEquals(r, { ok: true, server: new URL(fx.wss.url).host, got: "over tls" });
});

Deno.test("wss: the same through DENO_CERT", async () => {
  const r = await runClient([], { DENO_CERT: CA });
  assertEquals(r.ok, true, JSON.stringify(r));
});

Deno.test("wss: without the CA the certificate is refused and connect fails", async () => {
  const r = await runClient([]);
  assertEquals(r.ok, false);
  if (!IS_NATS_WS) assertEquals(r.code, "CONNECTION_REFUSED", JSON.stringify(r));
});

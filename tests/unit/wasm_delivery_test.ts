// The wasm driver's delivery contract and the request bindings, on a WasmConnection that never
// reaches a server (needs the wasm build in js/wasm/, as `make build` makes it).
import { assertEquals, assertThrows } from "../helpers/assert.ts";
import { WasmConnection } from "../../js/wasm.ts";
import {
  field,
  K_CLOSED,
  K_FLUSH_END,
  K_REQ_END,
  K_SUB_END,
  STRIDE,
  W_ID,
  W_KIND,
} from "../../js/records.ts";
import { ErrorCode } from "../../js/errors.ts";

/** An engine for a port nothing listens on, recording [kind, id, f0] of each record. */
function engine() {
  const seen: [number, number, string][] = [];
  const wc = new WasmConnection(
    { servers: ["ws://127.0.0.1:1"], reconnect: false },
    undefined,
    (records: Uint32Array, arena: Uint8Array) => {
      for (let i = 0; i < records.length; i += STRIDE) {
        seen.push([records[i + W_KIND], records[i + W_ID], field(records, arena, i, 0)]);
      }
    },
  );
  return { wc, seen };
}

Deno.test("driver - a command's records arrive after it has returned its id", async () => {
  const { wc, seen } = engine();
  wc.start();
  const sid = wc.subscribe("a", undefined, 0, 0);
  const token = wc.request("svc", undefined, new Uint8Array(), 1000, false, undefined);
  const many = wc.requestMany("svc", undefined, new Uint8Array(), 1000, "timer", 0, true);
  const fid = wc.flush();
  wc.close();
  // close() ended everything inside the call: nothing may be delivered before it returns
  assertEquals(seen, []);
  await Promise.resolve();
  // each under the id its command returned, ended as close() ends it (in the engine's order,
  // which this test does not pin down), CLOSED last
  const byText = (a: unknown[], b: unknown[]) => String(a).localeCompare(String(b));
  assertEquals(
    seen.slice().sort(byText),
    [
      [K_REQ_END, token, ErrorCode.ConnectionClosed],
      [K_REQ_END, many, ErrorCode.ConnectionClosed],
      [K_FLUSH_END, fid, ErrorCode.ConnectionClosed],
      [K_SUB_END, sid, ""],
      [K_CLOSED, 0, ""],
    ].sort(byText),
  );
  assertEquals(seen[seen.length - 1][0], K_CLOSED);
});

Deno.test("bindings - a reply subject is only accepted with noMux", () => {
  const { wc } = engine();
  wc.start();
  assertThrows(
    () => wc.request("svc", undefined, new Uint8Array(), 1000, false, "my.reply"),
    ErrorCode.InvalidOption,
    "reply can only be used with noMux",
  );
  const t = wc.request("svc", undefined, new Uint8Array(), 1000, true, "my.reply");
  assertEquals(typeof t, "number");
  // freed while the driver's microtask is still queued: that microtask must do nothing (it used
  // to call a dropped closure and throw an uncaught error)
  wc.close();
  wc.free();
});

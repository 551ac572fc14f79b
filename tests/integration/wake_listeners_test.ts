// [nats-wasm] The wake-up connection check (a PING when a page becomes visible or the browser
// comes back online) is for browsers only: in Deno, which has no `document` and no `online`
// event, the client registers no global listener at all (tests/browser/wake.mjs covers the
// browser side).
import { assertEquals } from "../helpers/assert.ts";
import { connectTest, IS_NATS_WS } from "../helpers/helpers.ts";

Deno.test({
  name: "wake-up check: a Deno program gets no page listeners",
  ignore: IS_NATS_WS,
  fn: async () => {
    const g = globalThis as unknown as {
      addEventListener: typeof addEventListener;
      document?: unknown;
    };
    assertEquals(g.document, undefined);
    const original = g.addEventListener;
    const added: string[] = [];
    g.addEventListener = ((type: string, ...rest: unknown[]) => {
      added.push(type);
      return (original as (...a: unknown[]) => void).call(globalThis, type, ...rest);
    }) as typeof addEventListener;
    try {
      const nc = await connectTest();
      await nc.flush();
      await nc.close();
    } finally {
      g.addEventListener = original;
    }
    assertEquals(added, []);
  },
});

// How writes become WebSocket frames, seen from a scripted server (FakeServer): what an async
// loop writes one item per iteration (acks in a `for await` over a consumer, replies) leaves in a
// few frames, not one frame per write: each frame costs a syscall here and a decode on the
// server, and a run of small frames waits on Nagle (docs/design.md "Engine calling contract").
import { assert, assertEquals } from "../helpers/assert.ts";
import { connect } from "../helpers/deps.ts";
import { FakeServer, IS_NATS_WS } from "../helpers/helpers.ts";

Deno.test({
  name: "frames - writes from the iterations of an async loop share frames",
  // nats.ws sends one frame per microtask flush: this is a difference we made on purpose
  ignore: IS_NATS_WS,
  fn: async () => {
    const fake = new FakeServer((c) => c.sendInfo());
    try {
      const nc = await connect({ servers: fake.url, pingInterval: 60_000 });
      const c = await fake.connection(0);
      await nc.flush();
      const before = c.frames;
      const N = 1000;
      for (let i = 0; i < N; i++) {
        await Promise.resolve(); // one iteration per microtask, as a `for await` loop runs
        nc.publish("ack.me", `${i}`);
      }
      await nc.flush();
      await c.line(new RegExp(`^${N - 1}$`));
      const pubs = c.lines.filter((l) => l.startsWith("PUB ack.me ")).length;
      assertEquals(pubs, N);
      const frames = c.frames - before;
      assert(frames <= 5, `${N} publishes in ${frames} frames`);
      await nc.close();
    } finally {
      await fake.close();
    }
  },
});

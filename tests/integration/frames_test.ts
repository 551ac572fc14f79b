// How writes become WebSocket frames, seen from a scripted server (FakeServer): what an async
// loop writes one item per iteration (acks in a `for await` over a consumer, replies) leaves in a
// few frames, not one frame per write: each frame costs a syscall here and a decode on the
// server, and a run of small frames waits on Nagle (docs/design.md "Engine calling contract").
import { assert, assertEquals } from "../helpers/assert.ts";
import { connect } from "../helpers/deps.ts";
import { connectTest, FakeServer, IS_NATS_WS } from "../helpers/helpers.ts";

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

Deno.test({
  name: "frames - two connections answering each other take no turn-end hop per message",
  // the turn-end hop (a MessageChannel post, src/wasm/turn.rs) is ours
  ignore: IS_NATS_WS,
  fn: async () => {
    // One hop per send used to reset the driver's "sent in this task" mark: a requester and a
    // responder in one program paid two per round trip, each a task that the next message event
    // of the other connection queued behind.
    const Original = globalThis.MessageChannel;
    let posts = 0;
    class Counting extends Original {
      constructor() {
        super();
        const port = this.port2;
        const post = port.postMessage.bind(port);
        port.postMessage = (m: unknown) => {
          posts++;
          post(m);
        };
      }
    }
    globalThis.MessageChannel = Counting;
    try {
      const host = await connectTest();
      const nc = await connectTest();
      const subject = `frames.hop.${crypto.randomUUID()}`;
      host.subscribe(subject, { callback: (_err, m) => void m.respond(m.data) });
      await host.flush();
      const N = 200;
      const before = posts;
      for (let i = 0; i < N; i++) await nc.request(subject, `${i}`, { timeout: 5000 });
      const hops = posts - before;
      assert(hops <= N / 20, `${N} sequential requests took ${hops} turn-end hops`);
      await nc.close();
      await host.close();
    } finally {
      globalThis.MessageChannel = Original;
    }
  },
});

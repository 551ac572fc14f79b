// KV watch (js.views.kv(...).watch, ADR-8) against the JetStream server of
// tests/nats/jetstream.conf, and across a restart of a private server: the initial values, then
// the updates in order; `initializedFn` exactly once, after the initial values; the include modes,
// ignoreDeletes, key filters, headers_only, resumeFromRevision; stop/break. Every test uses its
// own bucket and destroys it.
import { assert, assertEquals } from "../../helpers/assert.ts";
import { connect, KvWatchInclude, StorageType } from "../../helpers/deps.ts";
import type { KV, KvEntry, NatsConnection, QueuedIterator } from "../../helpers/deps.ts";
import { JETSTREAM_URL, latch, PrivateServer, take, within } from "../../helpers/helpers.ts";
import type { Latch } from "../../helpers/helpers.ts";

let counter = 0;
/** A bucket name no other test (or earlier run against the same server) uses. */
function uniq(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${counter++}`;
}

interface Fixture {
  nc: NatsConnection;
  kv: KV;
  done(): Promise<void>;
}

async function setup(history = 10): Promise<Fixture> {
  const nc = await connect({ servers: JETSTREAM_URL });
  const kv = await nc.jetstream().views.kv(uniq("w"), { history });
  const done = async () => {
    await kv.destroy().catch(() => {});
    await nc.close();
  };
  return { nc, kv, done };
}

/** `key@revision:OP[=value]` of an entry. */
function show(e: KvEntry): string {
  return `${e.key}@${e.revision}:${e.operation}${e.operation === "PUT" ? `=${e.string()}` : ""}`;
}

/** Iterates in the background, recording what it sees; `upTo(n)` waits for n entries. */
function record(iter: QueuedIterator<KvEntry>) {
  const seen: string[] = [];
  const waits: { n: number; l: Latch<void> }[] = [];
  const done = (async () => {
    for await (const e of iter) {
      seen.push(show(e));
      for (const w of waits) if (seen.length >= w.n) w.l.resolve(undefined);
    }
  })();
  return {
    seen,
    done,
    upTo(n: number, ms = 5000): Promise<void> {
      if (seen.length >= n) return Promise.resolve();
      const l = latch<void>();
      waits.push({ n, l });
      return within(l, ms, `${n} entries (have ${seen.length}: ${seen.join(" ")})`);
    },
  };
}

/** Lets anything still in flight arrive (a watch that should see nothing more must not). */
const settle = () => new Promise((r) => setTimeout(r, 300));

Deno.test("kv watch - last values first, initializedFn once after them, then updates", async () => {
  const { kv, done } = await setup();
  try {
    await kv.put("a", "1");
    await kv.put("b", "2");
    await kv.put("a", "3");
    await kv.put("c", "4");
    await kv.delete("c");
    let calls = 0;
    let seenAtInit = -1;
    const init = latch();
    const iter = await kv.watch({
      initializedFn: () => {
        calls++;
        seenAtInit = r.seen.length;
        init.resolve();
      },
    });
    const r = record(iter);
    await within(init, 5000, "initializedFn");
    assertEquals(seenAtInit, 3);
    assertEquals(r.seen, ["b@2:PUT=2", "a@3:PUT=3", "c@5:DEL"]);
    await kv.put("d", "5");
    await kv.put("a", "6");
    await kv.delete("b");
    await kv.purge("a");
    await r.upTo(7);
    await settle();
    assertEquals(r.seen.slice(3), ["d@6:PUT=5", "a@7:PUT=6", "b@8:DEL", "a@9:PURGE"]);
    assertEquals(calls, 1);
    iter.stop();
    await r.done;
  } finally {
    await done();
  }
});

Deno.test("kv watch - an empty bucket is initialized at once; updates only skips the past", async () => {
  const { kv, done } = await setup();
  try {
    let calls = 0;
    const iter = await kv.watch({ initializedFn: () => calls++ });
    assertEquals(calls, 1);
    const r = record(iter);
    await kv.put("x", "1");
    await r.upTo(1);
    assertEquals(r.seen, ["x@1:PUT=1"]);

    await kv.put("y", "2");
    let updCalls = 0;
    const upd = await kv.watch({
      include: KvWatchInclude.UpdatesOnly,
      initializedFn: () => updCalls++,
    });
    assertEquals(updCalls, 1);
    const ru = record(upd);
    await kv.put("z", "3");
    await ru.upTo(1);
    await settle();
    assertEquals(ru.seen, ["z@3:PUT=3"]);
    assertEquals([calls, updCalls], [1, 1]);
    iter.stop();
    upd.stop();
    await Promise.all([r.done, ru.done]);
  } finally {
    await done();
  }
});

Deno.test("kv watch - all history, with and without deletes", async () => {
  const { kv, done } = await setup();
  try {
    await kv.put("a", "a");
    await kv.put("a", "aa");
    await kv.put("a", "aaa");
    await kv.delete("a");
    const all = record(await kv.watch({ include: KvWatchInclude.AllHistory }));
    const noDel = record(
      await kv.watch({ include: KvWatchInclude.AllHistory, ignoreDeletes: true }),
    );
    await kv.put("c", "c");
    await kv.delete("c");
    await all.upTo(6);
    await noDel.upTo(4);
    await settle();
    assertEquals(all.seen, [
      "a@1:PUT=a",
      "a@2:PUT=aa",
      "a@3:PUT=aaa",
      "a@4:DEL",
      "c@5:PUT=c",
      "c@6:DEL",
    ]);
    assertEquals(noDel.seen, ["a@1:PUT=a", "a@2:PUT=aa", "a@3:PUT=aaa", "c@5:PUT=c"]);
  } finally {
    await done();
  }
});

Deno.test("kv watch - key filters, several keys, headers only", async () => {
  const { kv, done } = await setup();
  try {
    await kv.put("a.b", "1");
    await kv.put("b.b", "2");
    await kv.put("c", "3");
    const wild = record(await kv.watch({ key: "a.>" }));
    const two = record(await kv.watch({ key: ["b.*", "c"] }));
    const heads = await kv.watch({ key: "c", headers_only: true });
    const [h] = await take(heads, 1);
    assertEquals([h.key, h.value.length, h.length, h.operation], ["c", 0, 1, "PUT"]);
    heads.stop();
    await kv.put("a.x", "4");
    await kv.put("b.x", "5");
    await kv.put("a.b.c", "6");
    await kv.put("d", "7");
    await wild.upTo(3);
    await two.upTo(3);
    await settle();
    assertEquals(wild.seen, ["a.b@1:PUT=1", "a.x@4:PUT=4", "a.b.c@6:PUT=6"]);
    assertEquals(two.seen, ["b.b@2:PUT=2", "c@3:PUT=3", "b.x@5:PUT=5"]);
  } finally {
    await done();
  }
});

Deno.test("kv watch - resumeFromRevision starts there", async () => {
  const { kv, done } = await setup();
  try {
    await kv.put("a", "1");
    await kv.put("b", "2");
    await kv.put("c", "3");
    const it = await kv.watch({ resumeFromRevision: 2 });
    const got = await take(it, 2);
    assertEquals(got.map(show), ["b@2:PUT=2", "c@3:PUT=3"]);
  } finally {
    await done();
  }
});

Deno.test("kv watch - an initializedFn that throws ends the iteration with its error", async () => {
  const { kv, done } = await setup();
  try {
    for (let i = 0; i < 10; i++) await kv.put(`k${i}`, `${i}`);
    const iter = await kv.watch({
      initializedFn: () => {
        throw new Error("crash");
      },
    });
    let n = 0;
    const err = await within(
      (async () => {
        try {
          for await (const _ of iter) n++;
        } catch (e) {
          return e as Error;
        }
        return null;
      })(),
      5000,
      "the iteration's end",
    );
    assertEquals(err?.message, "crash");
    assertEquals(n, 10);
  } finally {
    await done();
  }
});

Deno.test("kv watch - initialized once while the bucket changes under it", async () => {
  const { kv, done } = await setup(1);
  try {
    await kv.put("A", "");
    await kv.put("B", "");
    await kv.put("C", "");
    let calls = 0;
    let at = -1;
    const writes = (async () => {
      for (let i = 0; i < 100; i++) await kv.put(`${i}`, "");
    })();
    const iter = await kv.watch({
      initializedFn: () => {
        calls++;
        at = iter.getProcessed();
      },
    });
    const r = record(iter);
    await writes;
    await r.upTo(103);
    await settle();
    assertEquals(r.seen.length, 103);
    assertEquals(calls, 1);
    assert(at >= 3 && at <= 103, `initialized after ${at} entries`);
    // every revision exactly once, in order
    const revs = r.seen.map((s) => Number(s.split("@")[1].split(":")[0]));
    assertEquals(revs, Array.from({ length: 103 }, (_, i) => i + 1));
  } finally {
    await done();
  }
});

Deno.test("kv watch - stop() and leaving the loop end it", async () => {
  const { kv, done } = await setup();
  try {
    const a = await kv.watch();
    const ra = record(a);
    a.stop();
    await within(ra.done, 2000, "stopped watch");
    const b = await kv.watch();
    await kv.put("x", "1");
    for await (const _ of b) break;
    // what the loop left is not delivered any more
    await kv.put("y", "2");
    await settle();
    assertEquals(ra.seen, []);
  } finally {
    await done();
  }
});

Deno.test("kv watch - a watcher keeps every update, once and in order, across a server restart", async () => {
  const store = Deno.makeTempDirSync({ prefix: "nats-wasm-kv-" });
  const srv = new PrivateServer(`jetstream { store_dir: "${store}" }`);
  await srv.start();
  const nc = await connect({ servers: srv.url, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  try {
    // history keeps every update (with 1, a rewrite during the outage would replace the one before)
    const kv = await nc.jetstream().views.kv("restart", { storage: StorageType.File, history: 20 });
    await kv.put("k", "0");
    const r = record(await kv.watch());
    for (let i = 1; i <= 5; i++) await kv.put("k", `${i}`);
    await r.upTo(6);
    await srv.stop();
    await srv.start();
    for (let i = 6; i <= 10; i++) {
      for (let tries = 0;; tries++) {
        try {
          await kv.put("k", `${i}`);
          break;
        } catch (err) {
          if (tries > 40) throw err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    }
    // the memory consumer is gone with the restart: two missed 5 s heartbeats recreate it
    await r.upTo(11, 30_000);
    await settle();
    assertEquals(r.seen, Array.from({ length: 11 }, (_, i) => `k@${i + 1}:PUT=${i}`));
  } finally {
    await nc.close();
    await srv.dispose();
    await Deno.remove(store, { recursive: true }).catch(() => {});
  }
});

Deno.test("kv watch - each entry's revision, delta, created and operation, read in any order", async () => {
  const { kv, done } = await setup();
  const before = Date.now();
  await kv.put("a", "1");
  await kv.put("b", "2");
  await kv.delete("a");
  await kv.put("c", "3");
  const iter = await kv.watch({ include: KvWatchInclude.AllHistory });
  const got = await take(iter, 4);
  iter.stop();
  // revisions read back to front first, the rest front to back after: what an entry reports
  // must not depend on which entry was read last
  const revisions = [...got].reverse().map((e) => e.revision).reverse();
  const rows = got.map((e, i) => ({
    delta: e.delta,
    op: e.operation,
    revision: revisions[i],
    key: e.key,
    created: e.created.getTime(),
    length: e.length,
  }));
  for (const r of rows) {
    assert(r.created >= before - 1000 && r.created <= Date.now() + 1000, `created ${r.created}`);
  }
  await done();
});

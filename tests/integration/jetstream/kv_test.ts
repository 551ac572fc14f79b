// KV (js.views.kv, ADR-8) against the JetStream server of tests/nats/jetstream.conf: the stream a
// bucket creates, every method with its revisions, operations, order and counts, history limits,
// TTL expiry, codecs, direct and MSG.GET reads, bad names and oversized values, listKvs. Watch
// semantics are in kv_watch_test.ts. Every test uses its own bucket and destroys it.
import { assert, assertEquals, assertRejects, assertThrows } from "../../helpers/assert.ts";
import * as client from "../../helpers/deps.ts";
import { connect, Empty, JSONCodec, nanos, StorageType, StringCodec } from "../../helpers/deps.ts";
import type {
  JetStreamClient,
  JetStreamManager,
  NatsConnection,
  QueuedIterator,
} from "../../helpers/deps.ts";
import { drainAll, IS_NATS_WS, JETSTREAM_URL, within } from "../../helpers/helpers.ts";

let counter = 0;
/** A bucket name no other test (or earlier run against the same server) uses. */
function uniq(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${counter++}`;
}

/** Our errors carry INVALID_OPTION; nats.deno (the reference) throws plain errors. */
const INVALID = IS_NATS_WS ? undefined : "INVALID_OPTION";

const sc = StringCodec();

// nats.deno keeps these out of nats.ws's exports: the tests that use them skip the reference client
const { Base64KeyCodec, defaultBucketOpts, NoopKvCodecs } = client;

interface Fixture {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  name: string;
  done(): Promise<void>;
}

async function setup(prefix = "kv"): Promise<Fixture> {
  const nc = await connect({ servers: JETSTREAM_URL });
  const js = nc.jetstream();
  const jsm = await nc.jetstreamManager();
  const name = uniq(prefix);
  const done = async () => {
    await jsm.streams.delete(`KV_${name}`).catch(() => {});
    await nc.close();
  };
  return { nc, js, jsm, name, done };
}

function collect<T>(it: Promise<QueuedIterator<T>>): Promise<T[]> {
  return it.then((i) => drainAll(i, 5000));
}

Deno.test("kv - bucket and key names are checked before anything is sent", async () => {
  const f = await setup();
  try {
    for (const bad of [" B", "!", "x/y", "x>", "x.x", "x.*", "x*", "*", ">", ""]) {
      await assertRejects(f.js.views.kv(bad), INVALID, "invalid bucket name", `bucket '${bad}'`);
    }
    const kv = await f.js.views.kv(f.name);
    const badKeys = [" x y", "x ", "x!", "xx$", "*", ">", "x.>", "x.*", ".", ".x", ".x.", "x."];
    for (const k of badKeys) {
      await assertRejects(kv.put(k, "v"), INVALID, "invalid key", `put '${k}'`);
      await assertRejects(kv.get(k), INVALID, "invalid key", `get '${k}'`);
      await assertRejects(kv.create(k, "v"), INVALID, "invalid key", `create '${k}'`);
    }
    for (const k of [".x", "x.", "x!"]) {
      await assertRejects(kv.delete(k), INVALID, "invalid key", `delete '${k}'`);
      await assertRejects(kv.watch({ key: k }), INVALID, "invalid key", `watch '${k}'`);
      await assertRejects(kv.keys(k), INVALID, "invalid key", `keys '${k}'`);
    }
    // nothing above was stored
    assertEquals((await kv.status()).values, 0);
    const good = ["foo", "_foo", "-foo", "_kv_foo", "foo123", "123", "a/b/c", "a.b.c", "a=b"];
    for (const k of good) await kv.put(k, k);
    assertEquals((await collect(kv.keys())).sort(), [...good].sort());
    for (const k of good) assertEquals((await kv.get(k))?.string(), k);
  } finally {
    await f.done();
  }
});

Deno.test("kv - opening creates the stream from the options, once", async () => {
  const f = await setup();
  try {
    const kv = await f.js.views.kv(f.name, {
      history: 5,
      ttl: 60_000,
      max_bytes: 1 << 20,
      maxValueSize: 1024,
      storage: StorageType.Memory,
      description: "a bucket",
      metadata: { owner: "kv_test" },
      compression: true,
    });
    const si = await f.jsm.streams.info(`KV_${f.name}`);
    const c = si.config;
    assertEquals(c.subjects, [`$KV.${f.name}.>`]);
    assertEquals(c.max_msgs_per_subject, 5);
    assertEquals(c.max_age, nanos(60_000));
    assertEquals(c.max_bytes, 1 << 20);
    assertEquals(c.max_msg_size, 1024);
    assertEquals(c.storage, StorageType.Memory);
    assertEquals(c.num_replicas, 1);
    assertEquals(c.discard, "new");
    assertEquals(c.retention, "limits");
    assertEquals(c.allow_rollup_hdrs, true);
    assertEquals(c.allow_direct, true);
    assertEquals(c.compression, "s2");
    assertEquals(c.description, "a bucket");
    assertEquals(c.metadata?.owner, "kv_test");

    const st = await kv.status();
    assertEquals(st.bucket, f.name);
    assertEquals(st.history, 5);
    assertEquals(st.ttl, 60_000);
    assertEquals(st.max_bytes, 1 << 20);
    assertEquals(st.maxBucketSize, 1 << 20);
    assertEquals(st.maxValueSize, 1024);
    assertEquals(st.storage, StorageType.Memory);
    assertEquals(st.backingStore, StorageType.Memory);
    assertEquals(st.replicas, 1);
    assertEquals(st.description, "a bucket");
    assertEquals(st.compression, true);
    assertEquals(st.metadata?.owner, "kv_test");
    assertEquals(st.values, 0);
    assertEquals(st.size, 0);
    assertEquals(st.streamInfo.config.name, `KV_${f.name}`);
    await kv.put("a", "1");
    const st2 = await kv.status();
    assertEquals(st2.values, 1);
    assert(st2.size > 0, "size counts the stored bytes");

    // opening again never updates the stream
    await f.js.views.kv(f.name, { history: 1, ttl: 0 });
    assertEquals((await kv.status()).history, 5);

    // the defaults nats.deno documents
    if (!IS_NATS_WS) {
      const d = defaultBucketOpts();
      assertEquals(
        [d.history, d.replicas, d.max_bytes, d.maxValueSize, d.storage, d.timeout],
        [1, 1, -1, -1, StorageType.File, 2000],
      );
    }
    const other = await f.js.views.kv(`${f.name}_d`);
    try {
      const oc = (await other.status()).streamInfo.config;
      assertEquals([oc.max_msgs_per_subject, oc.max_bytes, oc.max_msg_size], [1, -1, -1]);
      assertEquals([oc.max_age, oc.storage], [0, StorageType.File]);
    } finally {
      assertEquals(await other.destroy(), true);
    }
  } finally {
    await f.done();
  }
});

Deno.test("kv - put, get, update, create, delete and purge: revisions and operations", async () => {
  const f = await setup();
  try {
    const kv = await f.js.views.kv(f.name, { history: 10 });
    assertEquals(await kv.get("k"), null);
    assertEquals(await kv.put("k", sc.encode("hello")), 1);
    const before = Date.now();
    assertEquals(await kv.put("k", "bye"), 2);
    assertEquals(await kv.put("j", JSONCodec().encode({ n: 5 })), 3);

    const e = (await kv.get("k"))!;
    assertEquals([e.bucket, e.key, e.revision, e.operation], [f.name, "k", 2, "PUT"]);
    assertEquals([e.string(), e.length, e.delta], ["bye", 3, 0]);
    assert(Math.abs(e.created.getTime() - before) < 10_000, "created is the store time");
    assertEquals((await kv.get("j"))!.json<{ n: number }>(), { n: 5 });

    // by revision: only a revision of that key
    assertEquals((await kv.get("k", { revision: 1 }))?.string(), "hello");
    assertEquals(await kv.get("j", { revision: 1 }), null);
    assertEquals(await kv.get("k", { revision: 99 }), null);

    // update at the latest revision only
    await assertRejects(kv.update("k", "x", 1), "400", "wrong last sequence: 2");
    assertEquals(await kv.update("k", "x", 2), 4);
    assertThrows(() => kv.update("k", "x", 0), INVALID, "version must be greater than 0");

    // put with previousSeq
    assertEquals(await kv.put("p", Empty, { previousSeq: 0 }), 5);
    const err = await assertRejects(kv.put("p", Empty, { previousSeq: 0 }), "400");
    assertEquals(err.message, "wrong last sequence: 5");
    assertEquals((err as unknown as { api_error: { err_code: number } }).api_error.err_code, 10071);
    assertEquals(await kv.put("p", Empty, { previousSeq: 5 }), 6);

    // create: only when there is no value; after a delete or purge it works again
    await assertRejects(kv.create("k", "y"), "400", "wrong last sequence: 4");
    assertEquals(await kv.create("c", "1"), 7);
    await kv.delete("c");
    const del = (await kv.get("c"))!;
    assertEquals([del.operation, del.revision, del.length], ["DEL", 8, 0]);
    assertEquals(await kv.create("c", "2"), 9);
    await kv.purge("c");
    assertEquals((await kv.get("c"))!.operation, "PURGE");
    assertEquals(await kv.create("c", "3"), 11);

    // a purge leaves only its marker of the key's history
    await kv.purge("k");
    const hk = await collect(kv.history({ key: "k" }));
    assertEquals(hk.map((e) => [e.revision, e.operation]), [[12, "PURGE"]]);

    // delete and purge with previousSeq
    await assertRejects(kv.delete("c", { previousSeq: 1 }), "400", "wrong last sequence: 11");
    await kv.delete("c", { previousSeq: 11 });
    await assertRejects(kv.purge("c", { previousSeq: 11 }), "400", "wrong last sequence: 13");
    await kv.purge("c", { previousSeq: 13 });
    assertEquals((await kv.get("c"))!.revision, 14);

    await kv.close();
    assertEquals(await kv.destroy(), true);
    await assertRejects(f.jsm.streams.info(`KV_${f.name}`), "404", "stream not found");
  } finally {
    await f.done();
  }
});

Deno.test("kv - history keeps `history` revisions per key, oldest first", async () => {
  const f = await setup();
  try {
    const kv = await f.js.views.kv(f.name, { history: 3 });
    assertEquals((await collect(kv.history())).length, 0);
    for (let i = 1; i <= 5; i++) await kv.put("A", `a${i}`);
    await kv.put("B", "b1");
    await kv.delete("B");
    assertEquals((await kv.status()).values, 5);

    const all = await collect(kv.history());
    assertEquals(
      all.map((e) => `${e.key}@${e.revision}:${e.operation}:${e.string()}`),
      ["A@3:PUT:a3", "A@4:PUT:a4", "A@5:PUT:a5", "B@6:PUT:b1", "B@7:DEL:"],
    );
    // delta counts what is still to come
    assertEquals(all.map((e) => e.delta), [4, 3, 2, 1, 0]);

    const a = await collect(kv.history({ key: "A" }));
    assertEquals(a.map((e) => e.revision), [3, 4, 5]);
    const both = await collect(kv.history({ key: ["A", "B"] }));
    assertEquals(both.length, 5);

    // only the headers: no value, but its length
    const h = await collect(kv.history({ key: "A", headers_only: true }));
    assertEquals(h.map((e) => [e.value.length, e.length]), [[0, 2], [0, 2], [0, 2]]);

    // leaving early is fine, and a later history is complete again
    const it = await kv.history();
    for await (const _ of it) break;
    assertEquals((await collect(kv.history())).length, 5);
  } finally {
    await f.done();
  }
});

Deno.test("kv - keys skips deleted and purged keys and takes filters", async () => {
  const f = await setup();
  try {
    const kv = await f.js.views.kv(f.name, { history: 10 });
    assertEquals(await collect(kv.keys()), []);
    await kv.put("a", "1");
    await kv.put("b", "2");
    await kv.put("c.c.c", "3");
    await kv.put("a", "2");
    await kv.put("b", "3");
    await kv.delete("c.c.c");
    await kv.put("x", Empty);
    await kv.put("p", Empty);
    await kv.purge("p");
    await kv.put("a.b", "4");
    await kv.put("a.c.d", "5");
    assertEquals((await collect(kv.keys())).sort(), ["a", "a.b", "a.c.d", "b", "x"]);
    assertEquals((await collect(kv.keys("a.*"))).sort(), ["a.b"]);
    assertEquals((await collect(kv.keys("a.>"))).sort(), ["a.b", "a.c.d"]);
    assertEquals((await collect(kv.keys(["a.>", "x"]))).sort(), ["a.b", "a.c.d", "x"]);
    assertEquals(await collect(kv.keys("zz")), []);
  } finally {
    await f.done();
  }
});

Deno.test("kv - a wildcard delete or purge applies to every matching key", async () => {
  const f = await setup();
  try {
    const kv = await f.js.views.kv(f.name, { history: 10 });
    for (const k of ["a", "a.a", "a.b", "a.b.c", "b.a"]) await kv.put(k, k);
    await kv.delete("a.*");
    assertEquals((await collect(kv.keys())).sort(), ["a", "a.b.c", "b.a"]);
    assertEquals((await kv.get("a.a"))!.operation, "DEL");
    assertEquals((await kv.get("a.b"))!.operation, "DEL");
    await kv.purge("a.>");
    assertEquals((await collect(kv.keys())).sort(), ["a", "b.a"]);
    // a purged key keeps only its marker; the deleted ones were not live, so not purged
    const h = await collect(kv.history({ key: "a.b.c" }));
    assertEquals(h.map((e) => e.operation), ["PURGE"]);
  } finally {
    await f.done();
  }
});

Deno.test("kv - values expire after ttl", async () => {
  const f = await setup();
  try {
    const kv = await f.js.views.kv(f.name, { ttl: 1000 });
    assertEquals((await kv.status()).ttl, 1000);
    await kv.put("x", "hello");
    assertEquals((await kv.get("x"))?.string(), "hello");
    const until = Date.now() + 5000;
    while ((await kv.get("x")) !== null) {
      assert(Date.now() < until, "the value did not expire within 5 s");
      await new Promise((r) => setTimeout(r, 250));
    }
    assertEquals(await collect(kv.keys()), []);
    assertEquals((await kv.status()).values, 0);
  } finally {
    await f.done();
  }
});

Deno.test("kv - codecs: keys per token, values both ways", async () => {
  if (IS_NATS_WS) return; // nats.deno never applies the value codec (nor exports the codecs)
  const f = await setup();
  try {
    const xor = (v: Uint8Array) => v.map((b) => b ^ 0x5a);
    const kv = await f.js.views.kv(f.name, {
      history: 10,
      codec: { key: Base64KeyCodec(), value: { encode: xor, decode: xor } },
    });
    await kv.put("a.b", "value");
    // stored under the encoded tokens, with the encoded value
    const sm = await f.jsm.streams.getMessage(`KV_${f.name}`, {
      last_by_subj: `$KV.${f.name}.${btoa("a")}.${btoa("b")}`,
    });
    assertEquals(sm.data, xor(sc.encode("value")));
    const e = (await kv.get("a.b"))!;
    assertEquals([e.key, e.string()], ["a.b", "value"]);
    await kv.put("a.c", "other");
    await kv.put("d", "third");
    assertEquals((await collect(kv.keys("a.*"))).sort(), ["a.b", "a.c"]);
    const h = await collect(kv.history());
    assertEquals(h.map((e) => `${e.key}=${e.string()}`), ["a.b=value", "a.c=other", "d=third"]);
    await kv.delete("a.*");
    assertEquals(await collect(kv.keys()), ["d"]);

    // the no-op codecs store as given
    const noop = NoopKvCodecs();
    assertEquals(noop.key.encode("k"), "k");
    assertEquals(noop.value.decode(sc.encode("v")), sc.encode("v"));
    assertEquals(Base64KeyCodec().decode(Base64KeyCodec().encode("x y")), "x y");
  } finally {
    await f.done();
  }
});

Deno.test("kv - a value over maxValueSize is refused by the server", async () => {
  const f = await setup();
  try {
    // the server counts the header block too (a JetStream publish always has one, 12 bytes empty)
    const kv = await f.js.views.kv(f.name, { maxValueSize: 32 });
    assertEquals((await kv.status()).maxValueSize, 32);
    assertEquals(await kv.put("k", "1234"), 1);
    const err = await assertRejects(kv.put("k", "x".repeat(33)), "400", "message size exceeds");
    assertEquals((err as unknown as { api_error: { err_code: number } }).api_error.err_code, 10054);
    assertEquals((await kv.get("k"))?.string(), "1234");
    assertEquals((await kv.status()).values, 1);
  } finally {
    await f.done();
  }
});

Deno.test("kv - reads: direct get when the stream allows it, STREAM.MSG.GET otherwise", async () => {
  const f = await setup();
  try {
    const seen: string[] = [];
    const spy = f.nc.subscribe("$JS.API.>", {
      callback: (_e, m) => {
        if (m.subject.includes(".DIRECT.GET.") || m.subject.includes(".STREAM.MSG.GET.")) {
          seen.push(m.subject.includes(".DIRECT.") ? "direct" : "msg");
        }
      },
    });
    const direct = await f.js.views.kv(f.name);
    await direct.put("a", "1");
    assertEquals((await direct.get("a"))?.string(), "1");
    assertEquals((await direct.get("a", { revision: 1 }))?.string(), "1");
    const slow = await f.js.views.kv(`${f.name}_m`, { allow_direct: false });
    try {
      await slow.put("a", "2");
      assertEquals((await slow.get("a"))?.string(), "2");
      assertEquals(await slow.get("b"), null);
      await f.nc.flush();
      assertEquals(seen, ["direct", "direct", "msg", "msg"]);
    } finally {
      await slow.destroy();
      spy.unsubscribe();
    }
  } finally {
    await f.done();
  }
});

Deno.test("kv - bindOnly sends no STREAM.INFO and creates nothing", async () => {
  const f = await setup();
  try {
    await f.js.views.kv(f.name);
    let infos = 0;
    const spy = f.nc.subscribe("$JS.API.STREAM.INFO.>", { callback: () => infos++ });
    const kv = await f.js.views.kv(f.name, { bindOnly: true, allow_direct: true });
    await kv.put("a", "hello");
    assertEquals((await kv.get("a"))?.string(), "hello");
    await kv.delete("a");
    await f.nc.flush();
    assertEquals(infos, 0);
    spy.unsubscribe();
    // a missing bucket bound without asking fails on use
    const ghost = await f.js.views.kv(`${f.name}_none`, { bindOnly: true });
    await assertRejects(ghost.put("a", "x"), "503");
  } finally {
    await f.done();
  }
});

Deno.test("kv - listKvs lists the buckets, not other streams", async () => {
  const f = await setup();
  try {
    await f.jsm.streams.add({ name: `S_${f.name}`, subjects: [`${f.name}.>`] });
    await f.js.views.kv(f.name, { history: 2 });
    await f.js.views.kv(`${f.name}_2`);
    const mine = [];
    for await (const st of f.jsm.streams.listKvs()) {
      assert(st.streamInfo.config.name.startsWith("KV_"));
      if (st.bucket.startsWith(f.name)) mine.push([st.bucket, st.history]);
    }
    mine.sort();
    assertEquals(mine, [[f.name, 2], [`${f.name}_2`, 1]]);
    await f.jsm.streams.delete(`S_${f.name}`);
    await f.jsm.streams.delete(`KV_${f.name}_2`);
  } finally {
    await f.done();
  }
});

Deno.test("kv - a source bucket sees another bucket's keys as its own", async () => {
  const f = await setup();
  try {
    const origin = await f.js.views.kv(f.name);
    const copy = await f.js.views.kv(`${f.name}_src`, { sources: [{ name: f.name }] });
    try {
      const c = (await copy.status()).streamInfo.config;
      assertEquals(c.sources?.[0].name, `KV_${f.name}`);
      await origin.put("k", "from origin");
      const e = await within(
        (async () => {
          for (;;) {
            const e = await copy.get("k");
            if (e) return e;
            await new Promise((r) => setTimeout(r, 100));
          }
        })(),
        5000,
        "sourced value",
      );
      assertEquals([e.key, e.string(), e.bucket], ["k", "from origin", `${f.name}_src`]);
    } finally {
      await copy.destroy();
    }
  } finally {
    await f.done();
  }
});

Deno.test("kv - a mirror reads the origin's keys and writes go to the origin", async () => {
  if (IS_NATS_WS) return; // nats.deno reads a local mirror under its own name
  const f = await setup();
  try {
    const origin = await f.js.views.kv(f.name);
    const mirror = await f.js.views.kv(`${f.name}_mir`, { mirror: { name: f.name } });
    try {
      const c = (await mirror.status()).streamInfo.config;
      assertEquals([c.mirror?.name, c.mirror_direct], [`KV_${f.name}`, true]);
      await origin.put("k", "v1");
      await mirror.put("k2", "v2");
      assertEquals((await origin.get("k2"))?.string(), "v2");
      const seen = await within(
        (async () => {
          for (;;) {
            const keys = await collect(mirror.keys());
            if (keys.length === 2) return keys.sort();
            await new Promise((r) => setTimeout(r, 100));
          }
        })(),
        5000,
        "mirrored keys",
      );
      assertEquals(seen, ["k", "k2"]);
      assertEquals((await mirror.get("k"))?.string(), "v1");
    } finally {
      await mirror.destroy();
    }
  } finally {
    await f.done();
  }
});

Deno.test("kv - republish copies each edit to a core subject", async () => {
  const f = await setup();
  try {
    const kv = await f.js.views.kv(f.name, {
      republish: { src: `$KV.${f.name}.>`, dest: `re.${f.name}.>` },
    });
    assertEquals((await kv.status()).republish.dest, `re.${f.name}.>`);
    const sub = f.nc.subscribe(`re.${f.name}.>`, { max: 2 });
    await f.nc.flush();
    await kv.put("a", "1");
    await kv.delete("a");
    const got = await drainAll(sub, 5000);
    assertEquals(got.map((m) => m.subject), [`re.${f.name}.a`, `re.${f.name}.a`]);
    assertEquals(got[0].string(), "1");
    assertEquals(got[1].headers?.get("KV-Operation"), "DEL");
  } finally {
    await f.done();
  }
});

Deno.test("kv - purgeDeletes drops old markers and keeps young ones", async () => {
  const f = await setup();
  try {
    const kv = await f.js.views.kv(f.name);
    await kv.put("a", "");
    await kv.put("b", "");
    await kv.put("c", "");
    await kv.delete("a");
    await kv.delete("c");
    await new Promise((r) => setTimeout(r, 1000));
    await kv.delete("b");
    const b = kv as unknown as { purgeDeletes(ms: number): Promise<{ purged: number }> };
    assertEquals((await b.purgeDeletes(700)).purged, 2);
    assertEquals(await kv.get("a"), null);
    assertEquals(await kv.get("c"), null);
    assertEquals((await kv.get("b"))?.operation, "DEL");
  } finally {
    await f.done();
  }
});

Deno.test("kv - writes carry a non-default API prefix (ADR-19)", async () => {
  const f = await setup();
  try {
    // a stand-in for the imported API of another domain: it answers writes with a PubAck
    const writes: string[] = [];
    const fake = f.nc.subscribe("fake.api.>", {
      callback: (_e, m) => {
        // the account check (`fake.api.INFO`) is answered too: any JSON without an error will do
        if (m.subject.includes(".$KV.")) writes.push(m.subject);
        m.respond(JSON.stringify({ stream: `KV_${f.name}`, seq: 7 }));
      },
    });
    const js = f.nc.jetstream({ apiPrefix: "fake.api" });
    const kv = await js.views.kv(f.name, { bindOnly: true });
    assertEquals(await kv.put("a.b", "1"), 7);
    await kv.delete("a.b");
    assertEquals(writes, [`fake.api.$KV.${f.name}.a.b`, `fake.api.$KV.${f.name}.a.b`]);
    fake.unsubscribe();
  } finally {
    await f.done();
  }
});

Deno.test("kv - opening checks JetStream first unless checkAPI is false", async () => {
  const f = await setup();
  try {
    let checks = 0;
    const spy = f.nc.subscribe("$JS.API.INFO", { callback: () => checks++ });
    await f.nc.flush();
    await f.js.views.kv(f.name);
    await f.nc.flush();
    assertEquals(checks, 1);
    // nats.deno's jetstream() takes the manager's options too
    const quiet = f.nc.jetstream({ checkAPI: false });
    await quiet.views.kv(f.name);
    await f.nc.flush();
    assertEquals(checks, 1);
    spy.unsubscribe();
  } finally {
    await f.done();
  }
});

/**
 * KV's iterators (nats.deno's kv.ts; docs/jetstream.md "KV"): `watch`, `history`, `keys` and the
 * latest-revision scan `purgeDeletes` uses. Each reads the bucket's stream through an ordered push
 * consumer (legacy.ts, `consumerOpts().orderedConsumer()`) filtered to the key(s), with flow control
 * and a 5 s heartbeat, so that it outlives a server restart: the hook recreates the consumer from
 * the last delivered revision for as long as the subscription lives.
 *
 * The initial values are all in when the engine says the first message with nothing pending
 * after it was handed over (the ordered hook's `caught_up` event: no ack subject is read here per
 * message), or when as many messages as the first consumer had to deliver have come (its
 * `num_pending` plus what it delivered; 0: at once). A watch then runs `initializedFn` once and
 * carries on; the others end.
 *
 * Must not: end a watch on its own (only `stop()`, leaving the loop, an error or a closed
 * connection do), call `initializedFn` twice, or hand out entries of another bucket's subjects.
 */
import { QueuedIteratorImpl } from "../queued_iterator.ts";
import type { NatsError } from "../errors.ts";
import type { QueuedIterator } from "../types.ts";
import { nanos } from "../util.ts";
import { consumerOpts } from "./consumer_opts.ts";
import type { JsMsg, JsMsgImpl } from "./jsmsg.ts";
import { type JetStreamSubscriptionImpl, legacySubscribe } from "./legacy.ts";
import type { Bucket } from "./kv.ts";
import { validateSearchKey } from "./kv_codecs.ts";
import { KvWatchEntry, operationOf } from "./kv_entry.ts";
import { KvWatchInclude } from "./kv_types.ts";
import type { KvEntry, KvWatchOptions } from "./kv_types.ts";
import { AckPolicy, DeliverPolicy } from "./types.ts";
import type { ConsumerConfig, JetStreamSubscription } from "./types.ts";

/** Idle heartbeat of the consumers KV reads through, ms (nats.deno's 5 s). */
const KV_HEARTBEAT = 5000;

/** Which messages a read starts with. */
const POLICY: Record<KvWatchInclude, DeliverPolicy> = {
  [KvWatchInclude.LastValue]: DeliverPolicy.LastPerSubject,
  [KvWatchInclude.AllHistory]: DeliverPolicy.All,
  [KvWatchInclude.UpdatesOnly]: DeliverPolicy.New,
};

/** The consumer config of a read of `keys` (encoded and checked here). */
function readConfig(
  b: Bucket,
  keys: string | string[],
  include: KvWatchInclude,
  headersOnly: boolean,
): Partial<ConsumerConfig> {
  const filters = (Array.isArray(keys) ? keys : [keys]).map((k) => {
    validateSearchKey(k);
    const ek = b.encodeKey(k);
    return `${b.prefix}.${ek}`;
  });
  const cc: Partial<ConsumerConfig> = {
    deliver_policy: POLICY[include],
    ack_policy: AckPolicy.None,
    flow_control: true,
    idle_heartbeat: nanos(KV_HEARTBEAT),
    headers_only: headersOnly,
  };
  if (filters.length === 1) cc.filter_subject = filters[0];
  else cc.filter_subjects = filters;
  return cc;
}

/** The ordered push subscription of a read; `cb` gets every message (and errors). */
async function subscribe(
  b: Bucket,
  cc: Partial<ConsumerConfig>,
  cb: (err: NatsError | null, jm: JsMsg | null) => void,
  caughtUp: () => void,
  startSeq = 0,
): Promise<JetStreamSubscriptionImpl> {
  const opts = consumerOpts(cc);
  opts.bindStream(b.bucketName());
  if (startSeq > 0) opts.startSequence(startSeq);
  opts.orderedConsumer();
  opts.callback(cb);
  // bound to the stream: the subject only matters when there is no filter (never, here)
  const subj = cc.filter_subject ?? ">";
  return await legacySubscribe(b.js, subj, opts, caughtUp) as JetStreamSubscriptionImpl;
}

/** How many messages the first consumer had to deliver when it was created. */
function expected(sub: JetStreamSubscriptionImpl): number {
  const last = sub.info.last;
  return last ? last.num_pending + last.delivered.consumer_seq : 0;
}

/**
 * The entry of a delivered message. The key is decoded at once from the subject's bytes after
 * the bucket prefix (`Bucket.keyOfMsg`): an entry that kept the message to decode the key later
 * cost more (measured). Its numbers and headers are read when asked for (`KvWatchEntry`).
 */
function toEntry(b: Bucket, jm: JsMsg): KvWatchEntry {
  return new KvWatchEntry(
    b.bucket,
    b.keyOfMsg((jm as JsMsgImpl).msg),
    jm as JsMsgImpl,
    b.codec.value,
  );
}

/**
 * A watch's iterator. `initializedFn` runs once the loop has been handed every initial value (at
 * once when there were none), in the loop's own turn, as nats.deno queues it; if it throws, the
 * iteration ends with its error.
 */
export class KvWatcher extends QueuedIteratorImpl<KvEntry> {
  /** The subscription (nats.deno's `_data`). */
  _data?: JetStreamSubscription;
  private initFn?: () => void;
  /** Values pushed before the initial data was complete; -1 until then. */
  private initAt = -1;

  constructor(initFn?: () => void) {
    super();
    this.initFn = initFn;
  }

  /** The initial values are all pushed. */
  initialized(): void {
    if (this.initAt >= 0) return;
    this.initAt = this.received;
    this.runInit();
  }

  private runInit(): void {
    const fn = this.initFn;
    if (fn === undefined || this.initAt < 0 || this.processed < this.initAt) return;
    this.initFn = undefined;
    try {
      fn();
    } catch (err) {
      this.stop(err as Error);
    }
  }

  override next(): Promise<IteratorResult<KvEntry>> {
    this.runInit();
    return super.next();
  }
}

/** `kv.watch(opts)`: the initial values `include` asks for, then every change until stopped. */
export async function kvWatch(b: Bucket, opts: KvWatchOptions): Promise<QueuedIterator<KvEntry>> {
  const include = opts.include === KvWatchInclude.AllHistory ||
      opts.include === KvWatchInclude.UpdatesOnly
    ? opts.include
    : KvWatchInclude.LastValue;
  const cc = readConfig(b, opts.key ?? ">", include, opts.headers_only === true);
  const ignoreDeletes = opts.ignoreDeletes === true;
  const iter = new KvWatcher(opts.initializedFn);
  let expect = -1;
  let seen = 0;
  const sub = await subscribe(
    b,
    cc,
    (err, jm) => {
      if (err) {
        iter.stop(err);
        return;
      }
      seen++;
      const e = toEntry(b, jm!);
      if (!ignoreDeletes || e.operation !== "DEL") iter.push(e);
      if (expect > 0 && seen >= expect) iter.initialized();
    },
    () => iter.initialized(),
    opts.resumeFromRevision ?? 0,
  );
  iter._data = sub;
  expect = expected(sub);
  if (expect === 0 || seen >= expect) iter.initialized();
  iter.onStop = () => sub.unsubscribe();
  sub.closed.then(() => iter.end());
  return iter;
}

/**
 * A read that ends once caught up: `map` turns each message into a value (undefined: skipped).
 * Leaving the loop early unsubscribes.
 */
async function scan<T>(
  b: Bucket,
  cc: Partial<ConsumerConfig>,
  map: (jm: JsMsg) => T | undefined,
): Promise<QueuedIterator<T>> {
  const iter = new QueuedIteratorImpl<T>();
  // the callback may finish the scan before the subscription is handed back
  const held: { sub?: JetStreamSubscriptionImpl } = {};
  let over = false;
  let expect = -1;
  let seen = 0;
  const finish = (err?: Error) => {
    if (over) return;
    over = true;
    held.sub?.unsubscribe();
    iter.end(err);
  };
  const sub = await subscribe(b, cc, (err, jm) => {
    if (over) return;
    if (err) return finish(err);
    seen++;
    const v = map(jm!);
    if (v !== undefined) iter.push(v);
    if (expect > 0 && seen >= expect) finish();
  }, () => finish());
  held.sub = sub;
  if (over) sub.unsubscribe();
  expect = expected(sub);
  if (expect === 0 || seen >= expect) finish();
  iter.onStop = () => sub.unsubscribe();
  sub.closed.then(() => finish());
  return iter;
}

/** `kv.history({key, headers_only})`: every stored revision, oldest first. */
export async function kvHistory(
  b: Bucket,
  opts: { key?: string | string[]; headers_only?: boolean },
): Promise<QueuedIterator<KvEntry>> {
  const cc = readConfig(b, opts.key ?? ">", KvWatchInclude.AllHistory, opts.headers_only === true);
  return await scan(b, cc, (jm) => toEntry(b, jm));
}

/** The latest revision of each key (markers included), without values. */
export async function kvLatest(b: Bucket, key: string): Promise<QueuedIterator<KvEntry>> {
  const cc = readConfig(b, key, KvWatchInclude.LastValue, true);
  return await scan(b, cc, (jm) => toEntry(b, jm));
}

/** `kv.keys(filter)`: the keys whose latest revision is a value. */
export async function kvKeys(
  b: Bucket,
  filter: string | string[],
): Promise<QueuedIterator<string>> {
  const cc = readConfig(b, filter, KvWatchInclude.LastValue, true);
  return await scan(b, cc, (jm) => {
    const op = operationOf(jm.headers);
    return op === "DEL" || op === "PURGE" ? undefined : b.keyOfMsg((jm as JsMsgImpl).msg);
  });
}

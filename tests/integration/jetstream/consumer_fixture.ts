// Shared setup of the simplified consumer API tests (consumers_test.ts, ordered_test.ts): a fresh
// memory stream per test, numbered messages, a recorder of a run's status() events, and the inbox
// of a run read off the wire (its pulls' reply subject), which works the same for both clients.
import { assertEquals } from "../../helpers/assert.ts";
import { AckPolicy, connect, StorageType } from "../../helpers/deps.ts";
import type {
  ConsumerInfo,
  JetStreamClient,
  JetStreamManager,
  NatsConnection,
} from "../../helpers/deps.ts";
import { IS_NATS_WS, JETSTREAM_URL, latch, within } from "../../helpers/helpers.ts";
import type { Latch } from "../../helpers/helpers.ts";

/** A run's status event (`ConsumerStatus`; not exported by js/mod.ts yet). */
export type ConsumerStatus = { type: string; data: unknown };

let serial = 0;

export interface Fixture {
  nc: NatsConnection;
  jsm: JetStreamManager;
  js: JetStreamClient;
  /** The stream's name; it captures `<stream>.>`. */
  stream: string;
  /** Deletes the stream and closes the connection. */
  done(): Promise<void>;
}

/** A connection and a fresh memory stream with n messages on `<stream>.a` (see `publishN`). */
export async function setup(prefix: string, n = 0): Promise<Fixture> {
  const nc = await connect({ servers: JETSTREAM_URL });
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  const stream = `${prefix}_${Date.now().toString(36)}_${++serial}`;
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], storage: StorageType.Memory });
  await publishN(js, `${stream}.a`, 1, n);
  const done = async () => {
    await jsm.streams.delete(stream);
    await nc.close();
  };
  return { nc, jsm, js, stream, done };
}

/**
 * Publishes n messages whose payloads are `first`, `first + 1`, ...: on a stream that had
 * `first - 1` messages the payload is the stream sequence. Up to 100 in flight at once (requests go
 * out in call order, so the server stores them in that order).
 */
export async function publishN(
  js: JetStreamClient,
  subject: string,
  first: number,
  n: number,
): Promise<void> {
  for (let i = 0; i < n; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 100); j++) batch.push(js.publish(subject, `${first + j}`));
    await Promise.all(batch);
  }
}

/** [from, from + 1, ..., to]. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** A durable pull consumer with explicit acks (and any extra config). */
export function durable(
  jsm: JetStreamManager,
  stream: string,
  name = "c",
  config: Record<string, unknown> = {},
): Promise<ConsumerInfo> {
  return jsm.consumers.add(stream, {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    ...config,
  });
}

/**
 * Ends a run whose loop was left (`take` breaks out of it): stop(), then closed() resolves. nats.ws
 * 1.30.3 never settles closed()/close() once a `for await` over the run was left with break, so
 * against it the run is only stopped.
 */
export async function endRun(run: { stop(): void; closed(): Promise<void | Error> }) {
  run.stop();
  if (!IS_NATS_WS) assertEquals(await within(run.closed(), 5000, "the run's end"), undefined);
}

type Waiter = { type: string; from: number; l: Latch<ConsumerStatus> };

/** Records every status() event of a run in the background; `next(type)` waits (bounded) for one. */
export class StatusLog {
  readonly events: ConsumerStatus[] = [];
  /** Ends when the run's status iterator ends. */
  readonly done: Promise<void>;
  #waiters: Waiter[] = [];
  #cursor = new Map<string, number>();

  private constructor(it: AsyncIterable<ConsumerStatus>) {
    this.done = (async () => {
      for await (const s of it) {
        this.events.push(s);
        for (const w of [...this.#waiters]) this.#check(w);
      }
    })();
  }

  static async of(run: { status(): Promise<AsyncIterable<ConsumerStatus>> }): Promise<StatusLog> {
    return new StatusLog(await run.status());
  }

  #check(w: Waiter): void {
    for (let i = w.from; i < this.events.length; i++) {
      if (this.events[i].type === w.type) {
        this.#cursor.set(w.type, i + 1);
        this.#waiters = this.#waiters.filter((x) => x !== w);
        w.l.resolve(this.events[i]);
        return;
      }
    }
  }

  /** The next (not yet returned) event of that type. */
  next(type: string, ms = 5000): Promise<ConsumerStatus> {
    const w = { type, from: this.#cursor.get(type) ?? 0, l: latch<ConsumerStatus>() };
    this.#waiters.push(w);
    this.#check(w);
    return within(w.l, ms, `status ${type}; seen: ${this.types().join(",")}`).finally(() => {
      this.#waiters = this.#waiters.filter((x) => x !== w);
    });
  }

  of(type: string): ConsumerStatus[] {
    return this.events.filter((s) => s.type === type);
  }

  types(): string[] {
    return this.events.map((s) => s.type);
  }
}

/**
 * Watches the pulls of a stream's consumers from a second connection; `inbox()` is the reply
 * subject of the next pull seen (the inbox of the run that sent it).
 */
export async function watchPulls(stream: string): Promise<{
  inbox(ms?: number): Promise<string>;
  nc: NatsConnection;
  close(): Promise<void>;
}> {
  const nc = await connect({ servers: JETSTREAM_URL });
  const seen = latch<string>();
  nc.subscribe(`$JS.API.CONSUMER.MSG.NEXT.${stream}.>`, {
    callback: (_err, m) => {
      if (m.reply) seen.resolve(m.reply);
    },
  });
  await nc.flush();
  return {
    nc,
    inbox: (ms = 5000) => within(seen, ms, "a pull request"),
    close: () => nc.close(),
  };
}

/** Waits (bounded) until `pred()` holds, polling every 50 ms. */
export async function until(
  pred: () => Promise<boolean> | boolean,
  ms = 5000,
  label = "condition",
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Reads an iterator in the background (one loop: leaving a `for await` stops a run);
 * `count(n)` waits (bounded) until n items were read.
 */
export class Reader<T> {
  readonly items: T[] = [];
  /** Ends with the iterator (rejects with its error). */
  readonly done: Promise<T[]>;
  #waiters: { n: number; l: Latch<void> }[] = [];

  constructor(it: AsyncIterable<T>) {
    this.done = (async () => {
      for await (const v of it) {
        this.items.push(v);
        for (const w of [...this.#waiters]) {
          if (this.items.length >= w.n) w.l.resolve();
        }
      }
      return this.items;
    })();
    this.done.catch(() => {});
  }

  count(n: number, ms = 5000, label = "items"): Promise<T[]> {
    const w = { n, l: latch<void>() };
    this.#waiters.push(w);
    if (this.items.length >= n) w.l.resolve();
    return within(w.l, ms, `${label}: got ${this.items.length} of ${n}`).then(
      () => this.items.slice(0, n),
    ).finally(() => {
      this.#waiters = this.#waiters.filter((x) => x !== w);
    });
  }
}

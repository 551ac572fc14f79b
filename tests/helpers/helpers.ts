// Shared test helpers: server URLs of the servers that tests/run_deno.sh starts (configs in
// tests/nats/), connectTest(), bounded waits, and a private nats-server that a test can start,
// kill and restart (for reconnect, lame-duck and cluster tests).
import { connect } from "./deps.ts";
import type { ConnectionOptions, NatsConnection, Status } from "./deps.ts";

/** True when the suite runs against nats.ws (the reference client) instead of dist/mod.js. */
export const IS_NATS_WS = Deno.env.get("NATS_CLIENT") === "nats.ws";

/** tests/nats/default.conf: websocket, default max_payload. */
export const NATS_URL = Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280";
/** tests/nats/maxpayload.conf: max_payload 1024. */
export const MAX_PAYLOAD_URL = "ws://127.0.0.1:14281";
export const SMALL_MAX_PAYLOAD = 1024;
/** tests/nats/userpass.conf: jenny / 867-5309, restricted / restricted. */
export const USERPASS_URL = "ws://127.0.0.1:14282";
/** tests/nats/token.conf: token t0pS3cret! */
export const TOKEN_URL = "ws://127.0.0.1:14283";
/** tests/nats/jetstream.conf: JetStream enabled (a fresh store each run). */
export const JETSTREAM_URL = "ws://127.0.0.1:14285";
// Servers with generated credentials (nkeys, JWTs, creds, TLS): tests/helpers/auth_fixtures.ts.

/** host:port of a ws:// URL, as getServer() and status data report it. */
export function hostPort(url: string): string {
  return new URL(url).host;
}

/** Connects to the default test server, with any extra options. */
export function connectTest(opts: ConnectionOptions = {}): Promise<NatsConnection> {
  return connect({ servers: NATS_URL, ...opts });
}

/** Connects with opts to an auth-required server, does one request/reply round trip, closes. */
export async function connectsAndWorks(opts: ConnectionOptions): Promise<void> {
  const nc = await connect(opts);
  if (nc.info?.auth_required !== true) throw new Error("the server did not require auth");
  const r = await (async () => {
    const subj = `auth.${crypto.randomUUID()}`;
    nc.subscribe(subj, { max: 1, callback: (_e, m) => m.respond("pong") });
    return await nc.request(subj, "ping", { timeout: 2000 });
  })();
  if (r.string() !== "pong") throw new Error(`unexpected reply ${r.string()}`);
  await nc.close();
}

/** Resolves or rejects like p, but rejects with `label` after ms. Never leaves a timer behind. */
export async function within<T>(p: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${label}`)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** Takes exactly n items from an async iterable (then stops reading), bounded by ms. */
export function take<T>(it: AsyncIterable<T>, n: number, ms = 5000, label = "items"): Promise<T[]> {
  const out: T[] = [];
  const run = (async () => {
    if (n === 0) return out;
    for await (const v of it) {
      out.push(v);
      if (out.length >= n) break;
    }
    return out;
  })();
  return within(run, ms, `${label}: got ${out.length} of ${n}`).catch((e) => {
    throw new Error(`${e.message} (got ${out.length} of ${n})`);
  });
}

/** Reads an async iterable to its end, bounded by ms. */
export function drainAll<T>(it: AsyncIterable<T>, ms = 5000, label = "iterator end"): Promise<T[]> {
  const out: T[] = [];
  const run = (async () => {
    for await (const v of it) out.push(v);
    return out;
  })();
  return within(run, ms, label);
}

/** A promise with its resolve/reject exposed. */
export interface Latch<T> extends Promise<T> {
  resolve(v: T): void;
  reject(e: unknown): void;
}
export function latch<T = void>(): Latch<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const p = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  }) as Latch<T>;
  p.resolve = resolve;
  p.reject = reject;
  return p;
}

/**
 * Watches nc.status() in the background and records every event; `next(type)` waits (bounded)
 * for the first event of that type not yet consumed. The loop ends by itself when nc closes.
 */
export class StatusRecorder {
  readonly events: Status[] = [];
  readonly done: Promise<void>;
  #waiters: { type: string; cursor: number; l: Latch<Status> }[] = [];
  #cursor = new Map<string, number>();

  #it: AsyncIterable<Status>;

  constructor(nc: NatsConnection) {
    const it = nc.status();
    this.#it = it;
    this.done = (async () => {
      for await (const s of it) {
        this.events.push(s);
        for (const w of [...this.#waiters]) this.#check(w);
      }
    })();
  }

  #check(w: { type: string; cursor: number; l: Latch<Status> }) {
    for (let i = w.cursor; i < this.events.length; i++) {
      if (this.events[i].type === w.type) {
        this.#cursor.set(w.type, i + 1);
        this.#waiters = this.#waiters.filter((x) => x !== w);
        w.l.resolve(this.events[i]);
        return;
      }
    }
  }

  /** The next (not yet returned) event of that type. */
  next(type: string, ms = 5000): Promise<Status> {
    const w = { type, cursor: this.#cursor.get(type) ?? 0, l: latch<Status>() };
    this.#waiters.push(w);
    this.#check(w);
    return within(w.l, ms, `status event ${type}; seen: ${this.types().join(",")}`).finally(() => {
      this.#waiters = this.#waiters.filter((x) => x !== w);
    });
  }

  /**
   * Call after nc.close()/drain(): waits (bounded) for the status loop to end by itself, as the
   * contract (§1.5) requires. nats.ws 1.30.3 never ends nc.status() iterators on close, so against
   * it the iterator is stopped by hand first.
   */
  async stop(ms = 2000): Promise<void> {
    if (IS_NATS_WS) (this.#it as unknown as { stop(): void }).stop();
    await within(this.done, ms, "nc.status() iterator end after close");
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }
}

/** A TCP port that was free a moment ago (bound to 0, then released). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A port with nothing listening on it. */
export const closedPort = freePort;

async function portOpen(port: number): Promise<boolean> {
  try {
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    c.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * A nats-server owned by one test: its own ports and temporary config, so that the test can kill
 * it (`stop()`), bring it back on the same ports (`start()`), or put it in lame-duck mode.
 */
export class PrivateServer {
  readonly port = freePort();
  readonly wsPort = freePort();
  readonly clusterPort = freePort();
  readonly dir = Deno.makeTempDirSync({ prefix: "nats-wasm-test-" });
  #proc?: Deno.ChildProcess;

  /** extra: more config text; routes: cluster ports of other PrivateServers to route to. */
  constructor(readonly extra = "", readonly routes: number[] = [], readonly cluster = false) {}

  get url(): string {
    return `ws://127.0.0.1:${this.wsPort}`;
  }
  get hostPort(): string {
    return `127.0.0.1:${this.wsPort}`;
  }

  config(): string {
    const cl = this.cluster || this.routes.length > 0
      ? `cluster {\n  name: "wasm-test"\n  listen: "127.0.0.1:${this.clusterPort}"\n  routes: [${
        this.routes.map((p) => `"nats-route://127.0.0.1:${p}"`).join(", ")
      }]\n}\n`
      : "";
    return `listen: "127.0.0.1:${this.port}"\nserver_name: "s${this.wsPort}"\n` +
      `websocket {\n  listen: "127.0.0.1:${this.wsPort}"\n  no_tls: true\n}\n${cl}${this.extra}\n`;
  }

  async start(): Promise<this> {
    if (this.#proc) return this;
    const conf = `${this.dir}/server.conf`;
    await Deno.writeTextFile(conf, this.config());
    // sh only redirects stderr (config errors are printed before logging starts) and execs
    this.#proc = new Deno.Command("sh", {
      args: [
        "-c",
        'exec nats-server -c "$1" -l "$2" 2>>"$2"',
        "sh",
        conf,
        `${this.dir}/server.log`,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const deadline = Date.now() + 10_000;
    while (!(await portOpen(this.wsPort))) {
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`private nats-server on ${this.wsPort} did not start:\n${this.log()}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return this;
  }

  log(): string {
    try {
      return Deno.readTextFileSync(`${this.dir}/server.log`);
    } catch {
      return "";
    }
  }

  signal(sig: Deno.Signal): void {
    this.#proc?.kill(sig);
  }

  /** Kills the server (SIGKILL: clients see the socket drop) and waits for the process to end. */
  async stop(sig: Deno.Signal = "SIGKILL"): Promise<void> {
    const p = this.#proc;
    if (!p) return;
    this.#proc = undefined;
    try {
      p.kill(sig);
    } catch {
      // already gone
    }
    await p.status;
  }

  /** Waits (bounded) for the process to exit by itself, e.g. at the end of lame-duck mode. */
  async exited(ms: number): Promise<void> {
    const p = this.#proc;
    if (!p) return;
    await within(p.status, ms, "private server exit");
    this.#proc = undefined;
  }

  async dispose(): Promise<void> {
    await this.stop();
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}

export const te = new TextEncoder();
export const td = new TextDecoder();

/** One client connection accepted by a FakeServer. */
export class FakeConn {
  readonly lines: string[] = [];
  /** WebSocket messages (frames) received from the client. */
  frames = 0;
  #buf = "";
  #waiters: { re: RegExp; l: Latch<string>; from: number }[] = [];
  #closed = latch<void>();

  constructor(readonly index: number, readonly ws: WebSocket, readonly autoPong: boolean) {
    ws.binaryType = "arraybuffer";
    ws.onmessage = (e) => {
      this.frames++;
      this.#buf += typeof e.data === "string"
        ? e.data
        : td.decode(new Uint8Array(e.data as ArrayBuffer));
      let i;
      while ((i = this.#buf.indexOf("\r\n")) >= 0) {
        const line = this.#buf.slice(0, i);
        this.#buf = this.#buf.slice(i + 2);
        this.lines.push(line);
        if (this.autoPong && line === "PING") this.send("PONG\r\n");
        for (const w of [...this.#waiters]) this.#check(w);
      }
    };
    ws.onclose = () => this.#closed.resolve();
    ws.onerror = () => {};
  }

  #check(w: { re: RegExp; l: Latch<string>; from: number }) {
    for (let i = w.from; i < this.lines.length; i++) {
      if (w.re.test(this.lines[i])) {
        this.#waiters = this.#waiters.filter((x) => x !== w);
        w.l.resolve(this.lines[i]);
        return;
      }
    }
  }

  /** The first line (from the start) matching re, waiting for it (bounded). */
  line(re: RegExp, ms = 5000): Promise<string> {
    const w = { re, l: latch<string>(), from: 0 };
    this.#waiters.push(w);
    this.#check(w);
    return within(w.l, ms, `fake server: a line matching ${re}; got ${JSON.stringify(this.lines)}`);
  }

  send(text: string | Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(typeof text === "string" ? te.encode(text) : text);
    }
  }

  sendInfo(extra: Record<string, unknown> = {}): void {
    const info = {
      server_id: "NFAKESERVER",
      server_name: "fake",
      version: "2.15.1",
      proto: 1,
      go: "go1.25",
      host: "127.0.0.1",
      port: 4222,
      headers: true,
      max_payload: 1048576,
      client_id: this.index + 1,
      ...extra,
    };
    this.send(`INFO ${JSON.stringify(info)}\r\n`);
  }

  close(): void {
    try {
      this.ws.close();
    } catch {
      // already closed
    }
  }

  get closed(): Promise<void> {
    return this.#closed;
  }
}

/**
 * A WebSocket server (Deno.serve + Deno.upgradeWebSocket on 127.0.0.1) that plays a NATS server
 * badly on purpose. onConnect gets each new connection; autoPong answers every PING line.
 */
export class FakeServer {
  readonly conns: FakeConn[] = [];
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #connected: Latch<FakeConn>[] = [];

  constructor(onConnect: (c: FakeConn) => void, readonly autoPong = true) {
    this.#server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
      const { socket, response } = Deno.upgradeWebSocket(req);
      const c = new FakeConn(this.conns.length, socket, this.autoPong);
      this.conns.push(c);
      socket.onopen = () => {
        onConnect(c);
        this.#connected[c.index]?.resolve(c);
      };
      return response;
    });
  }

  get port(): number {
    return this.#server.addr.port;
  }
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Waits (bounded) until connection number `index` (0-based) is open. */
  connection(index: number, ms = 5000): Promise<FakeConn> {
    if (this.conns[index] && this.conns[index].ws.readyState === WebSocket.OPEN) {
      return Promise.resolve(this.conns[index]);
    }
    this.#connected[index] ??= latch<FakeConn>();
    return within(this.#connected[index], ms, `fake server connection #${index}`);
  }

  async close(): Promise<void> {
    for (const c of this.conns) c.close();
    await Promise.all(
      this.conns.map((c) => within(c.closed, 2000, "fake socket close").catch(() => {})),
    );
    await this.#server.shutdown();
  }
}

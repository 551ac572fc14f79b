// The Service API benchmark scenarios (bench/scenario.ts dispatches to them, one per process):
//   svc-seq   a service (`nc.services.add`, one endpoint with a handler that echoes its 16 B) on
//             one connection, N sequential 16 B requests from a second connection of the same
//             client; p50/p99 latency in microseconds
//   svc-par   the same with 100 requests in flight (a new one starts as each reply arrives);
//             requests/s, p50/p99 latency
// Both sides are the client under test: a service and its callers in one program is the common
// case, and the service side alone is not reachable from a neutral process without its own
// request mux. After the timed part the service's STATS must count every request and no error.
// It must not import either client (the caller passes the connect function in), contact anything
// but the bench server, wait unbounded (every request has a timeout, and the caller's process a
// hard timeout), or time anything but the marked regions.
import { inFlightLatencies, percentile, sequentialLatencies } from "./util.ts";

// The slice of the nats.deno v1 services API these scenarios use (both clients implement it).
interface Msg {
  data: Uint8Array;
  respond(data?: Uint8Array): boolean;
}
interface Service {
  addEndpoint(
    name: string,
    opts: { subject: string; handler: (err: Error | null, m: Msg) => void },
  ): unknown;
  stats(): Promise<{ endpoints?: { num_requests: number; num_errors: number }[] }>;
  stop(): Promise<unknown>;
}
export interface SvcNatsConnection {
  request(subject: string, data?: Uint8Array, opts?: { timeout?: number }): Promise<Msg>;
  services: { add(cfg: { name: string; version: string }): Promise<Service> };
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Requests in flight in svc-par (the figure). */
export const SVC_INFLIGHT = 100;
/** Untimed requests before the timed ones (module, wasm and JIT start-up), per in-flight slot. */
const WARM_ROUNDS = 5;
/** A request's timeout, ms: generous, a lost reply fails the run instead of stalling it. */
const REQUEST_TIMEOUT_MS = 10_000;
const SIZE = 16;
const data = new Uint8Array(SIZE).fill(0x61);
const uniq = `${Deno.pid}_${Math.floor(Math.random() * 1e9)}`;

/** Starts the echo service on its own connection, runs `body` from a second one, checks STATS. */
async function withService<T>(
  connect: () => Promise<SvcNatsConnection>,
  body: (nc: SvcNatsConnection, subject: string) => Promise<{ result: T; requests: number }>,
): Promise<T> {
  const host = await connect();
  const nc = await connect();
  const subject = `bench.svc.${uniq}`;
  const srv = await host.services.add({ name: `bench-${uniq}`, version: "1.0.0" });
  srv.addEndpoint("echo", { subject, handler: (_err, m) => void m.respond(m.data) });
  await host.flush();
  try {
    const { result, requests } = await body(nc, subject);
    const ep = (await srv.stats()).endpoints?.[0];
    if (ep?.num_requests !== requests || ep.num_errors !== 0) {
      throw new Error(`the service counted ${JSON.stringify(ep)}, ${requests} requests were made`);
    }
    return result;
  } finally {
    await srv.stop();
    await nc.close();
    await host.close();
  }
}

/** A request to the endpoint (its reply checked by `replied`, outside the timing). */
function call(nc: SvcNatsConnection, subject: string): Promise<Msg> {
  return nc.request(subject, data, { timeout: REQUEST_TIMEOUT_MS });
}

function replied(m: Msg): void {
  if (m.data.length !== SIZE) throw new Error("reply has the wrong size");
}

export function svcSeq(connect: () => Promise<SvcNatsConnection>, n: number) {
  return withService(connect, async (nc, subject) => {
    const warm = 200;
    for (let i = 0; i < warm; i++) replied(await call(nc, subject));
    const lat = await sequentialLatencies(n, () => call(nc, subject), replied);
    return {
      result: { p50_us: percentile(lat, 50), p99_us: percentile(lat, 99), n },
      requests: warm + n,
    };
  });
}

export function svcPar(connect: () => Promise<SvcNatsConnection>, n: number) {
  return withService(connect, async (nc, subject) => {
    const warm = SVC_INFLIGHT * WARM_ROUNDS;
    (await Promise.all(Array.from({ length: warm }, () => call(nc, subject)))).forEach(replied);
    const { lat, ms } = await inFlightLatencies(n, SVC_INFLIGHT, () => call(nc, subject), replied);
    return {
      result: {
        req_per_s: lat.length / (ms / 1000),
        p50_us: percentile(lat, 50),
        p99_us: percentile(lat, 99),
        n: lat.length,
        inflight: SVC_INFLIGHT,
      },
      requests: warm + lat.length,
    };
  });
}

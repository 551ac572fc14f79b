/**
 * The APIs a `NatsConnection` hangs off itself that only the full entry carries: JetStream
 * (`nc.jetstream()`, `nc.jetstreamManager()`, with KV and ObjectStore behind them) and services
 * (`nc.services`). The connection reaches them through this registry, so the core-only entry
 * (`nats-wasm/core`, js/core.ts) bundles none of their code: the full entry (js/mod.ts) registers
 * them at import (js/extensions_full.ts), and without it each accessor throws NatsError `BAD API`
 * naming the entry to import instead.
 *
 * Must not: import any JetStream or services implementation (types only), or register anything.
 */
import { ErrorCode, NatsError } from "./errors.ts";
import type {
  JetStreamClient,
  JetStreamManager,
  JetStreamManagerOptions,
  JetStreamOptions,
} from "./jetstream/types.ts";
import type { ServicesAPI } from "./services/types.ts";
import type { NatsConnection } from "./types.ts";

/** What the full entry provides; `nc` is the connection asking. */
export interface Extensions {
  jetstream(nc: NatsConnection, opts: JetStreamOptions | JetStreamManagerOptions): JetStreamClient;
  jetstreamManager(nc: NatsConnection, opts: JetStreamManagerOptions): Promise<JetStreamManager>;
  services(nc: NatsConnection): ServicesAPI;
}

let registered: Extensions | undefined;

/** Installs the full entry's APIs (js/extensions_full.ts calls it once, at import). */
export function registerExtensions(ext: Extensions): void {
  registered = ext;
}

/** The registered APIs, or NatsError `BAD API` saying that `what` needs the full entry. */
export function extensions(what: string): Extensions {
  if (registered) return registered;
  throw new NatsError(
    `${what} is not part of nats-wasm/core: import the full entry ("nats-wasm", dist/mod.js) ` +
      `for JetStream, KV, ObjectStore and services`,
    ErrorCode.ApiError,
  );
}

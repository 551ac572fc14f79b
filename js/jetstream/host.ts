/**
 * What JetStream's subscriptions need of the connection (`NatsConnectionImpl` implements it), and
 * the input codes the shim answers the engine's hooks with (`run::input` and `legacy::input` in
 * `src/jetstream/`; docs/jetstream.md "Consumer runs", "Legacy subscriptions").
 *
 * Must not: hold state; it only names the connection's internal surface once for both the
 * consumer runs (consumer_messages.ts) and the legacy subscriptions (legacy.ts).
 */
import type { SubscriptionImpl } from "../subscription.ts";
import type { Publisher, SubscriptionOptions } from "../types.ts";

/** Answers to the hooks' `check`, `create` and `reset` events, and a pull subscription's watch. */
export const HookInput = {
  /** The consumer exists, or was created. */
  Ok: 0,
  StreamNotFound: 1,
  ConsumerNotFound: 2,
  /** Anything else: a timeout, no responders, another API error (its text as data). */
  Failed: 3,
  /** A pull subscription's `pull()` asked for heartbeats: data `"<ms>:<expires ms>"`. */
  Watch: 10,
} as const;

export interface JetStreamHost extends Publisher {
  subscribe(subject: string, opts: SubscriptionOptions): SubscriptionImpl;
  /** Makes `sub` a consumer run (`consume()`, `fetch()`, `next()`; plain or ordered). */
  consumePull(
    sub: SubscriptionImpl,
    nextPrefix: string,
    consumer: string,
    fetch: boolean,
    opts: Record<string, unknown>,
    ordered?: Record<string, unknown>,
  ): void;
  /** Makes `sub` a legacy subscription ("push", "ordered", "pull" or "fetch"). */
  attachLegacy(
    sub: SubscriptionImpl,
    kind: string,
    idleHeartbeat: number,
    inbox: string,
    name: string,
    batch: number,
    maxBytes: number,
    expires: number,
  ): void;
  hookInput(sub: SubscriptionImpl, code: number, data: string): void;
  options: { inboxPrefix?: string };
}

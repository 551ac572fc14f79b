/**
 * The value enums of the nats.deno v1 core API other than ErrorCode (which lives in errors.ts):
 * status event types, header match modes and request-many strategies, with nats.deno's values.
 *
 * Must not: hold anything but enum declarations (no logic, no imports).
 */

/** Events reported by the {@link NatsConnection.status} iterator. */
export enum Events {
  /** Client disconnected */
  Disconnect = "disconnect",
  /** Client reconnected */
  Reconnect = "reconnect",
  /** Client received a cluster update */
  Update = "update",
  /** Client received a signal telling it that the server is transitioning to Lame Duck Mode */
  LDM = "ldm",
  /** Client received an async error from the server */
  Error = "error",
}

/** Other events that can be reported by the status iterator; usually safe to ignore. */
export enum DebugEvents {
  Reconnecting = "reconnecting",
  PingTimer = "pingTimer",
  StaleConnection = "staleConnection",
  ClientInitiatedReconnect = "client initiated reconnect",
}

/** How a header key is matched by MsgHdrs lookups. The default is `Exact` (case-sensitive). */
export enum Match {
  /** Exact option is case sensitive */
  Exact = 0,
  /** Case sensitive, but key is transformed to Canonical MIME representation */
  CanonicalMIME,
  /** Case insensitive matches */
  IgnoreCase,
}

/** When a `requestMany` stops gathering replies. */
export enum RequestStrategy {
  Timer = "timer",
  Count = "count",
  JitterTimer = "jitterTimer",
  SentinelMsg = "sentinelMsg",
}

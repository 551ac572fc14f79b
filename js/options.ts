/**
 * Connection options: validates every `ConnectionOptions` field by type and range (INVALID_OPTION,
 * NOT_FUNC for non-function `authenticator`/`reconnectDelayHandler` as nats.deno does, "BAD API"
 * for an `inboxPrefix` that `createInbox` rejects), fills nats.deno's defaults (WebSocket default
 * server `127.0.0.1:443`, `port: n` = `127.0.0.1:n`), applies the project's `tls` decision, and
 * builds the `WasmOptions` object the engine takes plus the merged authenticator.
 *
 * Runs without wasm: server strings are checked by an optional `normalize` function (the wasm
 * `normalizeServerUrl`) that the connection passes in.
 *
 * Must not: connect, resolve names, or keep state.
 */
import { buildAuthenticator } from "./authenticator.ts";
import { ErrorCode, NatsError } from "./errors.ts";
import { createInbox } from "./inbox.ts";
import type { Auth, Authenticator, ConnectionOptions, TlsOptions } from "./types.ts";
import { reconnectDelay } from "./wasm.ts";

export const DEFAULT_HOST = "127.0.0.1";
/** WebSocket default port (no scheme means wss, port 443). */
export const DEFAULT_PORT = 443;
export const DEFAULT_MAX_RECONNECT_ATTEMPTS = 10;
export const DEFAULT_JITTER = 100;
export const DEFAULT_JITTER_TLS = 1000;
export const DEFAULT_PING_INTERVAL = 2 * 60 * 1000;
export const DEFAULT_MAX_PING_OUT = 2;
export const DEFAULT_RECONNECT_TIME_WAIT = 2 * 1000;
export const DEFAULT_TIMEOUT = 20 * 1000;
/** Publishes buffered while reconnecting (the Go client's default). */
export const DEFAULT_RECONNECT_BUFFER_SIZE = 8 * 1024 * 1024;

/** The options object handed to the engine (docs/design.md, "WasmOptions"). */
export interface WasmOptions {
  servers: string[];
  noRandomize: boolean;
  reconnect: boolean;
  maxReconnectAttempts: number;
  reconnectTimeWait: number;
  reconnectJitter: number;
  reconnectJitterTLS: number;
  timeout: number;
  pingInterval: number;
  maxPingOut: number;
  waitOnFirstConnect: boolean;
  ignoreClusterUpdates: boolean;
  inboxPrefix: string;
  name?: string;
  verbose: boolean;
  pedantic: boolean;
  noEcho: boolean;
  /** true = every server must be wss:// (and CONNECT says tls_required). */
  tls: boolean;
  ignoreAuthErrorAbort: boolean;
  reconnectBufferSize: number;
  /** When set, replaces the reconnect delay formula (ms before redialling a server). */
  reconnectDelayHandler?: () => number;
  /** Log every frame sent and received (nats.deno's `debug`). */
  debug: boolean;
}

/** Options with defaults applied (what `nc.options` shows). */
export type ParsedOptions = ConnectionOptions & {
  servers: string[];
  authenticator: Authenticator;
  inboxPrefix: string;
  /** The user's handler, or nats.deno's default formula (which the engine applies itself). */
  reconnectDelayHandler: () => number;
};

/**
 * nats.deno's default `reconnectDelayHandler`: `reconnectTimeWait` plus a random jitter of 0 to
 * `reconnectJitter` ms (`reconnectJitterTLS` when TLS is required), by the engine's own formula
 * (`reconnectDelay`). Shown in `nc.options` only: the engine applies it itself, so this function is
 * never handed to it (a JS call per reconnect attempt for nothing).
 */
export function defaultReconnectDelay(
  timeWait: number,
  jitter: number,
  jitterTls: number,
  tls: boolean,
): () => number {
  return () => reconnectDelay(timeWait, tls ? jitterTls : jitter);
}

/** The result of `parseOptions`. */
export interface Parsed {
  options: ParsedOptions;
  wasm: WasmOptions;
  /** The merged authenticator, or undefined when no credentials are configured. */
  auth: ((nonce?: string) => Record<string, string>) | undefined;
}

const TLS_FILE_FIELDS = ["certFile", "cert", "caFile", "ca", "keyFile", "key"] as const;

function invalid(message: string): NatsError {
  return new NatsError(message, ErrorCode.InvalidOption);
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function checkBoolean(o: Record<string, unknown>, k: string): void {
  const v = o[k];
  if (isSet(v) && typeof v !== "boolean") throw invalid(`'${k}' must be a boolean`);
}

function checkNumber(
  o: Record<string, unknown>,
  k: string,
  min: number,
  integer: boolean,
  max = Number.MAX_SAFE_INTEGER,
): void {
  const v = o[k];
  if (!isSet(v)) return;
  if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw invalid(`'${k}' must be ${integer ? "an integer" : "a number"}`);
  }
  if (v < min || v > max) {
    throw invalid(`'${k}' must be between ${min} and ${max}`);
  }
}

function checkStringOrFn(o: Record<string, unknown>, k: string): void {
  const v = o[k];
  if (isSet(v) && typeof v !== "string" && typeof v !== "function") {
    throw invalid(`'${k}' must be a string`);
  }
}

/** Validates `tls`: true when TLS is required (an object without certificate/key/CA fields). */
function checkTls(tls: unknown): boolean {
  if (!isSet(tls)) return false;
  if (typeof tls !== "object" || Array.isArray(tls)) {
    throw invalid("'tls' must be a TlsOptions object or null");
  }
  const t = tls as TlsOptions & Record<string, unknown>;
  for (const f of TLS_FILE_FIELDS) {
    if (isSet(t[f])) {
      throw invalid(
        `tls.${f} is not supported: the WebSocket API cannot set certificates, keys or CAs ` +
          `(in Deno, trust a custom CA with --cert or DENO_CERT)`,
      );
    }
  }
  if (isSet(t.handshakeFirst) && typeof t.handshakeFirst !== "boolean") {
    throw invalid("'tls.handshakeFirst' must be a boolean");
  }
  return true;
}

/**
 * Validates `opts` and applies the defaults. `normalize` (the wasm `normalizeServerUrl`) checks
 * each server string and returns its `ws://`/`wss://` URL; without it servers are only
 * type-checked.
 */
export function parseOptions(
  opts: ConnectionOptions = {},
  normalize?: (server: string) => string,
): Parsed {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw invalid("options must be an object");
  }
  const o = opts as Record<string, unknown>;

  // servers / port
  let servers: string[];
  const s = o.servers;
  if (!isSet(s) || s === "") {
    servers = [];
  } else if (typeof s === "string") {
    servers = [s];
  } else if (Array.isArray(s)) {
    servers = s.slice();
    for (const v of servers) {
      if (typeof v !== "string" || v === "") {
        throw invalid("'servers' must be a string or an array of non-empty strings");
      }
    }
  } else {
    throw invalid("'servers' must be a string or an array of strings");
  }
  checkNumber(o, "port", 1, true, 65535);
  if (servers.length > 0 && isSet(o.port)) {
    throw invalid("port and servers options are mutually exclusive");
  }
  if (servers.length === 0) {
    servers = [`${DEFAULT_HOST}:${isSet(o.port) ? o.port : DEFAULT_PORT}`];
  }

  // functions
  const a = o.authenticator;
  if (isSet(a)) {
    const fns = Array.isArray(a) ? a : [a];
    for (const f of fns) {
      if (typeof f !== "function") {
        throw new NatsError("authenticator option should be a function", ErrorCode.NotFunction);
      }
    }
  }
  if (isSet(o.reconnectDelayHandler) && typeof o.reconnectDelayHandler !== "function") {
    throw new NatsError(
      "reconnectDelayHandler option should be a function",
      ErrorCode.NotFunction,
    );
  }

  // strings
  checkStringOrFn(o, "user");
  checkStringOrFn(o, "pass");
  checkStringOrFn(o, "token");
  if (isSet(o.name) && typeof o.name !== "string") throw invalid("'name' must be a string");
  if (isSet(o.inboxPrefix) && typeof o.inboxPrefix !== "string") {
    throw new NatsError("'inboxPrefix' must be a string", ErrorCode.ApiError);
  }
  const inboxPrefix = (o.inboxPrefix as string | undefined) || "_INBOX";
  // throws NatsError "BAD API" for wildcard tokens
  createInbox(inboxPrefix);

  // booleans
  for (
    const k of [
      "debug",
      "verbose",
      "pedantic",
      "noEcho",
      "noRandomize",
      "reconnect",
      "waitOnFirstConnect",
      "ignoreClusterUpdates",
      "ignoreAuthErrorAbort",
      "noAsyncTraces",
      "resolve",
    ]
  ) checkBoolean(o, k);
  if (o.resolve === true) {
    throw invalid("'resolve' is not supported on this client");
  }

  // numbers
  checkNumber(o, "maxReconnectAttempts", -1, true, 2 ** 31 - 1);
  checkNumber(o, "reconnectTimeWait", 0, false);
  checkNumber(o, "reconnectJitter", 0, false);
  checkNumber(o, "reconnectJitterTLS", 0, false);
  checkNumber(o, "timeout", 1, false);
  checkNumber(o, "pingInterval", 1, false);
  checkNumber(o, "maxPingOut", 1, true, 2 ** 31 - 1);
  checkNumber(o, "reconnectBufferSize", 0, true);

  const tls = checkTls(o.tls);

  if (normalize) {
    for (const srv of servers) {
      let url: string;
      try {
        url = normalize(srv);
      } catch (err) {
        const e = err as Error;
        throw invalid(e?.message ? e.message : `invalid server '${srv}'`);
      }
      if (tls && !url.startsWith("wss://")) {
        throw invalid(`tls is required but '${srv}' is not a wss:// server`);
      }
    }
  }

  const num = (k: string, d: number) => (isSet(o[k]) ? o[k] as number : d);
  const bool = (k: string, d: boolean) => (isSet(o[k]) ? o[k] as boolean : d);

  const authenticator = buildAuthenticator(opts);
  const hasAuth = isSet(a) || !!o.token || !!o.user;

  const userDelay = typeof o.reconnectDelayHandler === "function"
    ? o.reconnectDelayHandler as () => number
    : undefined;
  const options: ParsedOptions = Object.assign({}, opts, {
    reconnectDelayHandler: userDelay ?? defaultReconnectDelay(
      num("reconnectTimeWait", DEFAULT_RECONNECT_TIME_WAIT),
      num("reconnectJitter", DEFAULT_JITTER),
      num("reconnectJitterTLS", DEFAULT_JITTER_TLS),
      tls,
    ),
    servers,
    maxPingOut: num("maxPingOut", DEFAULT_MAX_PING_OUT),
    maxReconnectAttempts: num("maxReconnectAttempts", DEFAULT_MAX_RECONNECT_ATTEMPTS),
    noRandomize: bool("noRandomize", false),
    pedantic: bool("pedantic", false),
    pingInterval: num("pingInterval", DEFAULT_PING_INTERVAL),
    reconnect: bool("reconnect", true),
    reconnectJitter: num("reconnectJitter", DEFAULT_JITTER),
    reconnectJitterTLS: num("reconnectJitterTLS", DEFAULT_JITTER_TLS),
    reconnectTimeWait: num("reconnectTimeWait", DEFAULT_RECONNECT_TIME_WAIT),
    timeout: num("timeout", DEFAULT_TIMEOUT),
    tls: o.tls as TlsOptions | null | undefined,
    verbose: bool("verbose", false),
    waitOnFirstConnect: bool("waitOnFirstConnect", false),
    ignoreAuthErrorAbort: bool("ignoreAuthErrorAbort", false),
    ignoreClusterUpdates: bool("ignoreClusterUpdates", false),
    noEcho: bool("noEcho", false),
    resolve: false,
    inboxPrefix,
    authenticator,
    reconnectBufferSize: num("reconnectBufferSize", DEFAULT_RECONNECT_BUFFER_SIZE),
  });

  const wasm: WasmOptions = {
    servers: servers.slice(),
    noRandomize: options.noRandomize!,
    reconnect: options.reconnect!,
    maxReconnectAttempts: options.maxReconnectAttempts!,
    reconnectTimeWait: options.reconnectTimeWait!,
    reconnectJitter: options.reconnectJitter!,
    reconnectJitterTLS: options.reconnectJitterTLS!,
    timeout: options.timeout!,
    pingInterval: options.pingInterval!,
    maxPingOut: options.maxPingOut!,
    waitOnFirstConnect: options.waitOnFirstConnect!,
    ignoreClusterUpdates: options.ignoreClusterUpdates!,
    inboxPrefix,
    verbose: options.verbose!,
    pedantic: options.pedantic!,
    noEcho: options.noEcho!,
    tls,
    ignoreAuthErrorAbort: options.ignoreAuthErrorAbort!,
    reconnectBufferSize: options.reconnectBufferSize!,
    debug: options.debug === true,
  };
  if (typeof o.name === "string") wasm.name = o.name;
  // only the user's handler: without one the engine applies the default formula itself
  if (userDelay !== undefined) wasm.reconnectDelayHandler = userDelay;

  return { options, wasm, auth: hasAuth ? engineAuthenticator(authenticator) : undefined };
}

/**
 * Adapts an Authenticator to what the engine reads: an object with only the string fields
 * `user`, `pass`, `auth_token`, `nkey`, `sig`, `jwt` (empty `nkey`/`sig` of a bearer JWT are
 * left out).
 */
export function engineAuthenticator(fn: Authenticator): (nonce?: string) => Record<string, string> {
  return (nonce?: string) => {
    const a = fn(nonce) as Exclude<Auth, void> | undefined;
    const out: Record<string, string> = {};
    if (a && typeof a === "object") {
      const r = a as unknown as Record<string, unknown>;
      for (const k of ["user", "pass", "auth_token", "nkey", "sig", "jwt"]) {
        const v = r[k];
        if (typeof v === "string" && (v !== "" || k === "pass" || k === "user")) out[k] = v;
      }
    }
    return out;
  };
}

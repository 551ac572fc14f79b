/**
 * Errors of the nats.deno v1 API: the `ErrorCode` enum (every member, with the values nats.deno
 * uses, including the JetStream and server-reported ones), `NatsError`, and the helper that turns
 * an error thrown by the wasm engine (a JS `Error` with a string `code`) into a `NatsError`.
 *
 * Must not: decide which operation raises which code (the engine and the callers do), or parse
 * server `-ERR` text (the engine does and hands over the code and a permission context).
 */

/** Error codes, as in nats.deno v1.29 (`code` of a {@link NatsError}). */
export enum ErrorCode {
  // emitted by the client
  ApiError = "BAD API",
  BadAuthentication = "BAD_AUTHENTICATION",
  BadCreds = "BAD_CREDS",
  BadHeader = "BAD_HEADER",
  BadJson = "BAD_JSON",
  BadPayload = "BAD_PAYLOAD",
  BadSubject = "BAD_SUBJECT",
  Cancelled = "CANCELLED",
  ConnectionClosed = "CONNECTION_CLOSED",
  ConnectionDraining = "CONNECTION_DRAINING",
  ConnectionRefused = "CONNECTION_REFUSED",
  ConnectionTimeout = "CONNECTION_TIMEOUT",
  Disconnect = "DISCONNECT",
  InvalidOption = "INVALID_OPTION",
  InvalidPayload = "INVALID_PAYLOAD",
  MaxPayloadExceeded = "MAX_PAYLOAD_EXCEEDED",
  NoResponders = "503",
  NotFunction = "NOT_FUNC",
  RequestError = "REQUEST_ERROR",
  ServerOptionNotAvailable = "SERVER_OPT_NA",
  /** nats-wasm extension (nats.go's ErrSlowConsumer): a subscriber fell too far behind. */
  SlowConsumer = "SLOW_CONSUMER",
  SubClosed = "SUB_CLOSED",
  SubDraining = "SUB_DRAINING",
  Timeout = "TIMEOUT",
  Tls = "TLS",
  Unknown = "UNKNOWN_ERROR",
  WssRequired = "WSS_REQUIRED",
  // jetstream
  JetStreamInvalidAck = "JESTREAM_INVALID_ACK",
  JetStream404NoMessages = "404",
  JetStream408RequestTimeout = "408",
  /** @deprecated use JetStream409 */
  JetStream409MaxAckPendingExceeded = "409",
  JetStream409 = "409",
  JetStreamNotEnabled = "503",
  JetStreamIdleHeartBeat = "IDLE_HEARTBEAT",
  // emitted by the server
  AuthorizationViolation = "AUTHORIZATION_VIOLATION",
  AuthenticationExpired = "AUTHENTICATION_EXPIRED",
  ProtocolError = "NATS_PROTOCOL_ERR",
  PermissionsViolation = "PERMISSIONS_VIOLATION",
  AuthenticationTimeout = "AUTHENTICATION_TIMEOUT",
  AccountExpired = "ACCOUNT_EXPIRED",
}

/** The JetStream API error object attached to a {@link NatsError} as `api_error`. */
export interface ApiError {
  /** HTTP like error code in the 300 to 500 range */
  code: number;
  /** A human friendly description of the error */
  description: string;
  /** The NATS error code unique to each kind of error */
  err_code?: number;
}

/** The subject (and queue) a permissions violation refers to. */
export interface PermissionContext {
  operation: string;
  subject: string;
  queue?: string;
}

const messages = new Map<string, string>([
  [
    ErrorCode.InvalidPayload,
    "Invalid payload type - payloads can be 'binary', 'string', or 'json'",
  ],
  [ErrorCode.BadJson, "Bad JSON"],
  [
    ErrorCode.WssRequired,
    "TLS is required, therefore a secure websocket connection is also required",
  ],
]);

/** The default message nats.deno uses for a code (the code itself when it has none). */
export class Messages {
  static getMessage(s: string): string {
    return messages.get(s) || s;
  }
  getMessage(s: string): string {
    return Messages.getMessage(s);
  }
}

/** True when `err` carries a string `code` (a NatsError or a compatible error). */
export function isNatsError(err: NatsError | Error): err is NatsError {
  return typeof (err as NatsError).code === "string";
}

/** An error with a nats.deno {@link ErrorCode} (or an HTTP-like status such as "404"). */
export class NatsError extends Error {
  override name: string;
  override message: string;
  code: string;
  permissionContext?: PermissionContext;
  chainedError?: Error;
  // deno-lint-ignore camelcase
  api_error?: ApiError;

  constructor(message: string, code: string, chainedError?: Error) {
    super(message);
    this.name = "NatsError";
    this.message = message;
    this.code = code;
    this.chainedError = chainedError;
  }

  static errorForCode(code: string, chainedError?: Error): NatsError {
    return new NatsError(Messages.getMessage(code), code, chainedError);
  }

  isAuthError(): boolean {
    return this.code === ErrorCode.AuthenticationExpired ||
      this.code === ErrorCode.AuthorizationViolation ||
      this.code === ErrorCode.AccountExpired;
  }

  isAuthTimeout(): boolean {
    return this.code === ErrorCode.AuthenticationTimeout;
  }

  isPermissionError(): boolean {
    return this.code === ErrorCode.PermissionsViolation;
  }

  isProtocolError(): boolean {
    return this.code === ErrorCode.ProtocolError;
  }

  isJetStreamError(): boolean {
    return this.api_error !== undefined;
  }

  jsError(): ApiError | null {
    return this.api_error ? this.api_error : null;
  }
}

/**
 * Rewraps an error thrown by the wasm engine (a JS `Error` whose `code` is an ErrorCode value) as
 * a NatsError with that code. NatsErrors pass through; anything else becomes `UNKNOWN_ERROR`
 * chaining the original.
 */
export function toNatsError(e: unknown): NatsError {
  if (e instanceof NatsError) return e;
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") {
      const ne = new NatsError(e.message || Messages.getMessage(code), code);
      if (e.stack) ne.stack = e.stack.replace(/^Error/, "NatsError");
      return ne;
    }
    return new NatsError(e.message, ErrorCode.Unknown, e);
  }
  return new NatsError(String(e), ErrorCode.Unknown);
}

/**
 * Builds the NatsError an engine record describes: `code` and `message` fields plus an optional
 * permission context JSON (`{operation, subject, queue?}`), as SUB_END / REQ_END / CLOSED carry.
 */
export function recordError(code: string, message: string, permissionJson = ""): NatsError {
  const err = new NatsError(message || Messages.getMessage(code), code);
  if (permissionJson) {
    try {
      const ctx = JSON.parse(permissionJson) as PermissionContext;
      err.permissionContext = {
        operation: ctx.operation,
        subject: ctx.subject,
        queue: ctx.queue === null ? undefined : ctx.queue,
      };
    } catch {
      // a malformed context is dropped: the code and message still describe the error
    }
  }
  return err;
}

/**
 * `ServiceError`: the error a service answers with, carried in the `Nats-Service-Error-Code` and
 * `Nats-Service-Error` headers. A handler may throw one to choose the code; a caller reads a reply
 * with `ServiceError.isServiceError(msg)` / `toServiceError(msg)`. Also the header block a
 * failed handler's reply gets.
 *
 * Must not: send anything (the endpoint answers), or know about subscriptions.
 */
import { ServiceErrorCodeHeader, ServiceErrorHeader } from "../constants.ts";
import { headers } from "../headers.ts";
import type { Msg, MsgHdrs } from "../types.ts";

/** The code a reply gets when its handler threw something that is not a ServiceError. */
const INTERNAL_ERROR_CODE = 500;
/** The code of an error header whose code does not parse as a number. */
const BAD_CODE = 400;

/** An error with a service error code. */
export class ServiceError extends Error {
  code: number;

  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }

  /** True when `msg` carries a service error code header. */
  static isServiceError(msg: Msg): boolean {
    return ServiceError.toServiceError(msg) !== null;
  }

  /**
   * The service error `msg` carries, or null: the code header (400 when it does not parse) and
   * the description header (the code's text when that is missing).
   */
  static toServiceError(msg: Msg): ServiceError | null {
    const scode = msg?.headers?.get(ServiceErrorCodeHeader) || "";
    if (scode === "") return null;
    const code = parseInt(scode) || BAD_CODE;
    const description = msg?.headers?.get(ServiceErrorHeader) || "";
    return new ServiceError(code, description.length ? description : scode);
  }
}

/** The text of anything thrown (a handler may throw a string). */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * The error headers of a reply whose handler threw `err`: its code if a ServiceError, else 500.
 * Line breaks in the message become spaces (a header value cannot hold them, and the reply must
 * still go out).
 */
export function errorHeaders(err: unknown): MsgHdrs {
  const h = headers();
  h.set(ServiceErrorHeader, errorText(err).replace(/[\r\n]+/g, " "));
  h.set(
    ServiceErrorCodeHeader,
    `${err instanceof ServiceError ? err.code : INTERNAL_ERROR_CODE}`,
  );
  return h;
}

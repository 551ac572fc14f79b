/**
 * `ServiceMsgImpl`: the request an endpoint receives, a core Msg with `respondError()`, which
 * answers with the service error headers.
 *
 * Must not: count anything (the endpoint does), or copy the message (it delegates to it).
 */
import { ServiceErrorCodeHeader, ServiceErrorHeader } from "../constants.ts";
import { headers } from "../headers.ts";
import type { Msg, MsgHdrs, Payload, PublishOptions, ReviverFn } from "../types.ts";
import type { ServiceMsg } from "./types.ts";

/** A request to an endpoint. */
export class ServiceMsgImpl implements ServiceMsg {
  constructor(readonly msg: Msg) {}

  get data(): Uint8Array {
    return this.msg.data;
  }

  get sid(): number {
    return this.msg.sid;
  }

  get subject(): string {
    return this.msg.subject;
  }

  get reply(): string {
    return this.msg.reply || "";
  }

  get headers(): MsgHdrs | undefined {
    return this.msg.headers;
  }

  respond(data?: Payload, opts?: PublishOptions): boolean {
    return this.msg.respond(data, opts);
  }

  respondError(
    code: number,
    description: string,
    data?: Uint8Array,
    opts?: PublishOptions,
  ): boolean {
    opts = opts || {};
    const h = opts.headers = opts.headers || headers();
    h.set(ServiceErrorCodeHeader, `${code}`);
    h.set(ServiceErrorHeader, description);
    return this.msg.respond(data, opts);
  }

  json<T = unknown>(reviver?: ReviverFn): T {
    return this.msg.json(reviver);
  }

  string(): string {
    return this.msg.string();
  }
}

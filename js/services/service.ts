/**
 * `ServiceImpl` and `ServiceGroupImpl`: a service (ADR-32) on one connection. It validates its
 * configuration, answers PING, INFO and STATS on the nine `$SRV` control subjects (all, by name,
 * by name and id; no queue group), adds endpoints and groups, and stops: on `stop()`, when an
 * endpoint's subscription fails or ends, when the user leaves an endpoint's iterator, or when the
 * connection closes. Stopping drains every subscription and waits for the requests already
 * received to be answered.
 *
 * Must not: parse or count requests (endpoint.ts does), or hold connection internals (it uses the
 * public NatsConnection API only).
 */
import { JSONCodec } from "../codecs.ts";
import { ErrorCode, NatsError } from "../errors.ts";
import { nuid } from "../nuid.ts";
import type { Deferred, NatsConnection, QueuedIterator } from "../types.ts";
import { deferred } from "../util.ts";
import { EndpointImpl, type EndpointOwner, type InternalHandler } from "./endpoint.ts";
import { validateGroup, validateName, validateSubject, validateVersion } from "./validate.ts";
import {
  type EndpointInfo,
  type EndpointOptions,
  type NamedEndpointStats,
  type Service,
  type ServiceConfig,
  type ServiceGroup,
  type ServiceHandler,
  type ServiceIdentity,
  type ServiceInfo,
  type ServiceMsg,
  ServiceResponseType,
  type ServiceStats,
  ServiceVerb,
} from "./types.ts";

/** The prefix of the control subjects: `$SRV.<verb>[.<name>[.<id>]]`. */
export const ServiceApiPrefix = "$SRV";

/** The queue group endpoints use when neither they, their group nor the config name one. */
const DEFAULT_QUEUE = "q";

/**
 * The control subject of `verb` for every service, services called `name`, or the instance `id`
 * of it (name and id as given). `prefix` replaces `$SRV` (a client reaching across accounts).
 */
export function controlSubject(verb: ServiceVerb, name = "", id = "", prefix?: string): string {
  const pre = prefix ?? ServiceApiPrefix;
  if (name === "" && id === "") return `${pre}.${verb}`;
  validateName("control subject name", name);
  if (id !== "") {
    validateName("control subject id", id);
    return `${pre}.${verb}.${name}.${id}`;
  }
  return `${pre}.${verb}.${name}`;
}

/** `prefix.token`, or whichever of them is not empty. */
function join(prefix: string, token: string): string {
  if (token === "") return prefix;
  return prefix !== "" ? `${prefix}.${token}` : token;
}

/** A subject prefix and default queue group for the endpoints added to it. */
export class ServiceGroupImpl implements ServiceGroup {
  readonly subject: string;
  readonly queue: string;

  constructor(readonly srv: ServiceImpl, parent: ServiceGroupImpl | null, name = "", queue = "") {
    if (name !== "") validateGroup("service group", name);
    if (queue) validateName("queue", queue);
    this.subject = join(parent?.subject ?? "", name);
    this.queue = queue || parent?.queue || "";
  }

  addEndpoint(
    name = "",
    opts?: ServiceHandler | EndpointOptions,
  ): QueuedIterator<ServiceMsg> {
    const o: EndpointOptions = typeof opts === "function"
      ? { handler: opts, subject: name }
      : opts ?? { subject: name };
    validateName("endpoint", name);
    const subject = o.subject || name;
    validateSubject("endpoint subject", subject);
    if (o.handler !== undefined && o.handler !== null && typeof o.handler !== "function") {
      throw new NatsError("endpoint handler must be a function", ErrorCode.InvalidOption);
    }
    if (o.queue) validateName("queue", o.queue);
    return this.srv.addEndpointAt(
      name,
      join(this.subject, subject),
      o.queue || this.queue,
      o.metadata,
      o.handler ?? undefined,
    );
  }

  addGroup(name = "", queue = ""): ServiceGroup {
    return new ServiceGroupImpl(this.srv, this, name, queue);
  }
}

/** A running service. */
export class ServiceImpl implements Service, EndpointOwner {
  readonly config: ServiceConfig;
  private readonly _id: string;
  /** The user's endpoints, in the order added (INFO and STATS list them so). */
  private readonly endpoints: EndpointImpl[] = [];
  /** The nine control subscriptions. */
  private readonly controls: EndpointImpl[] = [];
  private readonly root: ServiceGroupImpl;
  private _stopped = false;
  private readonly done: Deferred<null | Error> = deferred<null | Error>();
  started: string;

  /** Validates `config` (throws INVALID_OPTION); `start()` subscribes. */
  constructor(readonly nc: NatsConnection, config: ServiceConfig) {
    if (config === null || typeof config !== "object") {
      throw new NatsError("service config required", ErrorCode.InvalidOption);
    }
    this.config = { ...config };
    if (!this.config.queue) this.config.queue = DEFAULT_QUEUE;
    validateName("name", this.config.name);
    validateName("queue", this.config.queue);
    validateVersion(this.config.version);
    if (config.statsHandler !== undefined && typeof config.statsHandler !== "function") {
      throw new NatsError("statsHandler must be a function", ErrorCode.InvalidOption);
    }
    this._id = nuid.next();
    this.started = new Date().toISOString();
    this.root = new ServiceGroupImpl(this, null);
  }

  get id(): string {
    return this._id;
  }

  get name(): string {
    return this.config.name;
  }

  get description(): string {
    return this.config.description ?? "";
  }

  get version(): string {
    return this.config.version;
  }

  get metadata(): Record<string, string> | undefined {
    return this.config.metadata;
  }

  /** The subjects of the user's endpoints. */
  get subjects(): string[] {
    return this.endpoints.map((e) => e.subject);
  }

  get stopped(): Promise<null | Error> {
    return this.done;
  }

  get isStopped(): boolean {
    return this._stopped;
  }

  /** Subscribes the control subjects; stops with the connection. */
  start(): Promise<Service> {
    const jc = JSONCodec();
    const ping = jc.encode(this.ping());
    this.addControl(ServiceVerb.PING, (m) => {
      m.respond(ping);
    });
    this.addControl(
      ServiceVerb.STATS,
      (m) => this.stats().then((s) => void m.respond(jc.encode(s))),
    );
    this.addControl(ServiceVerb.INFO, (m) => {
      m.respond(jc.encode(this.info()));
    });
    this.nc.closed().then(() => this.close());
    return Promise.resolve(this);
  }

  /** The verb's three subscriptions: all services, this name, this instance. */
  private addControl(verb: ServiceVerb, handler: InternalHandler): void {
    const subjects: [string, string][] = [
      [`${verb}-all`, controlSubject(verb)],
      [`${verb}-kind`, controlSubject(verb, this.name)],
      [verb, controlSubject(verb, this.name, this.id)],
    ];
    for (const [name, subject] of subjects) {
      const ep = new EndpointImpl(name, subject, "", undefined, undefined, true);
      this.controls.push(ep);
      ep.start(this.nc, this, handler);
    }
  }

  /** @internal Subscribes an endpoint (called by groups, which validated the arguments). */
  addEndpointAt(
    name: string,
    subject: string,
    queue: string,
    metadata: Record<string, string> | undefined,
    handler: ServiceHandler | undefined,
  ): QueuedIterator<ServiceMsg> {
    if (this._stopped) {
      throw new NatsError(`service ${this.name} is stopped`, ErrorCode.ApiError);
    }
    const ep = new EndpointImpl(
      name,
      subject,
      queue || this.config.queue!,
      metadata,
      handler,
      false,
    );
    ep.start(this.nc, this);
    this.endpoints.push(ep);
    return ep.iter!;
  }

  addEndpoint(name: string, opts?: ServiceHandler | EndpointOptions): QueuedIterator<ServiceMsg> {
    return this.root.addEndpoint(name, opts);
  }

  addGroup(name: string, queue?: string): ServiceGroup {
    return new ServiceGroupImpl(this, this.root, name, queue);
  }

  ping(): ServiceIdentity {
    return {
      type: ServiceResponseType.PING,
      name: this.name,
      id: this.id,
      version: this.version,
      metadata: this.metadata,
    };
  }

  info(): ServiceInfo {
    return {
      type: ServiceResponseType.INFO,
      name: this.name,
      id: this.id,
      version: this.version,
      description: this.description,
      metadata: this.metadata,
      endpoints: this.endpoints.map((e): EndpointInfo => e.info()),
    };
  }

  async stats(): Promise<ServiceStats> {
    const endpoints: NamedEndpointStats[] = [];
    const sh = this.config.statsHandler;
    for (const ep of this.endpoints) {
      if (typeof sh === "function") {
        try {
          ep.stats.data = await sh(ep);
        } catch (err) {
          ep.stats.countError(err instanceof Error ? err.message : String(err));
        }
      }
      endpoints.push(ep.stats.snapshot());
    }
    return {
      type: ServiceResponseType.STATS,
      name: this.name,
      id: this.id,
      version: this.version,
      started: this.started,
      metadata: this.metadata,
      endpoints,
    };
  }

  reset(): void {
    this.started = new Date().toISOString();
    for (const ep of this.endpoints) ep.stats.reset();
  }

  stop(err?: Error): Promise<null | Error> {
    return this.close(err);
  }

  // ---- EndpointOwner ----

  /** @internal */
  endpointEnded(ep: EndpointImpl, err?: Error): void {
    if (this._stopped) return;
    if (err) {
      this.close(err);
    } else if (this.nc.isClosed() || this.nc.isDraining()) {
      // the connection is going away: a clean stop
      this.close();
    } else {
      this.close(new Error(`required subscription ${ep.subject} stopped`));
    }
  }

  /** @internal */
  iteratorLeft(_ep: EndpointImpl, err?: Error): void {
    this.close(err);
  }

  /**
   * Stops once: each subscription is drained (or, when the connection drains or the subscription
   * already ended, awaited), then the handler promises still pending; resolves `stopped` with
   * `err` or null.
   */
  private close(err?: Error): Promise<null | Error> {
    if (this._stopped) return this.done;
    this._stopped = true;
    const nc = this.nc;
    const waits = nc.isClosed() ? [] : this.endpoints.concat(this.controls).map((ep) => {
      const s = ep.sub;
      // an iterator nobody loops over holds nothing up (its requests stay queued for a late loop)
      const unread = ep.handler === undefined && ep.iter?.started === false;
      let p: Promise<void>;
      if (ep.left || s.isClosed() || nc.isDraining()) p = unread ? Promise.resolve() : s.closed;
      else p = s.drain();
      return p.catch(() => {}).then(() => ep.idle());
    });
    Promise.all(waits).then(() => this.done.resolve(err ?? null));
    return this.done;
  }
}

/** Adds a service (its config validated first) on `nc`. */
export function addService(nc: NatsConnection, config: ServiceConfig): Promise<Service> {
  try {
    return new ServiceImpl(nc, config).start();
  } catch (err) {
    return Promise.reject(err);
  }
}

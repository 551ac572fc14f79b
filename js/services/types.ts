/**
 * The Service API's public types (ADR-32 "micro" services) with nats.deno v1.29.3's names and
 * shapes: the configuration, `Service` and `ServiceGroup`, `ServiceMsg`, the JSON bodies of the
 * `$SRV` PING / INFO / STATS answers (snake_case field names are the wire schema), and the
 * discovery client. `ServiceVerb` and `ServiceResponseType` are the only values here.
 *
 * Must not: contain implementations (service.ts, endpoint.ts, client.ts have them) or core types
 * (../types.ts has those).
 */
import type { NatsError } from "../errors.ts";
import type { Msg, Nanos, PublishOptions, QueuedIterator, RequestManyOptions } from "../types.ts";

/** The control verbs a service answers on `$SRV.<verb>[.<name>[.<id>]]`. */
export enum ServiceVerb {
  PING = "PING",
  STATS = "STATS",
  INFO = "INFO",
}

/** The `type` field of each control answer (the schema's name and version). */
export enum ServiceResponseType {
  STATS = "io.nats.micro.v1.stats_response",
  INFO = "io.nats.micro.v1.info_response",
  PING = "io.nats.micro.v1.ping_response",
}

/** A request received by an endpoint: a Msg that can also answer with a service error. */
export interface ServiceMsg extends Msg {
  /**
   * Responds with the `Nats-Service-Error-Code` (`code`) and `Nats-Service-Error`
   * (`description`) headers, added to `opts.headers` when given; false without a reply subject.
   */
  respondError(
    code: number,
    description: string,
    data?: Uint8Array,
    opts?: PublishOptions,
  ): boolean;
}

/** An endpoint's handler; `err` is set only when the endpoint's subscription failed. */
export type ServiceHandler = (err: NatsError | null, msg: ServiceMsg) => void;

/** A service endpoint. */
export type Endpoint = {
  /** The subject the endpoint listens on. */
  subject: string;
  /** The handler; without one `addEndpoint` returns an iterator of the requests. */
  handler?: ServiceHandler;
  /** Metadata reported in INFO. */
  metadata?: Record<string, string>;
  /** The queue group; defaults to the group's, then the service's. */
  queue?: string;
};

/** `addEndpoint` options: every Endpoint field is optional (the subject defaults to the name). */
export type EndpointOptions = Partial<Endpoint>;

/** An endpoint as INFO describes it. */
export type EndpointInfo = {
  name: string;
  subject: string;
  metadata?: Record<string, string>;
  queue_group?: string;
};

/** Something endpoints and groups are added to (a service, or a group of it). */
export interface ServiceGroup {
  /**
   * Adds an endpoint; `name` must match `^[-\w]+$`, its subject (`opts.subject`, else the name)
   * is prefixed with the group's. With a handler (or `opts.handler`) requests go to it, else the
   * returned iterator yields them.
   */
  addEndpoint(
    name: string,
    opts?: ServiceHandler | EndpointOptions,
  ): QueuedIterator<ServiceMsg>;
  /**
   * A group: a subject prefix (no spaces, no `>`; "" adds none) for the endpoints added to it,
   * with the queue group they default to.
   */
  addGroup(subject?: string, queue?: string): ServiceGroup;
}

/** The optional metadata of a service. */
export type ServiceMetadata = {
  metadata?: Record<string, string>;
};

/** Every control answer carries its schema's type. */
export interface ServiceResponse {
  type: ServiceResponseType;
}

/** Who a service is: the PING answer, and the head of INFO and STATS. */
export type ServiceIdentity = ServiceResponse & ServiceMetadata & {
  /** The service's name, shared by all its instances. */
  name: string;
  /** This instance's unique id. */
  id: string;
  /** The service's version (semver). */
  version: string;
};

/** One endpoint's counters in STATS. */
export type NamedEndpointStats = {
  name: string;
  subject: string;
  /** Requests handled. */
  num_requests: number;
  /** Handlers that threw (or stats handlers that failed). */
  num_errors: number;
  /** The message of the last error, if any. */
  last_error?: string;
  /** What the service's `statsHandler` returned for this endpoint. */
  data?: unknown;
  /** Total time spent in the handler, nanoseconds. */
  processing_time: Nanos;
  /** `processing_time / num_requests`, nanoseconds. */
  average_processing_time: Nanos;
  queue_group?: string;
};

/** The STATS answer's body past the identity. */
export type EndpointStats = ServiceIdentity & {
  endpoints?: NamedEndpointStats[];
  /** When the service started (or was last `reset()`), an ISO date. */
  started: string;
};

/** The INFO answer. */
export type ServiceInfo = ServiceIdentity & {
  description: string;
  metadata?: Record<string, string>;
  endpoints: EndpointInfo[];
};

/** What `nc.services.add()` takes. */
export type ServiceConfig = {
  /** The service's name: `^[-\w]+$`. */
  name: string;
  /** A semantic version (`1.2.3`). */
  version: string;
  description?: string;
  /** Called for each endpoint when STATS is asked; its result is that endpoint's `data`. */
  statsHandler?: (endpoint: Endpoint) => Promise<unknown | null>;
  metadata?: Record<string, string>;
  /** The queue group endpoints default to (default "q"). */
  queue?: string;
};

/** The STATS answer. */
export type ServiceStats = ServiceIdentity & EndpointStats;

/** A running service. */
export interface Service extends ServiceGroup {
  /** Resolves once the service has stopped: null, or the Error it stopped with. */
  stopped: Promise<null | Error>;
  isStopped: boolean;
  /** The STATS answer (runs `statsHandler`). */
  stats(): Promise<ServiceStats>;
  /** The INFO answer. */
  info(): ServiceInfo;
  /** The PING answer. */
  ping(): ServiceIdentity;
  /** Zeroes the endpoints' counters and restarts the `started` clock. */
  reset(): void;
  /**
   * Drains every endpoint and control subscription (requests already received are answered),
   * then resolves with `err` or null. Idempotent.
   */
  stop(err?: Error): Promise<null | Error>;
}

/** Discovery: the answers of every service, of one name, or of one instance. */
export interface ServiceClient {
  ping(name?: string, id?: string): Promise<QueuedIterator<ServiceIdentity>>;
  stats(name?: string, id?: string): Promise<QueuedIterator<ServiceStats>>;
  info(name?: string, id?: string): Promise<QueuedIterator<ServiceInfo>>;
}

/** `nc.services`. */
export interface ServicesAPI {
  /** Validates `config`, subscribes the control subjects and resolves with the service. */
  add(config: ServiceConfig): Promise<Service>;
  /**
   * A discovery client: requests gathered with `requestMany` (default: strategy jitterTimer,
   * maxWait 2000 ms) on the control subjects under `prefix` (default `$SRV`).
   */
  client(opts?: RequestManyOptions, prefix?: string): ServiceClient;
}

/**
 * `nc.services`: `ServicesFactory` (`add`, `client`) and `ServiceClientImpl`, the discovery client
 * that sends PING, INFO or STATS to every service, the services of one name, or one instance, and
 * yields each answer decoded, gathered with `requestMany` (ADR-47; default strategy jitterTimer,
 * maxWait 2000 ms, as nats.deno).
 *
 * Must not: keep state between calls, or retry; an answer that is not JSON ends the iterator with
 * that error.
 */
import { Empty } from "../encoders.ts";
import { RequestStrategy } from "../enums.ts";
import { QueuedIteratorImpl } from "../queued_iterator.ts";
import type { Msg, NatsConnection, QueuedIterator, RequestManyOptions } from "../types.ts";
import { addService, controlSubject } from "./service.ts";
import {
  type Service,
  type ServiceClient,
  type ServiceConfig,
  type ServiceIdentity,
  type ServiceInfo,
  type ServicesAPI,
  type ServiceStats,
  ServiceVerb,
} from "./types.ts";

/** How long discovery gathers answers, ms, and the default strategy (nats.deno's). */
const DISCOVERY_MAX_WAIT_MS = 2000;

/** Asks services for their identity, info or stats. */
export class ServiceClientImpl implements ServiceClient {
  readonly opts: Partial<RequestManyOptions>;

  constructor(
    readonly nc: NatsConnection,
    opts?: Partial<RequestManyOptions>,
    readonly prefix?: string,
  ) {
    this.opts = opts ?? { strategy: RequestStrategy.JitterTimer, maxWait: DISCOVERY_MAX_WAIT_MS };
  }

  ping(name = "", id = ""): Promise<QueuedIterator<ServiceIdentity>> {
    return this.q<ServiceIdentity>(ServiceVerb.PING, name, id);
  }

  stats(name = "", id = ""): Promise<QueuedIterator<ServiceStats>> {
    return this.q<ServiceStats>(ServiceVerb.STATS, name, id);
  }

  info(name = "", id = ""): Promise<QueuedIterator<ServiceInfo>> {
    return this.q<ServiceInfo>(ServiceVerb.INFO, name, id);
  }

  /** Sends the verb's request and yields the decoded answers until requestMany is done. */
  async q<T>(verb: ServiceVerb, name = "", id = ""): Promise<QueuedIterator<T>> {
    const subject = controlSubject(verb, name, id, this.prefix);
    const answers = await this.nc.requestMany(subject, Empty, this.opts);
    const iter = new QueuedIteratorImpl<T>();
    pump(answers, iter);
    return iter;
  }
}

/** Decodes each answer into `iter`; the end (or a bad answer, or a failed request) ends it. */
async function pump<T>(answers: AsyncIterable<Msg>, iter: QueuedIteratorImpl<T>): Promise<void> {
  try {
    for await (const m of answers) iter.push(m.json<T>());
    iter.end();
  } catch (err) {
    iter.end(err as Error);
  }
}

/** `nc.services`. */
export class ServicesFactory implements ServicesAPI {
  constructor(readonly nc: NatsConnection) {}

  add(config: ServiceConfig): Promise<Service> {
    return addService(this.nc, config);
  }

  client(opts?: RequestManyOptions, prefix?: string): ServiceClient {
    return new ServiceClientImpl(this.nc, opts, prefix);
  }
}

/**
 * `jsm.consumers` (`$JS.API.CONSUMER.*`): add (the named CREATE subject when the consumer has a
 * name, the legacy ones otherwise), update (current config with the changes applied), info,
 * delete, list (paged), pause and resume.
 *
 * Must not: consume messages (the Rust consumer machines will), or send a request for a name that
 * validation rejects.
 */
import { badNameChar, BaseApiClient, validateName } from "./api.ts";
import { ListerImpl } from "./lister.ts";
import type {
  ConsumerAPI,
  ConsumerConfig,
  ConsumerInfo,
  ConsumerUpdateConfig,
  Lister,
} from "./types.ts";
import type { Nanos } from "../types.ts";

type PauseResponse = { paused: boolean; pause_until?: string; pause_remaining?: Nanos };

export class ConsumerAPIImpl extends BaseApiClient implements ConsumerAPI {
  /** `action` is the request's create/update intent ("create", "update"). */
  async add(
    stream: string,
    cfg: Partial<ConsumerConfig>,
    action = "create",
  ): Promise<ConsumerInfo> {
    validateName("stream", stream);
    if (cfg.deliver_group && cfg.flow_control) {
      throw new Error("jetstream flow control is not supported with queue groups");
    }
    if (cfg.deliver_group && cfg.idle_heartbeat) {
      throw new Error("jetstream idle heartbeat is not supported with queue groups");
    }
    if (cfg.durable_name) validateName("durable", cfg.durable_name);
    const name = cfg.name || undefined;
    if (name !== undefined) {
      if (badNameChar(name)) {
        throw new Error(`consumer 'name' cannot contain '${badNameChar(name)}'`);
      }
    }
    // several filter subjects do not fit the subject of the named CREATE: legacy subjects then
    const named = Array.isArray(cfg.filter_subjects) ? "" : (name ?? cfg.durable_name ?? "");
    const p = `${this.prefix}.CONSUMER`;
    let subj: string;
    if (named) {
      const fs = cfg.filter_subject === ">" ? undefined : cfg.filter_subject;
      subj = fs ? `${p}.CREATE.${stream}.${named}.${fs}` : `${p}.CREATE.${stream}.${named}`;
    } else {
      subj = cfg.durable_name
        ? `${p}.DURABLE.CREATE.${stream}.${cfg.durable_name}`
        : `${p}.CREATE.${stream}`;
    }
    return await this._request(subj, { stream_name: stream, config: cfg, action }) as ConsumerInfo;
  }

  async update(
    stream: string,
    durable: string,
    cfg: Partial<ConsumerUpdateConfig>,
  ): Promise<ConsumerInfo> {
    const ci = await this.info(stream, durable);
    return this.add(stream, Object.assign(ci.config, cfg), "update");
  }

  async info(stream: string, name: string): Promise<ConsumerInfo> {
    validateName("stream", stream);
    validateName("durable", name);
    return await this._request(`${this.prefix}.CONSUMER.INFO.${stream}.${name}`) as ConsumerInfo;
  }

  async delete(stream: string, name: string): Promise<boolean> {
    validateName("stream", stream);
    validateName("durable", name);
    const r = await this._request(`${this.prefix}.CONSUMER.DELETE.${stream}.${name}`);
    return (r as { success: boolean }).success;
  }

  list(stream: string): Lister<ConsumerInfo> {
    validateName("stream", stream);
    return new ListerImpl<ConsumerInfo>(
      `${this.prefix}.CONSUMER.LIST.${stream}`,
      "consumers",
      this,
    );
  }

  /** Pauses delivery until `until` (a date in the past resumes). */
  async pause(stream: string, name: string, until = new Date(0)): Promise<PauseResponse> {
    validateName("stream", stream);
    validateName("durable", name);
    const req = { pause_until: until.toISOString() };
    return await this._request(
      `${this.prefix}.CONSUMER.PAUSE.${stream}.${name}`,
      req,
    ) as PauseResponse;
  }

  resume(stream: string, name: string): Promise<PauseResponse> {
    return this.pause(stream, name, new Date(0));
  }
}

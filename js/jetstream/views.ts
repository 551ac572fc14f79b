/**
 * `js.views` (nats.deno's `Views`): opens a KV bucket (kv.ts) or an object store (objectstore.ts)
 * over this JetStream client.
 *
 * Must not: hold state of its own (each call opens or creates the bucket and returns its handle).
 */
import type { JetStreamClientImpl } from "./client.ts";
import { openKv } from "./kv.ts";
import type { KV, KvOptions } from "./kv_types.ts";
import { openObjectStore } from "./objectstore.ts";
import type { ObjectStore, ObjectStoreOptions } from "./os_types.ts";
import type { Views } from "./types.ts";

export class ViewsImpl implements Views {
  constructor(private readonly js: JetStreamClientImpl) {}

  kv(name: string, opts: Partial<KvOptions> = {}): Promise<KV> {
    return openKv(this.js, name, opts);
  }

  os(name: string, opts: Partial<ObjectStoreOptions> = {}): Promise<ObjectStore> {
    return openObjectStore(this.js, name, opts);
  }
}

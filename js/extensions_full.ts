/**
 * Registers JetStream (with KV and ObjectStore) and services with the connection (js/extensions.ts)
 * at import. The full entry (js/mod.ts) imports this module; the core-only entry (js/core.ts) does
 * not, which is what keeps their code out of its bundle.
 *
 * Must not: export anything or hold state.
 */
import { registerExtensions } from "./extensions.ts";
import { JetStreamClientImpl } from "./jetstream/client.ts";
import { JetStreamManagerImpl } from "./jetstream/manager.ts";
import { ServicesFactory } from "./services/client.ts";

registerExtensions({
  jetstream: (nc, opts) => new JetStreamClientImpl(nc, opts),
  jetstreamManager: async (nc, opts) => {
    const jsm = new JetStreamManagerImpl(nc, opts);
    // checkAPI (default true): an account info request first, its error the answer (nats.deno).
    if (opts.checkAPI !== false) await jsm.getAccountInfo();
    return jsm;
  },
  services: (nc) => new ServicesFactory(nc),
});

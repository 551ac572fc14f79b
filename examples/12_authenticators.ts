// README › "Authenticators": credsAuthenticator with a creds file's contents (the README inlines a
// creds string; here it is read from tests/nats/user.creds, whose user the operator-mode test
// server knows: `scripts/nats-server.sh start operator`).
// Run: deno run -A examples/12_authenticators.ts
import { connect, credsAuthenticator } from "../dist/mod.js";

// read the creds file as necessary, in the case it
// is part of the code for illustration purposes
const creds = await Deno.readTextFile(new URL("../tests/nats/user.creds", import.meta.url));

const nc = await connect(
  {
    servers: Deno.env.get("NATS_OPERATOR_URL") ?? "ws://127.0.0.1:14284",
    authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
  },
);

// (added)
console.log(`connected with creds to ${nc.getServer()}`);
await nc.close();

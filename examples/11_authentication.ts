// README › "Authentication": user/pass and token as ConnectionOptions. The servers are the test
// servers started by `scripts/nats-server.sh start userpass` and `start token` (tests/nats/).
// Run: deno run -A examples/11_authentication.ts
import { connect } from "../dist/mod.js";

// if the connection requires authentication, provide `user` and `pass` or
// `token` options in the NatsConnectionOptions
const nc1 = await connect({
  servers: Deno.env.get("NATS_USERPASS_URL") ?? "ws://127.0.0.1:14282",
  user: "jenny",
  pass: "867-5309",
});
const nc2 = await connect({
  servers: Deno.env.get("NATS_TOKEN_URL") ?? "ws://127.0.0.1:14283",
  token: "t0pS3cret!",
});

// (added) show that both are in, then close
console.log(`jenny is connected to ${nc1.getServer()}, the token user to ${nc2.getServer()}`);
await nc1.close();
await nc2.close();

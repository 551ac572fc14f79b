// README › "Connecting to a nats-server": tries several ConnectionOptions concurrently, prints
// which ones connected, closes each and reports how closed() resolved. The README's demo.nats.io
// entries become the local server (NATS_URL) and a port where nothing listens, so that, as in the
// README, some connect and some fail. Run: deno run -A examples/01_connect.ts
// import the connect function
import { connect } from "../dist/mod.js";
import type { ConnectionOptions } from "../dist/mod.js";

const url = Deno.env.get("NATS_URL") ?? "ws://127.0.0.1:14280";
const nobody = "ws://127.0.0.1:1"; // nothing listens there

const servers: ConnectionOptions[] = [
  {}, // the default (wss://127.0.0.1:443) is not running here
  { servers: [nobody, url] },
  { servers: url },
  { port: 443 },
  { servers: nobody },
];
await servers.forEach(async (v) => {
  try {
    const nc = await connect(v);
    console.log(`connected to ${nc.getServer()}`);
    // this promise indicates the client closed
    const done = nc.closed();
    // do something with the connection

    // close the connection
    await nc.close();
    // check if the close was OK
    const err = await done;
    if (err) {
      console.log(`error closing:`, err);
    }
  } catch (_err) {
    console.log(`error connecting to ${JSON.stringify(v)}`);
  }
});

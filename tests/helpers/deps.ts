// The client under test: every test imports the API from here, never from dist/ directly.
// tests/helpers/natsws.importmap.json remaps ../../dist/mod.js to nats.ws (the reference client)
// so that the same suite can be validated against it: `NATS_CLIENT=nats.ws tests/run_deno.sh`.
export * from "../../dist/mod.js";

//! Scenario tests of the engine against a scripted fake server, on a virtual clock with
//! deterministic randomness: no sockets, no real time. `harness` holds the fake server; each
//! other file covers one concern of the engine.

mod harness;

mod buffering;
mod cluster;
mod drain_close;
mod frame_bodies;
mod fuzz;
mod handshake;
mod hooks;
mod inbound_limits;
mod liveness;
mod own_inbox;
mod pubsub;
mod reconnect;
mod reconnect_policy;
mod requests;
mod server_errors;

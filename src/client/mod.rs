//! The sans-IO connection engine: one NATS connection's whole state (server pool, handshake,
//! subscriptions, request mux, flushes, pings, reconnect policy, drain), driven by a caller that
//! owns the socket, the clock and the randomness. See `docs/design.md` for the calling contract
//! and the layout of the output [`Batch`].
//!
//! Must not: do I/O, read a clock, draw random numbers, or panic on anything the server or the
//! user sends.

pub mod batch;
mod connection;
mod disconnect;
mod errors;
mod guards;
mod handshake;
pub mod hooks;
mod idmap;
mod inbound;
mod input;
mod lifecycle;
pub mod options;
mod outbound;
mod pings;
mod pool;
mod records;
mod requests;
pub mod servers;
mod sids;
mod subscriptions;
mod timers;

#[cfg(test)]
mod tests;

pub use batch::{BODY_IN_ARENA, Batch, FrameBody, RECORD_STRIDE};
pub use connection::{Connection, TransportCmd};
pub use hooks::{Fate, HookMsg, HookOp, SubHook};
pub use options::{AuthFields, Authenticator, Entropy, Options, RequestManyStrategy};
pub use pool::reconnect_delay;
pub use requests::ReplyTo;

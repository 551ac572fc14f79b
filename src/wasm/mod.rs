//! The wasm32 driver: everything that touches the outside world. [`driver`] owns the WebSocket,
//! the one timer, the clock and the randomness and pumps the sans-IO engine; [`bindings`] is the
//! JS-facing class the TypeScript shim uses ([`auth_bindings`], [`jetstream_bindings`],
//! [`digest_bindings`]: its free functions); [`rust_api`] is the async Rust API for wasm32 apps.
//! No protocol logic lives here: it only moves bytes, time and records.

#[cfg(feature = "talc")]
mod alloc;
pub mod auth_bindings;
pub(crate) mod backlog;
pub mod bindings;
#[cfg(feature = "jetstream-engine")]
pub mod digest_bindings;
pub(crate) mod driver;
pub(crate) mod env;
#[cfg(feature = "jetstream-engine")]
pub mod jetstream_bindings;
pub mod rust_api;
pub(crate) mod sync;
mod turn;
mod wake;

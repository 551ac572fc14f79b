//! nats-wasm: a NATS client whose protocol engine is sans-IO Rust, driven over WebSocket by a
//! wasm32 driver, for Deno, browsers and Rust apps compiled to wasm32.
//!
//! Layers (see `docs/design.md`): [`proto`] parses and encodes the wire protocol, [`client`] is the
//! connection state machine, `wasm` (wasm32 only) owns the WebSocket, the timer and the JS
//! boundary, and exposes the Rust async API. Nothing below `wasm` does I/O, reads a clock or draws
//! random numbers.

pub mod auth;
pub mod client;
pub mod error;
#[cfg(feature = "jetstream-engine")]
pub mod jetstream;
pub mod proto;
mod text;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[cfg(target_arch = "wasm32")]
pub use wasm::rust_api::{Client, ConnectOptions, Message, Subscriber};
#[cfg(all(target_arch = "wasm32", feature = "jetstream"))]
pub use wasm::rust_api::{
    JetStream, JsMessage, JsMessages, Kv, KvConfig, KvEntry, KvOperation, KvStorage, KvWatch, PubAck,
    PublishOptions,
};

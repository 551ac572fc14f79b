//! The async Rust API for Rust apps compiled to wasm32 (Leptos, Yew, Dioxus, plain
//! wasm-bindgen): `Client::connect`, `publish`, `subscribe` returning a `Stream`, `request`,
//! `flush`, `drain`, `close`. It drives the same engine and driver as the JS API; records are
//! routed to per-subscription queues and per-request slots instead of a JS callback.
//! [`client`] holds the commands, [`subscriber`] the message stream, [`routes`] the sink that
//! routes records; the driver delivers a command's records only after the command has returned
//! its id, so every waiter is registered before its record arrives. With the cargo feature
//! `jetstream`: [`jetstream`] (publish with `PubAck`, the API requests, starting a consumer
//! run), [`js_stream`] (a run as a `Stream`) and [`js_message`] (a message and its acks); KV
//! buckets: [`kv`] (create, bind, get, put, delete), [`kv_entry`] (an entry read from a reply)
//! and [`kv_watch`] (a watch as a `Stream`).
//!
//! Must not: block (there is one thread), or hold the driver borrowed across an `.await`.

mod client;
#[cfg(feature = "jetstream")]
mod jetstream;
#[cfg(feature = "jetstream")]
mod js_message;
#[cfg(feature = "jetstream")]
mod js_stream;
#[cfg(feature = "jetstream")]
mod kv;
#[cfg(feature = "jetstream")]
mod kv_entry;
#[cfg(feature = "jetstream")]
mod kv_watch;
mod routes;
mod subscriber;

pub use client::Client;
#[cfg(feature = "jetstream")]
pub use jetstream::{JetStream, PubAck, PublishOptions};
#[cfg(feature = "jetstream")]
pub use js_message::JsMessage;
#[cfg(feature = "jetstream")]
pub use js_stream::JsMessages;
#[cfg(feature = "jetstream")]
pub use kv::{Kv, KvConfig, KvStorage};
#[cfg(feature = "jetstream")]
pub use kv_entry::{KvEntry, KvOperation};
#[cfg(feature = "jetstream")]
pub use kv_watch::KvWatch;
pub use subscriber::Subscriber;

use crate::auth::authenticators::Credentials;
use crate::client::Options;
use crate::proto::Headers;

/// How to connect. `options` holds every engine setting (servers are normalised by `connect`);
/// `credentials` what CONNECT carries (evaluated, and the nonce signed, at each handshake).
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub options: Options,
    pub credentials: Credentials,
}

impl ConnectOptions {
    /// Options for one or more server URLs (`ws://host:port`, `wss://...`, or `host:port`).
    pub fn new<S: Into<String>>(servers: impl IntoIterator<Item = S>) -> Self {
        let mut o = ConnectOptions::default();
        o.options.servers = servers.into_iter().map(Into::into).collect();
        o
    }

    pub fn user_and_password(mut self, user: &str, pass: &str) -> Self {
        self.credentials.user = Some(user.to_string());
        self.credentials.pass = Some(pass.to_string());
        self
    }

    pub fn token(mut self, token: &str) -> Self {
        self.credentials.token = Some(token.to_string());
        self
    }

    /// An nkey user: the seed (`SU…`) signs the server's nonce.
    pub fn nkey(mut self, seed: &str) -> Self {
        self.credentials.seed = Some(seed.to_string());
        self
    }

    /// A user JWT, signed with `seed` (or a bearer JWT without one).
    pub fn jwt(mut self, jwt: &str, seed: Option<&str>) -> Self {
        self.credentials.jwt = Some(jwt.to_string());
        self.credentials.seed = seed.map(str::to_string);
        self
    }

    /// The contents of a `.creds` file; a malformed one fails the connect with `BAD_CREDS`.
    pub fn creds(mut self, creds: impl Into<Vec<u8>>) -> Self {
        self.credentials.creds = Some(creds.into());
        self
    }

    pub fn name(mut self, name: &str) -> Self {
        self.options.name = Some(name.to_string());
        self
    }
}

/// A received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub reply: Option<String>,
    pub headers: Option<Headers>,
    pub payload: Vec<u8>,
    /// Inline status code of the header block (503, 408...), 0 when none.
    pub status: u16,
}

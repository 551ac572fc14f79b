//! What the application configures, and the two capabilities the engine borrows from its driver:
//! randomness ([`Entropy`]) and credentials ([`Authenticator`]). All durations are milliseconds.

/// Connection options, already validated by the caller (the shim validates nats.deno's
/// `ConnectionOptions`; the Rust API builds this directly). Defaults follow nats.deno.
#[derive(Debug, Clone)]
pub struct Options {
    /// Server URLs, already normalised to `ws://host:port/path` or `wss://...` (see `servers`).
    pub servers: Vec<String>,
    pub no_randomize: bool,
    pub reconnect: bool,
    /// Dial failures allowed per server before it leaves the pool; -1 = unlimited. Default 10.
    pub max_reconnect_attempts: i32,
    /// Pause before redialling a server, ms. Default 2000.
    pub reconnect_time_wait: u64,
    /// Random extra pause, 0..=jitter ms. Default 100 (WebSocket never uses the TLS jitter).
    pub reconnect_jitter: u64,
    /// Used instead of `reconnect_jitter` when `tls_required`. Default 1000.
    pub reconnect_jitter_tls: u64,
    /// Dial + handshake (socket open, INFO, CONNECT, PONG) limit per attempt, ms. Default 20000.
    pub timeout: u64,
    /// Client PING period, ms. Default 120000.
    pub ping_interval: u64,
    /// Unanswered PINGs tolerated before the connection is stale. Default 2.
    pub max_ping_out: u32,
    pub wait_on_first_connect: bool,
    pub ignore_cluster_updates: bool,
    /// Prefix of every inbox. Default `_INBOX`.
    pub inbox_prefix: String,
    pub name: Option<String>,
    pub verbose: bool,
    pub pedantic: bool,
    pub no_echo: bool,
    /// Every server must be `wss://`; sets `tls_required` in CONNECT.
    pub tls_required: bool,
    pub ignore_auth_error_abort: bool,
    /// Bytes of publishes kept while disconnected and sent after the reconnect. Default 8 MiB
    /// (the Go client's default); past it, publish fails instead of dropping silently.
    pub reconnect_buffer_size: usize,
    /// Value of CONNECT `lang`.
    pub lang: String,
    /// Value of CONNECT `version`.
    pub version: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            servers: vec!["wss://127.0.0.1:443/".to_string()],
            no_randomize: false,
            reconnect: true,
            max_reconnect_attempts: 10,
            reconnect_time_wait: 2000,
            reconnect_jitter: 100,
            reconnect_jitter_tls: 1000,
            timeout: 20_000,
            ping_interval: 120_000,
            max_ping_out: 2,
            wait_on_first_connect: false,
            ignore_cluster_updates: false,
            inbox_prefix: "_INBOX".to_string(),
            name: None,
            verbose: false,
            pedantic: false,
            no_echo: false,
            tls_required: false,
            ignore_auth_error_abort: false,
            reconnect_buffer_size: 8 * 1024 * 1024,
            lang: "nats-wasm".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Randomness the engine needs (server shuffling, jitter, inbox and request tokens).
pub trait Entropy {
    /// A uniformly random u64.
    fn next_u64(&mut self) -> u64;
    /// A fresh 22-character NUID (`[0-9A-Za-z]`), unique for this process.
    fn nuid(&mut self) -> String;
}

/// Credentials merged into CONNECT. `None` fields are left out of the JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthFields {
    pub user: Option<String>,
    pub pass: Option<String>,
    pub auth_token: Option<String>,
    pub nkey: Option<String>,
    pub sig: Option<String>,
    pub jwt: Option<String>,
}

/// Produces credentials for each handshake, given the INFO nonce (if any). Called once per
/// (re)connect, so callers can rotate credentials. An `Err` fails that dial with that error
/// (`BAD_CREDS` for unusable credentials, `BAD_AUTHENTICATION` for anything else).
pub trait Authenticator {
    fn authenticate(&mut self, nonce: Option<&str>) -> Result<AuthFields, crate::error::NatsError>;
}

/// How a request-many call decides it has all its replies (ADR-47).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestManyStrategy {
    /// End at `max_wait`.
    Timer,
    /// End after `max_messages` replies or at `max_wait`.
    Count(u32),
    /// After each reply, wait at most `jitter` ms for the next; the first wait is `max_wait`.
    JitterTimer(u64),
    /// End after an empty-payload reply (which is itself delivered), or at `max_wait`.
    SentinelMsg,
}

//! Server URLs and the server pool: normalising what users and INFO `connect_urls` give into
//! `ws://host:port/path` / `wss://...` (rules in shared ws-notes: no scheme means `wss` and port
//! 443), and the per-server reconnect bookkeeping. Pure data; the connection decides when to dial.

use crate::error::NatsError;

/// Normalises one server string. `nats://`, `http://`, `ws://` → `ws`; `tls://`, `https://`,
/// `wss://` or no scheme → `wss`; default port 80 for ws and 443 for wss; path and query kept
/// (a bare host gets `/`). An empty or unparsable string is `INVALID_OPTION`.
pub fn normalize_url(input: &str) -> Result<String, NatsError> {
    let _ = input;
    todo!("engine helper")
}

/// `host:port` of a normalised URL (IPv6 hosts keep their brackets).
pub fn host_port(url: &str) -> String {
    let _ = url;
    todo!("engine helper")
}

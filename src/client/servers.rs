//! Server URLs: normalising what users and INFO `connect_urls` give into `ws://host:port/path` /
//! `wss://...` (docs/websocket.md "URLs": no scheme means `wss` and port 443), and reading
//! `host:port` back. Pure functions; the per-server reconnect bookkeeping lives in `pool.rs`.
//!
//! Must not: resolve names, touch the network, or panic on any input.

use crate::error::{ErrorCode, NatsError};
use crate::text::cat;

/// Normalises one server string. `nats://`, `http://`, `ws://` → `ws`; `tls://`, `https://`,
/// `wss://` or no scheme → `wss`; default port 80 for ws and 443 for wss; path and query kept
/// (a bare host gets `/`). An empty or unparsable string is `INVALID_OPTION`.
pub fn normalize_url(input: &str) -> Result<String, NatsError> {
    normalize_with_default(input, true)
}

/// `host:port` of a normalised URL (IPv6 hosts keep their brackets). A string that does not
/// parse is returned as given, so status data never goes missing.
pub fn host_port(url: &str) -> String {
    match normalize_url(url) {
        Ok(n) => authority_of(&n).to_string(),
        Err(_) => url.to_string(),
    }
}

/// Like [`normalize_url`], but a missing or unknown scheme becomes `wss` when `secure_default`
/// and `ws` otherwise: gossiped `connect_urls` carry no scheme and take the current
/// connection's (docs/websocket.md "Cluster discovery").
pub(crate) fn normalize_with_default(input: &str, secure_default: bool) -> Result<String, NatsError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(invalid(input, "empty server URL"));
    }
    if s.chars().any(char::is_whitespace) {
        return Err(invalid(input, "whitespace in server URL"));
    }
    let (secure, rest) = match s.find("://") {
        Some(i) => {
            let scheme = s[..i].to_ascii_lowercase();
            if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
                return Err(invalid(input, "bad scheme"));
            }
            let secure = match scheme.as_str() {
                "ws" | "nats" | "http" => false,
                "wss" | "tls" | "https" => true,
                // Unknown schemes follow the hint (docs/websocket.md "URLs"): upstream's fallback is buggy.
                _ => secure_default,
            };
            (secure, &s[i + 3..])
        }
        None => (secure_default, s),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    // User info cannot be sent by a WebSocket; nats.ws drops it too (credentials go in CONNECT).
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = split_host_port(authority).ok_or_else(|| invalid(input, "bad host or port"))?;
    let port = port.unwrap_or(if secure { 443 } else { 80 });
    // The fragment is never sent (and the WebSocket constructor rejects it).
    let tail = tail.split('#').next().unwrap_or("");
    let (path, query) = tail.split_at(tail.find('?').unwrap_or(tail.len()));
    let path = if path.is_empty() { "/" } else { path };
    let scheme = if secure { "wss" } else { "ws" };
    Ok(cat!(scheme, "://", host, ":", port, path, query))
}

/// The `host:port` part of an already normalised URL.
fn authority_of(normalized: &str) -> &str {
    let rest = normalized.split_once("://").map_or(normalized, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap_or(rest)
}

/// Splits `host[:port]` / `[v6][:port]`; the host is lower-cased as URL parsers do.
fn split_host_port(authority: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let close = v6.find(']')?;
        let inner = &v6[..close];
        if inner.is_empty() || !inner.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
            return None;
        }
        let after = &v6[close + 1..];
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (cat!("[", inner.to_ascii_lowercase(), "]"), port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        let ok = |c: char| c.is_ascii_alphanumeric() || "-._~%".contains(c);
        if host.is_empty() || !host.chars().all(ok) {
            return None;
        }
        (host.to_ascii_lowercase(), port)
    };
    let port = match port {
        None | Some("") => None,
        Some(p) => match p.parse::<u16>() {
            Ok(0) | Err(_) => return None,
            Ok(n) => Some(n),
        },
    };
    Some((host, port))
}

fn invalid(input: &str, why: &str) -> NatsError {
    NatsError::new(ErrorCode::InvalidOption, cat!("invalid server '", input, "': ", why))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_as_docs_websocket_urls() {
        let n = |s: &str| normalize_url(s).unwrap();
        assert_eq!(n("demo.nats.io"), "wss://demo.nats.io:443/");
        assert_eq!(n("host:4222"), "wss://host:4222/");
        assert_eq!(n("host/path?q=1"), "wss://host:443/path?q=1");
        assert_eq!(n("ws://h"), "ws://h:80/");
        assert_eq!(n("nats://h:4222"), "ws://h:4222/");
        assert_eq!(n("http://h"), "ws://h:80/");
        assert_eq!(n("wss://h"), "wss://h:443/");
        assert_eq!(n("tls://h"), "wss://h:443/");
        assert_eq!(n("HTTPS://H.example/x#frag"), "wss://h.example:443/x");
        assert_eq!(n("[::1]:8080"), "wss://[::1]:8080/");
        assert_eq!(n("ws://u:p@h:1/"), "ws://h:1/");
        assert_eq!(n("wss://127.0.0.1:443/"), "wss://127.0.0.1:443/");
        assert_eq!(n("h?x"), "wss://h:443/?x");
        for bad in ["", "  ", "::1", "h:0", "h:99999", "h:x", "a b", "://h", "[zz]:1", "h:1:2"] {
            assert_eq!(normalize_url(bad).unwrap_err().code, ErrorCode::InvalidOption, "{bad}");
        }
        assert_eq!(normalize_with_default("h:8080", false).unwrap(), "ws://h:8080/");
        assert_eq!(normalize_with_default("foo://h", false).unwrap(), "ws://h:80/");
    }

    #[test]
    fn host_port_reads_authority() {
        assert_eq!(host_port("wss://h:443/x?y"), "h:443");
        assert_eq!(host_port("ws://[::1]:80/"), "[::1]:80");
        assert_eq!(host_port("h"), "h:443");
        assert_eq!(host_port("not a url"), "not a url");
    }
}

//! The server pool: the servers the reconnect loop may dial, in rotation order, with each
//! server's failed-dial count and last dial time (docs/contract.md "Connect, servers, reconnect"),
//! plus merging of gossiped INFO `connect_urls` and the reconnect delay formula.
//!
//! Must not: decide when to dial or when to give up (the connection does, in `lifecycle.rs`), or
//! draw randomness other than through the [`Entropy`] it is handed.

use super::options::Entropy;
use super::servers::{host_port, normalize_with_default};
use crate::proto::json::ObjectWriter;

/// One dialable server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Server {
    /// Normalised `ws[s]://host:port/path`: what is dialled and what entries are compared by.
    pub(super) url: String,
    /// `host:port`, for status data and `ServersChanged`.
    pub(super) host_port: String,
    /// Learnt from INFO `connect_urls` (only these are ever deleted by an update).
    pub(super) gossiped: bool,
    /// Failed dials since the last successful connect.
    pub(super) failed: u32,
    /// When this server was last dialled, ms; the next dial waits until this + the delay.
    pub(super) last_attempt: Option<u64>,
}

impl Server {
    fn new(url: String, gossiped: bool) -> Server {
        let host_port = host_port(&url);
        Server { url, host_port, gossiped, failed: 0, last_attempt: None }
    }
}

/// nats.deno's `ServersChanged`, serialised as the `update` status data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ServersChanged {
    pub(super) added: Vec<String>,
    pub(super) deleted: Vec<String>,
}

impl ServersChanged {
    pub(super) fn to_json(&self) -> String {
        ObjectWriter::default().str_list("added", &self.added).str_list("deleted", &self.deleted).finish()
    }
}

/// Servers in rotation order; the one last selected is `current`.
#[derive(Debug, Default)]
pub(super) struct Pool {
    servers: Vec<Server>,
    current: Option<String>,
}

impl Pool {
    /// Builds the pool from the configured URLs (normalised again, which is idempotent, and
    /// de-duplicated; an entry that does not parse is skipped), shuffled unless `randomize` is off.
    pub(super) fn new(urls: &[String], randomize: bool, entropy: &mut dyn Entropy) -> Pool {
        let mut servers: Vec<Server> = Vec::new();
        for u in urls {
            if let Ok(url) = normalize_with_default(u, true)
                && !servers.iter().any(|s| s.url == url)
            {
                servers.push(Server::new(url, false));
            }
        }
        if randomize {
            shuffle(&mut servers, entropy);
        }
        Pool { servers, current: None }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.servers.is_empty()
    }

    #[cfg(test)]
    pub(super) fn servers(&self) -> &[Server] {
        &self.servers
    }

    /// Takes the first server, moves it to the back and makes it current (upstream's
    /// `selectServer`), so consecutive dials go round the pool.
    pub(super) fn select_next(&mut self) -> Option<&mut Server> {
        if self.servers.is_empty() {
            return None;
        }
        let s = self.servers.remove(0);
        self.current = Some(s.url.clone());
        self.servers.push(s);
        self.servers.last_mut()
    }

    pub(super) fn current_mut(&mut self) -> Option<&mut Server> {
        let cur = self.current.as_deref()?;
        self.servers.iter_mut().find(|s| s.url == cur)
    }

    /// Drops the current server from the pool (pruning after too many failed dials).
    pub(super) fn remove_current(&mut self) {
        if let Some(cur) = self.current.take() {
            self.servers.retain(|s| s.url != cur);
        }
    }

    pub(super) fn clear(&mut self) {
        self.servers.clear();
        self.current = None;
    }

    /// Merges INFO `connect_urls` (scheme-less `host:port`, normalised with the current
    /// connection's scheme): adds the new ones, deletes gossiped entries no longer listed except
    /// the current server. `None` when nothing changed.
    pub(super) fn merge_gossip(
        &mut self,
        urls: &[String],
        secure: bool,
        randomize: bool,
        entropy: &mut dyn Entropy,
    ) -> Option<ServersChanged> {
        let mut wanted: Vec<String> = Vec::new();
        for u in urls {
            if let Ok(url) = normalize_with_default(u, secure)
                && !wanted.contains(&url)
            {
                wanted.push(url);
            }
        }
        let mut changed = ServersChanged::default();
        let current = self.current.clone();
        self.servers.retain(|s| {
            let keep = !s.gossiped || wanted.contains(&s.url) || current.as_ref() == Some(&s.url);
            if !keep {
                changed.deleted.push(s.host_port.clone());
            }
            keep
        });
        let mut fresh: Vec<Server> = wanted
            .into_iter()
            .filter(|u| !self.servers.iter().any(|s| &s.url == u))
            .map(|u| Server::new(u, true))
            .collect();
        if randomize {
            shuffle(&mut fresh, entropy);
        }
        changed.added = fresh.iter().map(|s| s.host_port.clone()).collect();
        // New servers go before the current one, which stays last in the rotation: when the
        // current server is lost, the next dial is a server that is not known to be down
        // (upstream appends them, so a client that just lost a node, or found it frozen,
        // redials that node first).
        let at = current
            .as_ref()
            .and_then(|c| self.servers.iter().position(|s| &s.url == c))
            .unwrap_or(self.servers.len());
        self.servers.splice(at..at, fresh);
        (!changed.added.is_empty() || !changed.deleted.is_empty()).then_some(changed)
    }
}

/// Fisher-Yates with the driver's randomness. The modulo bias of `u64 % n` for pool-sized `n`
/// is far below anything observable.
pub(super) fn shuffle<T>(items: &mut [T], entropy: &mut dyn Entropy) {
    for i in (1..items.len()).rev() {
        let j = (entropy.next_u64() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// `wait + rand(0..=jitter)` ms, nats.deno's formula (docs/contract.md "Connect, servers, reconnect"):
/// the engine's reconnect timer, and the shim's default `nc.options.reconnectDelayHandler`.
pub fn reconnect_delay(wait: u64, jitter: u64, entropy: &mut dyn Entropy) -> u64 {
    if jitter == 0 {
        return wait;
    }
    let extra = match jitter.checked_add(1) {
        Some(n) => entropy.next_u64() % n,
        None => entropy.next_u64(),
    };
    wait.saturating_add(extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Seq(u64);
    impl Entropy for Seq {
        fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            self.0 >> 11
        }
        fn nuid(&mut self) -> String {
            "N".repeat(22)
        }
    }

    fn urls(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rotates_and_prunes() {
        let mut e = Seq(1);
        let mut p = Pool::new(&urls(&["ws://a:1", "ws://b:2", "ws://a:1/"]), false, &mut e);
        assert_eq!(p.servers().len(), 2);
        assert_eq!(p.select_next().unwrap().host_port, "a:1");
        assert_eq!(p.select_next().unwrap().host_port, "b:2");
        p.remove_current();
        assert_eq!(p.servers().len(), 1);
        assert_eq!(p.select_next().unwrap().host_port, "a:1");
    }

    #[test]
    fn gossip_merge_reports_changes_only() {
        let mut e = Seq(1);
        let mut p = Pool::new(&urls(&["ws://a:1"]), false, &mut e);
        p.select_next();
        let c = p.merge_gossip(&urls(&["a:1", "b:2", "c:3"]), false, false, &mut e).unwrap();
        assert_eq!(c.added, vec!["b:2", "c:3"]);
        assert!(c.deleted.is_empty());
        assert_eq!(p.merge_gossip(&urls(&["b:2", "c:3"]), false, false, &mut e), None);
        let c = p.merge_gossip(&urls(&["b:2"]), false, false, &mut e).unwrap();
        assert_eq!(c.deleted, vec!["c:3"]);
        assert_eq!(p.servers()[0].url, "ws://b:2/");
        assert_eq!(p.servers()[1].url, "ws://a:1/", "the current server stays last");
        assert_eq!(c.to_json(), r#"{"added":[],"deleted":["c:3"]}"#);
    }

    #[test]
    fn delay_stays_within_jitter() {
        let mut e = Seq(7);
        for _ in 0..1000 {
            let d = reconnect_delay(2000, 100, &mut e);
            assert!((2000..=2100).contains(&d));
        }
        assert_eq!(reconnect_delay(5, 0, &mut e), 5);
        assert!(reconnect_delay(u64::MAX, u64::MAX, &mut e) == u64::MAX);
    }
}

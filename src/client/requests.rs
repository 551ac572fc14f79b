//! Request/reply through one shared wildcard inbox (the "mux", api-contract §2 "Request/reply"):
//! the mux subscription `<inbox_prefix>.<nuid>.*`, request tokens (u32 handles for the nuid that
//! ends each reply subject), reply routing, no-responders detection, timeouts, cancellation and
//! the request-many strategies (ADR-47).
//!
//! Must not: expose the mux subscription as a user subscription, or end a request twice: every
//! request ends exactly once, with a REPLY (single request) or a REQ_END.

use std::collections::HashMap;

use super::batch::kind;
use super::connection::Connection;
use super::idmap::IdMap;
use super::options::RequestManyStrategy;
use super::outbound::check_subject;
use super::records::Delivery;
use super::timers::TimerKey;
use crate::error::{ErrorCode, NatsError};
use crate::proto::encode;

/// Single request or request-many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Single,
    Many(RequestManyStrategy),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Request {
    /// Last token of the reply subject.
    nuid: String,
    /// Where it was published (publish-permission routing).
    pub(super) subject: String,
    mode: Mode,
    replies: u32,
}

/// The shared inbox and its pending requests.
#[derive(Debug, Default)]
pub(super) struct Mux {
    /// `(prefix, sid)`: `<inbox_prefix>.<nuid>` and the sid of `SUB <prefix>.*`; `None` until the
    /// first request (and again after a permission error resets it).
    inbox: Option<(String, u32)>,
    /// Keyed by the reply subject's last token, which the server sends back: std's seeded hasher.
    by_nuid: HashMap<String, u32>,
    /// By token; a hash map for size (`idmap.rs`), sorted where order shows (`tokens*`).
    requests: IdMap<u32, Request>,
    last_token: u32,
}

impl Mux {
    pub(super) fn sid(&self) -> Option<u32> {
        self.inbox.as_ref().map(|(_, sid)| *sid)
    }

    /// The wildcard subject the mux subscribes to.
    pub(super) fn subject(&self) -> Option<String> {
        self.inbox.as_ref().map(|(prefix, _)| format!("{prefix}.*"))
    }

    /// Every pending token, ascending.
    pub(super) fn tokens(&self) -> Vec<u32> {
        let mut tokens: Vec<u32> = self.requests.keys().copied().collect();
        tokens.sort_unstable();
        tokens
    }

    /// Tokens of the requests published to `subject`, ascending.
    pub(super) fn tokens_for_subject(&self, subject: &str) -> Vec<u32> {
        let mut tokens: Vec<u32> =
            self.requests.iter().filter(|(_, r)| r.subject == subject).map(|(t, _)| *t).collect();
        tokens.sort_unstable();
        tokens
    }

    /// Forgets the inbox so the next request subscribes anew.
    pub(super) fn reset(&mut self) {
        self.inbox = None;
    }

    fn remove(&mut self, token: u32) -> Option<Request> {
        let r = self.requests.remove(&token)?;
        self.by_nuid.remove(&r.nuid);
        Some(r)
    }

    fn next_token(&mut self) -> u32 {
        loop {
            self.last_token = self.last_token.wrapping_add(1).max(1);
            if !self.requests.contains_key(&self.last_token) {
                return self.last_token;
            }
        }
    }
}

impl Connection {
    pub(super) fn start_request(
        &mut self,
        subject: &str,
        headers: Option<&[u8]>,
        payload: &[u8],
        timeout_ms: u64,
        mode: Mode,
        now_ms: u64,
    ) -> Result<u32, NatsError> {
        self.check_running()?;
        if timeout_ms < 1 {
            return Err(NatsError::new(ErrorCode::InvalidOption, "timeout must be at least 1 ms"));
        }
        check_subject("subject", subject)?;
        self.check_payload(headers, payload)?;
        self.ensure_mux();
        let Some((prefix, _)) = &self.mux.inbox else {
            return Err(NatsError::new(ErrorCode::RequestError, "request inbox unavailable"));
        };
        let nuid = self.entropy.nuid();
        let reply = format!("{prefix}.{nuid}");
        self.write_publish(subject, Some(&reply), headers, payload)?;
        let token = self.mux.next_token();
        self.mux.by_nuid.insert(nuid.clone(), token);
        self.mux.requests.insert(token, Request { nuid, subject: subject.to_string(), mode, replies: 0 });
        self.timers.set(TimerKey::Request(token), now_ms.saturating_add(timeout_ms));
        Ok(token)
    }

    /// Creates the mux inbox on first use: `SUB <prefix>.*` now if connected, else at the resubscribe.
    fn ensure_mux(&mut self) {
        if self.mux.inbox.is_some() {
            return;
        }
        let prefix = format!("{}.{}", self.opts.inbox_prefix, self.entropy.nuid());
        let sid = self.alloc_sid();
        if self.is_connected() {
            encode::subscribe(&mut self.out.wire, &format!("{prefix}.*"), None, u64::from(sid));
        }
        self.mux.inbox = Some((prefix, sid));
    }

    /// Ends a pending request with REQ_END (`err` None = clean end of a request-many).
    pub(super) fn end_request(&mut self, token: u32, err: Option<&NatsError>, context: &str) {
        if self.mux.remove(token).is_some() {
            self.timers.cancel(TimerKey::Request(token));
            self.batch.req_end(token, err, context);
        }
    }

    /// Ends every pending request with `err`.
    pub(super) fn fail_all_requests(&mut self, err: &NatsError, context: &str) {
        for token in self.mux.tokens() {
            self.end_request(token, Some(err), context);
        }
    }

    /// A MSG on the mux sid: route by the last subject token.
    pub(super) fn on_mux_reply(&mut self, m: &Delivery<'_>, now_ms: u64) {
        let Some((prefix, _)) = &self.mux.inbox else { return };
        let nuid = m
            .subject
            .strip_prefix(prefix.as_bytes())
            .and_then(|rest| rest.strip_prefix(b"."))
            .and_then(|t| std::str::from_utf8(t).ok());
        let Some(token) = nuid.and_then(|n| self.mux.by_nuid.get(n)).copied() else { return };
        self.stats.in_msgs += 1;
        self.stats.in_bytes += m.size();
        if m.payload.is_empty() && m.status == 503 {
            let err = NatsError::new(ErrorCode::NoResponders, "no responders");
            self.end_request(token, Some(&err), "");
            return;
        }
        self.batch.message(kind::REPLY, token, m);
        let Some(req) = self.mux.requests.get_mut(&token) else { return };
        req.replies = req.replies.saturating_add(1);
        match req.mode {
            Mode::Single => {
                // A single request ends with its REPLY; no REQ_END follows.
                self.mux.remove(token);
                self.timers.cancel(TimerKey::Request(token));
            }
            Mode::Many(RequestManyStrategy::Count(n)) if n > 0 && req.replies >= n => {
                self.end_request(token, None, "");
            }
            Mode::Many(RequestManyStrategy::JitterTimer(j)) => {
                self.timers.set(TimerKey::Request(token), now_ms.saturating_add(j));
            }
            Mode::Many(RequestManyStrategy::SentinelMsg) if m.payload.is_empty() => {
                self.end_request(token, None, "");
            }
            Mode::Many(_) => {}
        }
    }

    /// A request's timer fired: TIMEOUT for a single request, a clean end for request-many.
    pub(super) fn on_request_timeout(&mut self, token: u32) {
        let Some(req) = self.mux.requests.get(&token) else { return };
        match req.mode {
            Mode::Single => {
                let err = NatsError::new(ErrorCode::Timeout, "request timed out");
                self.end_request(token, Some(&err), "");
            }
            Mode::Many(_) => self.end_request(token, None, ""),
        }
    }
}

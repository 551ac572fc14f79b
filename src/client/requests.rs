//! Requests (docs/contract.md "Request/reply"): request tokens (u32 handles the REPLY / REQ_END
//! records carry), the two ways a reply comes back, and everything that ends a request: the
//! reply, no-responders, timeouts, cancellation, permission errors, close, and the request-many
//! strategies (ADR-47), all in one code path whatever the reply route.
//!
//! Reply routes ([`ReplyTo`]): through the shared wildcard inbox (the "mux": one subscription
//! `<inbox_prefix>.<nuid>.*` for every request, replies routed by the last subject token), or on
//! the request's own subscription (nats.deno `noMux`: `SUB <inbox> <sid>`, its own sid, with
//! `UNSUB <sid> <max>` when the number of replies is known; released with the request). Both
//! subscriptions are restored by the resubscribe after a reconnect.
//!
//! Must not: expose a request's subscription as a user subscription, or end a request twice:
//! every request ends exactly once, with a REPLY (single request) or a REQ_END.

use super::batch::kind;
use super::connection::Connection;
use super::errors::PermissionContext;
use super::guards::check_subject;
use super::idmap::IdMap;
use super::options::RequestManyStrategy;
use super::records::Delivery;
use super::timers::TimerKey;
use crate::error::{ErrorCode, NatsError};
use crate::proto::encode;

/// Where the replies of a request come back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyTo {
    /// Through the connection's shared wildcard inbox.
    Mux,
    /// On the request's own subscription to this reply subject; `None` = a fresh inbox
    /// `<inbox_prefix>.<nuid>` (nats.deno `noMux`, with its `reply` option when given).
    Own(Option<String>),
}

/// Single request or request-many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Single,
    Many(RequestManyStrategy),
}

/// How a request's replies are recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    /// Through the mux: the last token of the reply subject.
    Mux { nuid: String },
    /// Its own subscription: every MSG on `sid` is a reply. `max`: the `UNSUB sid max` sent with
    /// the SUB (after which the server has dropped the subscription by itself).
    Own { sid: u32, inbox: String, max: Option<u32> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Request {
    route: Route,
    /// Where it was published (publish-permission routing).
    subject: String,
    mode: Mode,
    replies: u32,
}

/// The pending requests and the shared inbox.
#[derive(Debug, Default)]
pub(super) struct Requests {
    /// `(prefix, sid)`: `<inbox_prefix>.<nuid>` and the sid of `SUB <prefix>.*`; `None` until the
    /// first mux request (and again after a permission error resets it).
    mux: Option<(String, u32)>,
    /// Mux requests by the reply subject's last token, which the server sends back. Only nuids
    /// this engine drew are ever inserted (a token from the network is only looked up), so the
    /// id hasher serves (`idmap.rs`) and the module carries no SipHash.
    by_nuid: IdMap<String, u32>,
    /// Own-inbox requests by their sid.
    by_sid: IdMap<u32, u32>,
    /// By token; a hash map for size (`idmap.rs`), sorted where order shows.
    requests: IdMap<u32, Request>,
    last_token: u32,
}

impl Requests {
    pub(super) fn mux_sid(&self) -> Option<u32> {
        self.mux.as_ref().map(|(_, sid)| *sid)
    }

    /// The wildcard subject the mux subscribes to.
    fn mux_subject(&self) -> Option<String> {
        self.mux.as_ref().map(|(prefix, _)| [prefix, ".*"].concat())
    }

    /// The token of the own-inbox request on `sid`.
    pub(super) fn token_for_sid(&self, sid: u32) -> Option<u32> {
        self.by_sid.get(&sid).copied()
    }

    /// Whether `sid` belongs to the mux or to an own-inbox request.
    pub(super) fn uses_sid(&self, sid: u32) -> bool {
        self.mux_sid() == Some(sid) || self.by_sid.contains_key(&sid)
    }

    /// Pending tokens matching `f`, ascending.
    fn tokens_where(&self, f: impl Fn(&Request) -> bool) -> Vec<u32> {
        let mut tokens: Vec<u32> = self.requests.iter().filter(|(_, r)| f(r)).map(|(t, _)| *t).collect();
        tokens.sort_unstable();
        tokens
    }

    /// `(sid, inbox, remaining max)` of every own-inbox request, by ascending sid.
    ///
    /// Sorts the sids alone: the module already has a `u32` sort (`sids()` and friends), while a
    /// sort of these tuples would add a ~3 KB copy of its own (docs/design.md "Size").
    fn own_subscriptions(&self) -> Vec<(u32, String, Option<u32>)> {
        let mut sids: Vec<u32> = self.by_sid.keys().copied().collect();
        sids.sort_unstable();
        sids.into_iter()
            .filter_map(|sid| {
                let r = self.requests.get(self.by_sid.get(&sid)?)?;
                match &r.route {
                    Route::Own { inbox, max, .. } => {
                        Some((sid, inbox.clone(), max.map(|m| m.saturating_sub(r.replies))))
                    }
                    Route::Mux { .. } => None,
                }
            })
            .collect()
    }

    fn remove(&mut self, token: u32) -> Option<Request> {
        let r = self.requests.remove(&token)?;
        match &r.route {
            Route::Mux { nuid } => self.by_nuid.remove(nuid),
            Route::Own { sid, .. } => self.by_sid.remove(sid),
        };
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
    #[allow(clippy::too_many_arguments)] // the request's parts, as `Connection::request_many` takes them
    pub(super) fn start_request(
        &mut self,
        subject: &str,
        headers: Option<&[u8]>,
        payload: &[u8],
        timeout_ms: u64,
        mode: Mode,
        reply_to: ReplyTo,
        now_ms: u64,
    ) -> Result<u32, NatsError> {
        self.check_running()?;
        if timeout_ms < 1 {
            return Err(NatsError::new(ErrorCode::InvalidOption, "timeout must be at least 1 ms"));
        }
        check_subject("subject", subject)?;
        if let ReplyTo::Own(Some(reply)) = &reply_to {
            check_subject("reply subject", reply)?;
        }
        self.check_payload(headers, payload)?;
        let (route, reply) = match reply_to {
            ReplyTo::Mux => {
                let prefix = self.ensure_mux();
                let nuid = self.entropy.nuid();
                let reply = [&prefix, ".", &nuid].concat();
                (Route::Mux { nuid }, reply)
            }
            ReplyTo::Own(reply) => {
                let inbox = match reply {
                    Some(r) => r,
                    None => [&self.opts.inbox_prefix, ".", &self.entropy.nuid()].concat(),
                };
                // The server may drop the subscription by itself once the last reply is known to
                // have come (nats.deno's noMux request subscribes with `max: 1`).
                let max = match mode {
                    Mode::Single => Some(1),
                    Mode::Many(RequestManyStrategy::Count(n)) if n > 0 => Some(n),
                    Mode::Many(_) => None,
                };
                let sid = self.alloc_sid();
                // Not open: the resubscribe after the handshake sends it, before held publishes.
                self.write_sub(sid, &inbox, max);
                (Route::Own { sid, inbox: inbox.clone(), max }, inbox)
            }
        };
        // Only a publish held while disconnected can fail (buffer full), and then no SUB was
        // written either: nothing to undo.
        self.write_publish(subject, Some(&reply), headers, payload)?;
        // written now (not held): its reply will acknowledge the frame it leaves in
        self.out.awaits_reply |= !self.out.wire().is_empty();
        let token = self.reqs.next_token();
        match &route {
            Route::Mux { nuid } => self.reqs.by_nuid.insert(nuid.clone(), token),
            Route::Own { sid, .. } => self.reqs.by_sid.insert(*sid, token),
        };
        let request = Request { route, subject: subject.to_string(), mode, replies: 0 };
        self.reqs.requests.insert(token, request);
        self.timers.set(TimerKey::Request(token), now_ms.saturating_add(timeout_ms));
        Ok(token)
    }

    /// `SUB subject sid`, then `UNSUB sid max` when given (nothing while not connected).
    fn write_sub(&mut self, sid: u32, subject: &str, max: Option<u32>) {
        self.out.op(|w| {
            encode::subscribe(w, subject, None, u64::from(sid));
            if let Some(m) = max {
                encode::unsubscribe(w, u64::from(sid), Some(u64::from(m)));
            }
        });
    }

    /// The mux inbox prefix, created on first use: `SUB <prefix>.*` now if connected, else at
    /// the resubscribe.
    fn ensure_mux(&mut self) -> String {
        if let Some((prefix, _)) = &self.reqs.mux {
            return prefix.clone();
        }
        let prefix = [&self.opts.inbox_prefix, ".", &self.entropy.nuid()].concat();
        let sid = self.alloc_sid();
        self.write_sub(sid, &[&prefix, ".*"].concat(), None);
        self.reqs.mux = Some((prefix.clone(), sid));
        prefix
    }

    /// Forgets a pending request and releases what it holds: its timer and, for an own inbox,
    /// its subscription (UNSUB, unless the server already dropped it at its max).
    fn forget_request(&mut self, token: u32) -> bool {
        let Some(r) = self.reqs.remove(token) else { return false };
        self.timers.cancel(TimerKey::Request(token));
        if let Route::Own { sid, max, .. } = r.route
            && max.is_none_or(|m| r.replies < m)
        {
            self.out.op(|w| encode::unsubscribe(w, u64::from(sid), None));
        }
        true
    }

    /// Ends a pending request with REQ_END (`err` None = clean end of a request-many).
    pub(super) fn end_request(&mut self, token: u32, err: Option<&NatsError>, context: &str) {
        if self.forget_request(token) {
            self.batch.req_end(token, err, context);
        }
    }

    /// Ends every pending request, mux and own, with `err` (close, drain's end).
    pub(super) fn fail_all_requests(&mut self, err: &NatsError, context: &str) {
        for token in self.reqs.tokens_where(|_| true) {
            self.end_request(token, Some(err), context);
        }
        self.reqs.mux = None;
    }

    /// A permission error on a subscription: true if it was the mux's or an own inbox's (every
    /// request listening there ends with `err`), false if it belongs to a user subscription
    /// (`user_sid`: the one the server would mean, a lower sid wins as in nats.deno).
    pub(super) fn deny_request_subscription(
        &mut self,
        p: &PermissionContext,
        user_sid: Option<u32>,
        err: &NatsError,
        context: &str,
    ) -> bool {
        if p.queue.is_some() {
            return false;
        }
        if self.reqs.mux_subject().as_deref() == Some(p.subject.as_str()) {
            for token in self.reqs.tokens_where(|r| matches!(r.route, Route::Mux { .. })) {
                self.end_request(token, Some(err), context);
            }
            // The next mux request subscribes anew.
            self.reqs.mux = None;
            return true;
        }
        let own = self.reqs.tokens_where(|r| {
            matches!(&r.route, Route::Own { inbox, sid, .. }
                if *inbox == p.subject && user_sid.is_none_or(|u| *sid < u))
        });
        for token in &own {
            self.end_request(*token, Some(err), context);
        }
        !own.is_empty()
    }

    /// A permission error on a publish: every request (mux or own) published there ends.
    pub(super) fn deny_request_publish(&mut self, subject: &str, err: &NatsError, context: &str) {
        for token in self.reqs.tokens_where(|r| r.subject == subject) {
            self.end_request(token, Some(err), context);
        }
    }

    /// A MSG on the mux sid: find the request by the last subject token.
    pub(super) fn on_mux_reply(&mut self, m: &Delivery<'_>, now_ms: u64) {
        let Some((prefix, _)) = &self.reqs.mux else { return };
        let nuid = m
            .subject
            .strip_prefix(prefix.as_bytes())
            .and_then(|rest| rest.strip_prefix(b"."))
            .and_then(|t| std::str::from_utf8(t).ok());
        let Some(token) = nuid.and_then(|n| self.reqs.by_nuid.get(n)).copied() else { return };
        self.on_reply(token, m, now_ms);
    }

    /// A reply for `token`, whatever its route: no-responders, REPLY, then the mode's rule.
    pub(super) fn on_reply(&mut self, token: u32, m: &Delivery<'_>, now_ms: u64) {
        self.stats.in_msgs += 1;
        self.stats.in_bytes += m.size();
        if m.payload.is_empty() && m.status == 503 {
            // nats.deno's `NatsError.errorForCode(ErrorCode.NoResponders)`: the message is the code.
            let err = NatsError::new(ErrorCode::NoResponders, ErrorCode::NoResponders.as_str());
            self.end_request(token, Some(&err), "");
            return;
        }
        self.batch.message(kind::REPLY, token, m);
        let Some(req) = self.reqs.requests.get_mut(&token) else { return };
        req.replies = req.replies.saturating_add(1);
        match req.mode {
            Mode::Single => {
                // A single request ends with its REPLY; no REQ_END follows.
                self.forget_request(token);
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
        let Some(req) = self.reqs.requests.get(&token) else { return };
        match req.mode {
            Mode::Single => {
                let err = NatsError::new(ErrorCode::Timeout, "request timed out");
                self.end_request(token, Some(&err), "");
            }
            Mode::Many(_) => self.end_request(token, None, ""),
        }
    }

    /// After a (re)connect: the mux's SUB and every own inbox's SUB (with its remaining max).
    pub(super) fn resubscribe_requests(&mut self) {
        if let (Some(sid), Some(subject)) = (self.reqs.mux_sid(), self.reqs.mux_subject()) {
            self.write_sub(sid, &subject, None);
        }
        for (sid, inbox, max) in self.reqs.own_subscriptions() {
            self.write_sub(sid, &inbox, max);
        }
    }
}

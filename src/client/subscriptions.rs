//! User subscriptions: the sid table, SUB/UNSUB writing, delivery with `received`/`max`
//! counting, the first-message timeout, unsubscribe and subscription drain, and the resubscribe
//! after a (re)connect (docs/contract.md "Subscribe / unsubscribe").
//!
//! Must not: hold the subscriptions of requests (the mux's and own inboxes' live in
//! `requests.rs`, with sids from the same allocator, `sids.rs`), or count on an op reaching a
//! server while not connected (the outbound gate refuses it): the server forgets subscriptions
//! with the socket, and `resubscribe_all` restores them from this table.

use super::batch::kind;
use super::connection::Connection;
use super::guards::{check_subject, closed_error};
use super::idmap::IdMap;
use super::pings::PingKind;
use super::records::Delivery;
use super::timers::TimerKey;
use crate::error::{ErrorCode, NatsError};
use crate::proto::encode;

/// One live subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Sub {
    pub(super) subject: String,
    pub(super) queue: Option<String>,
    /// Total messages after which it ends (`SUB` + `UNSUB sid max`).
    pub(super) max: Option<u64>,
    pub(super) received: u64,
    /// UNSUB sent, waiting for the drain PONG; messages still arrive until then.
    pub(super) draining: bool,
}

/// Live subscriptions by sid. A hash map for size (see `idmap.rs`); what needs sid order (the
/// resubscribe replays subscriptions in creation order, ends are reported in sid order) asks
/// [`Subs::sids`] or [`Subs::iter`], which sort.
#[derive(Debug, Default)]
pub(super) struct Subs {
    map: IdMap<u32, Sub>,
}

impl Subs {
    pub(super) fn get(&self, sid: u32) -> Option<&Sub> {
        self.map.get(&sid)
    }

    pub(super) fn get_mut(&mut self, sid: u32) -> Option<&mut Sub> {
        self.map.get_mut(&sid)
    }

    pub(super) fn contains(&self, sid: u32) -> bool {
        self.map.contains_key(&sid)
    }

    /// Every sid, ascending.
    pub(super) fn sids(&self) -> Vec<u32> {
        let mut sids: Vec<u32> = self.map.keys().copied().collect();
        sids.sort_unstable();
        sids
    }

    /// Every subscription, by ascending sid (off the hot paths: it sorts).
    pub(super) fn iter(&self) -> impl Iterator<Item = (&u32, &Sub)> {
        self.sids().into_iter().filter_map(|sid| self.map.get_key_value(&sid))
    }

    /// First subscription (lowest sid) with this subject and queue (permission routing).
    pub(super) fn find(&self, subject: &str, queue: Option<&str>) -> Option<u32> {
        self.map
            .iter()
            .filter(|(_, s)| s.subject == subject && s.queue.as_deref() == queue)
            .map(|(sid, _)| *sid)
            .min()
    }
}

impl Connection {
    pub(super) fn cmd_subscribe(
        &mut self,
        subject: &str,
        queue: Option<&str>,
        max: Option<u64>,
        timeout_ms: Option<u64>,
        now_ms: u64,
    ) -> Result<u32, NatsError> {
        self.check_running()?;
        check_subject("subject", subject)?;
        if let Some(q) = queue {
            check_subject("queue", q)?;
        }
        let max = max.filter(|m| *m > 0);
        let sid = self.alloc_sid();
        // Not connected: `resubscribe_all` sends it after the handshake.
        self.out.op(|w| {
            encode::subscribe(w, subject, queue, u64::from(sid));
            if let Some(m) = max {
                encode::unsubscribe(w, u64::from(sid), Some(m));
            }
        });
        let sub = Sub {
            subject: subject.to_string(),
            queue: queue.map(str::to_string),
            max,
            received: 0,
            draining: false,
        };
        self.subs.map.insert(sid, sub);
        if let Some(t) = timeout_ms.filter(|t| *t > 0) {
            self.timers.set(TimerKey::Sub(sid), now_ms.saturating_add(t));
        }
        Ok(sid)
    }

    pub(super) fn cmd_unsubscribe(&mut self, sid: u32, max: Option<u64>) -> Result<(), NatsError> {
        // Unknown sids and closed connections are a no-op, as upstream's `unsubscribe()` is.
        let Some(sub) = self.subs.get_mut(sid) else { return Ok(()) };
        match max.filter(|m| *m > sub.received) {
            Some(m) => {
                sub.max = Some(m);
                self.out.op(|w| encode::unsubscribe(w, u64::from(sid), Some(m)));
            }
            None => {
                self.out.op(|w| encode::unsubscribe(w, u64::from(sid), None));
                self.end_sub(sid, None, "");
            }
        }
        Ok(())
    }

    pub(super) fn cmd_drain_subscription(&mut self, sid: u32) -> Result<(), NatsError> {
        if self.is_closed() {
            return Err(closed_error());
        }
        let connected = self.is_connected();
        let Some(sub) = self.subs.get_mut(sid) else {
            return Err(NatsError::new(ErrorCode::SubClosed, "subscription closed"));
        };
        if sub.draining {
            return Ok(());
        }
        if connected {
            sub.draining = true;
            self.out.op(|w| encode::unsubscribe(w, u64::from(sid), None));
            self.send_ping(PingKind::SubDrain(sid));
        } else {
            // The server holds no subscription while disconnected: nothing more can arrive.
            self.end_sub(sid, None, "");
        }
        Ok(())
    }

    /// Removes a subscription and emits its SUB_END (`err` None = clean end).
    pub(super) fn end_sub(&mut self, sid: u32, err: Option<&NatsError>, context: &str) {
        if self.subs.map.remove(&sid).is_some() {
            self.timers.cancel(TimerKey::Sub(sid));
            self.drop_hook(sid);
            self.batch.sub_end(sid, err, context);
        }
    }

    /// Ends a subscription with an error code that is not one of the core's (a hook's: a
    /// JetStream status such as "409"), as its SUB_END carries it.
    pub(super) fn end_sub_with(&mut self, sid: u32, code: &str, message: &str) {
        if self.subs.map.remove(&sid).is_some() {
            self.timers.cancel(TimerKey::Sub(sid));
            self.drop_hook(sid);
            self.batch.sub_end_raw(sid, code, message);
        }
    }

    /// Moves a live subscription to another subject under the same sid (a hook's
    /// `Resubscribe`): the server forgets the old interest, and reconnects send the new one.
    pub(super) fn resubscribe_sid(&mut self, sid: u32, subject: String) {
        let Some(sub) = self.subs.get_mut(sid) else { return };
        sub.subject = subject;
        let (subject, queue) = (sub.subject.clone(), sub.queue.clone());
        self.out.op(|w| {
            encode::unsubscribe(w, u64::from(sid), None);
            encode::subscribe(w, &subject, queue.as_deref(), u64::from(sid));
        });
    }

    /// Ends every subscription cleanly (close, or a drain finished).
    pub(super) fn end_all_subs(&mut self) {
        for sid in self.subs.sids() {
            self.end_sub(sid, None, "");
        }
    }

    /// A MSG for a user sid: MSG record, counting, auto-unsubscribe at `max`.
    pub(super) fn deliver(&mut self, sid: u32, m: &Delivery<'_>, now_ms: u64) {
        if !self.hooks.is_empty() && self.hooks.contains_key(&sid) {
            if self.hook_message(sid, m, now_ms) {
                self.deliver_plain(sid, m);
            }
            self.after_hook_message(sid);
            return;
        }
        self.deliver_plain(sid, m);
    }

    fn deliver_plain(&mut self, sid: u32, m: &Delivery<'_>) {
        let Some(sub) = self.subs.get_mut(sid) else { return };
        sub.received += 1;
        let first = sub.received == 1;
        let done = sub.max.is_some_and(|max| sub.received >= max);
        self.stats.in_msgs += 1;
        self.stats.in_bytes += m.size();
        if first {
            self.timers.cancel(TimerKey::Sub(sid));
        }
        self.batch.message(kind::MSG, sid, m);
        if done {
            // The server already dropped it at max; the plain UNSUB matches upstream and is harmless.
            self.out.op(|w| encode::unsubscribe(w, u64::from(sid), None));
            self.end_sub(sid, None, "");
        }
    }

    /// The first-message timeout fired.
    pub(super) fn on_sub_timeout(&mut self, sid: u32) {
        if !self.subs.contains(sid) {
            return;
        }
        self.out.op(|w| encode::unsubscribe(w, u64::from(sid), None));
        let err = NatsError::new(ErrorCode::Timeout, "subscription timeout: no message received in time");
        self.end_sub(sid, Some(&err), "");
    }

    /// After a (re)connect: SUB for every live subscription, with `UNSUB sid remaining` when it
    /// has a max (upstream forgets the max here; that would over-deliver after a reconnect).
    /// The requests' subscriptions follow (`resubscribe_requests`).
    pub(super) fn resubscribe_all(&mut self) {
        let Connection { subs, out, .. } = self;
        out.op(|wire| {
            for (sid, sub) in subs.iter() {
                encode::subscribe(wire, &sub.subject, sub.queue.as_deref(), u64::from(*sid));
                if let Some(max) = sub.max {
                    encode::unsubscribe(wire, u64::from(*sid), Some(max.saturating_sub(sub.received)));
                }
            }
        });
    }
}

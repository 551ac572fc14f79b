//! Subscription hooks: the generic way a layer above the core (JetStream's consumers) watches one
//! subscription from inside the engine (docs/design.md "Subscription hooks"). A hook sees every
//! message of its sid before delivery and may swallow it (control messages such as heartbeats
//! never cross to the application), keeps a deadline on the engine's timer (so the shim runs no
//! timers), hears about disconnects and reconnects, takes small answers from the application,
//! and asks the connection for effects: an event record in order with the messages, a publish,
//! moving the sid to another subject, or ending the subscription.
//!
//! Must not: know what the messages mean (that is the hook's business), or let a hook reach the
//! connection other than through the `HookOp`s it returns.

use super::batch::kind;
use super::connection::Connection;
use super::records::Delivery;
use super::timers::TimerKey;
use crate::proto::encode;

/// One message on a hooked subscription, borrowed from the input buffer.
#[derive(Debug, Clone, Copy)]
pub struct HookMsg<'a> {
    pub subject: &'a [u8],
    pub reply: Option<&'a [u8]>,
    /// The raw header block (`NATS/1.0 ...\r\n...\r\n\r\n`), if any.
    pub headers: Option<&'a [u8]>,
    pub payload: &'a [u8],
    /// Inline status code of the header block, 0 when none.
    pub status: u16,
}

/// What becomes of a message the hook has seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Deliver it as a MSG record.
    Deliver,
    /// Swallow it (a control message, or one the hook has decided to drop).
    Drop,
}

/// An effect a hook asks for; carried out in the order returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookOp {
    /// A SUB_EVENT record for the application, in order with the subscription's messages: f0
    /// `kind`, f1 `name`, f2 `data`, f3 `body`, extra `number`.
    Event { kind: &'static str, name: String, data: String, body: Vec<u8>, number: u32 },
    /// Publish `body` to `subject` now, with no reply (control answers). Dropped while
    /// disconnected: what it answered belonged to the lost socket.
    Publish { subject: String, body: Vec<u8> },
    /// Move the subscription to `subject`, keeping its sid (UNSUB + SUB now, and the new subject
    /// on every reconnect).
    Resubscribe { subject: String },
    /// End the subscription: `None` cleanly, else with `(code, message)` as its SUB_END carries.
    End(Option<(String, String)>),
}

/// A watcher of one subscription. Every method may queue `HookOp`s, drained with `poll_op`
/// right after the call; `poll_timeout` is read again after each call.
pub trait SubHook {
    /// A message arrived on the sid.
    fn on_message(&mut self, m: &HookMsg<'_>, now_ms: u64) -> Fate;
    /// The application answered (what `code` and `data` mean is the hook's); `random` is a
    /// uniformly random u64 for any jitter the answer needs.
    fn on_input(&mut self, code: u32, data: &str, now_ms: u64, random: u64);
    /// The connection dropped.
    fn on_disconnect(&mut self, now_ms: u64);
    /// The connection is back and the subscription has been sent again.
    fn on_reconnect(&mut self, now_ms: u64);
    /// The deadline at which `handle_timeout` has work, if any.
    fn poll_timeout(&self) -> Option<u64>;
    fn handle_timeout(&mut self, now_ms: u64, random: u64);
    fn poll_op(&mut self) -> Option<HookOp>;
}

impl Connection {
    /// Attaches `hook` to the live subscription `sid`; false when there is no such subscription.
    pub(super) fn cmd_attach_hook(&mut self, sid: u32, hook: Box<dyn SubHook>) -> bool {
        if !self.subs.contains(sid) {
            return false;
        }
        self.hooks.insert(sid, hook);
        self.pump_hook(sid);
        true
    }

    /// The application's answer to a hook's event.
    pub(super) fn cmd_hook_input(&mut self, sid: u32, code: u32, data: &str, now_ms: u64) {
        let random = self.entropy.next_u64();
        if let Some(hook) = self.hooks.get_mut(&sid) {
            hook.on_input(code, data, now_ms, random);
            self.pump_hook(sid);
        }
    }

    /// A message for a hooked sid: the hook decides; a delivered message then goes out as usual.
    /// Returns false when the message was swallowed (it still counts in the connection stats).
    pub(super) fn hook_message(&mut self, sid: u32, m: &Delivery<'_>, now_ms: u64) -> bool {
        let Some(hook) = self.hooks.get_mut(&sid) else { return true };
        let msg = HookMsg {
            subject: m.subject,
            reply: m.reply,
            headers: m.headers,
            payload: m.payload,
            status: u16::try_from(m.status).unwrap_or(0),
        };
        let fate = hook.on_message(&msg, now_ms);
        if fate == Fate::Drop {
            self.stats.in_msgs += 1;
            self.stats.in_bytes += m.size();
        }
        fate == Fate::Deliver
    }

    /// After a hooked message was delivered (or dropped): carry out what the hook asked for.
    pub(super) fn after_hook_message(&mut self, sid: u32) {
        if self.hooks.contains_key(&sid) {
            self.pump_hook(sid);
        }
    }

    pub(super) fn on_hook_timer(&mut self, sid: u32, now_ms: u64) {
        let random = self.entropy.next_u64();
        if let Some(hook) = self.hooks.get_mut(&sid) {
            hook.handle_timeout(now_ms, random);
            self.pump_hook(sid);
        }
    }

    /// Tells every hook the connection dropped (`connected` false) or is back.
    pub(super) fn hooks_connection(&mut self, connected: bool, now_ms: u64) {
        let mut sids: Vec<u32> = self.hooks.keys().copied().collect();
        sids.sort_unstable();
        for sid in sids {
            if let Some(hook) = self.hooks.get_mut(&sid) {
                if connected {
                    hook.on_reconnect(now_ms);
                } else {
                    hook.on_disconnect(now_ms);
                }
                self.pump_hook(sid);
            }
        }
    }

    /// A subscription ended: its hook goes with it.
    pub(super) fn drop_hook(&mut self, sid: u32) {
        if self.hooks.remove(&sid).is_some() {
            self.timers.cancel(TimerKey::Hook(sid));
        }
    }

    /// Carries out the hook's queued ops, then re-arms its timer.
    fn pump_hook(&mut self, sid: u32) {
        loop {
            let Some(hook) = self.hooks.get_mut(&sid) else { return };
            let Some(op) = hook.poll_op() else { break };
            match op {
                HookOp::Event { kind: k, name, data, body, number } => {
                    let fields = [k.as_bytes(), name.as_bytes(), data.as_bytes(), body.as_slice()];
                    self.batch.push(kind::SUB_EVENT, sid, fields, number);
                }
                HookOp::Publish { subject, body } => {
                    if self.is_connected() {
                        let _ = self.cmd_publish(&subject, None, None, &body);
                    }
                }
                HookOp::Resubscribe { subject } => self.resubscribe_sid(sid, subject),
                HookOp::End(err) => {
                    self.out.op(|w| encode::unsubscribe(w, u64::from(sid), None));
                    match err {
                        None => self.end_sub(sid, None, ""),
                        Some((code, message)) => self.end_sub_with(sid, &code, &message),
                    }
                    return;
                }
            }
        }
        let key = TimerKey::Hook(sid);
        match self.hooks.get(&sid).and_then(|h| h.poll_timeout()) {
            // A later deadline leaves the armed one alone: it fires early, the hook finds nothing
            // due and the timer is re-armed then. Re-arming on every message (a heartbeat
            // deadline moves with each one) would cost a heap push per message.
            Some(at) if self.timers.deadline(key).is_none_or(|armed| at < armed) => self.timers.set(key, at),
            Some(_) => {}
            None => self.timers.cancel(key),
        }
    }
}

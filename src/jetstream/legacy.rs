//! `LegacyRun`: the subscription hook behind nats.deno's legacy JetStream API
//! (docs/jetstream.md "Legacy subscriptions"): push subscriptions (`js.subscribe`, with idle
//! heartbeats, flow control and the ordered push consumer), pull subscriptions
//! (`js.pullSubscribe`, the user pulls) and one-shot batches (`js.fetch`). Status messages never
//! reach the application: heartbeats feed the monitor (on the engine's timer), flow-control
//! requests are answered when the user reaches them, statuses that end a pull are swallowed, and
//! terminal ones become an `error` event (or end a fetch).
//!
//! Must not: parse API JSON or build consumer configs (the shim does, from the `reset` event), read
//! a clock or draw random numbers (the engine passes both).

use std::collections::VecDeque;

use super::ack::parse_ack_subject;
use super::backoff::jitter_ms;
use super::heartbeat::HeartbeatMonitor;
use super::status::{self, Conflict, Status, StatusError, header};
use crate::client::{Fate, HookMsg, HookOp, SubHook};
use crate::proto::Headers;
use crate::text::cat;

/// Event kinds (field 0 of SUB_EVENT) besides `run::event::STATUS`.
pub mod event {
    /// Publish an empty message to subject f2 when the user reaches this point (flow control).
    pub const FLOW_CONTROL: &str = "fc";
    /// An error for the subscription: f1 the code (a status code's digits or an error code
    /// name), f2 the description. Iterators end with it; callbacks are called with it.
    pub const ERROR: &str = "error";
    /// Ordered push: the subscription now listens on f1; create consumer f3 (its name) delivering
    /// there from stream sequence f2, and answer with `input::OK` or `input::FAILED`.
    pub const RESET: &str = "reset";
    /// Ordered push: the message just delivered is the first with nothing pending behind it, so
    /// the consumer's initial data is all delivered (a KV watch's `initializedFn`, the end of a
    /// history or keys read). Once per subscription; the shim need not read each message's
    /// pending count to find it.
    pub const CAUGHT_UP: &str = "caught_up";
}

/// The shim's inputs.
pub mod input {
    /// The ordered push consumer was recreated.
    pub const OK: u32 = 0;
    pub const FAILED: u32 = 3;
    /// A pull subscription's `pull()` asked for heartbeats: data `"<idle_heartbeat ms>:<expires ms>"`.
    pub const WATCH: u32 = 10;
}

/// The error code of missed heartbeats (nats.deno `ErrorCode.JetStreamIdleHeartBeat`).
const IDLE_HEARTBEAT: &str = "IDLE_HEARTBEAT";

/// What kind of legacy subscription this hook serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LegacyMode {
    /// `js.subscribe`: a push consumer.
    Push,
    /// `js.subscribe` with `orderedConsumer()`: the consumers of the chain are named
    /// `<name>_<n>` and deliver to `<inbox>.<n>` from the n-th reset on (n = 0: the first
    /// consumer, created by the shim on `<inbox>`).
    OrderedPush { inbox: String, name: String },
    /// `js.pullSubscribe`: messages come from the user's `pull()`s.
    PullSubscription,
    /// `js.fetch`: one pull of `batch` messages (`max_bytes` payload bytes, 0 = any); with
    /// `expires_ms` 0 (no_wait) it ends when the server says nothing is pending.
    Fetch { batch: u64, max_bytes: u64, expires_ms: u64 },
}

/// Sequence tracking of the ordered push consumer.
#[derive(Debug, Default)]
struct OrderedPush {
    inbox: String,
    name: String,
    resets: u64,
    /// The consumer of the chain whose messages are delivered; others are stale.
    consumer: String,
    delivery_seq: u64,
    stream_seq: u64,
    /// A RESET is out (or waits for `retry_at`): subject, start sequence. A message of the new
    /// consumer settles it as well as the answer does (the consumer may deliver before the API
    /// reply arrives).
    resetting: Option<(String, u64)>,
    retry_at: Option<u64>,
    /// `event::CAUGHT_UP` was sent.
    caught_up: bool,
}

/// A legacy subscription's hook.
pub struct LegacyRun {
    mode: LegacyMode,
    monitor: HeartbeatMonitor,
    /// The monitor stops watching at this time (a pull's expiry).
    watch_until: Option<u64>,
    /// A fetch's client-side end.
    deadline: Option<u64>,
    ordered: Option<OrderedPush>,
    received: u64,
    bytes: u64,
    connected: bool,
    ended: bool,
    ops: VecDeque<HookOp>,
}

/// The status headers read as numbers; a status with one unreadable is classified without them.
const NUMERIC_HEADERS: [&str; 4] =
    [header::LAST_CONSUMER, header::LAST_STREAM, header::PENDING_MESSAGES, header::PENDING_BYTES];

/// 409s after which pulling again cannot help (nats.deno's `isTerminal409`).
fn terminal_conflict(kind: Conflict) -> bool {
    !matches!(kind, Conflict::MaxWaiting | Conflict::LeadershipChange | Conflict::Other)
}

/// The error of a status that ends a pull subscription's or a fetch's delivery, if it does:
/// `(code, description)` as nats.deno's `checkJsError` would make it.
fn terminal(status: &Status, code: u16, description: &str) -> Option<(String, String)> {
    let lower = description.to_ascii_lowercase();
    match status {
        Status::NoMessages { .. } | Status::RequestTimeout { .. } => None,
        Status::Conflict { kind: Conflict::IdleHeartbeatsMissed, .. } => Some((IDLE_HEARTBEAT.into(), lower)),
        Status::Conflict { kind, .. } if !terminal_conflict(*kind) => None,
        _ => Some((cat!(code), lower)),
    }
}

impl LegacyRun {
    /// `idle_heartbeat_ms` is the consumer's (0: none); for a fetch it is the pull's.
    pub fn new(mode: LegacyMode, idle_heartbeat_ms: u64, now_ms: u64) -> Self {
        let deadline = match mode {
            LegacyMode::Fetch { expires_ms, .. } if expires_ms > 0 => Some(now_ms.saturating_add(expires_ms)),
            _ => None,
        };
        let ordered = match &mode {
            LegacyMode::OrderedPush { inbox, name } => Some(OrderedPush {
                inbox: inbox.clone(),
                name: name.clone(),
                consumer: [name, "_0"].concat(),
                ..Default::default()
            }),
            _ => None,
        };
        LegacyRun {
            mode,
            monitor: HeartbeatMonitor::new(idle_heartbeat_ms, now_ms),
            watch_until: None,
            deadline,
            ordered,
            received: 0,
            bytes: 0,
            connected: true,
            ended: false,
            ops: VecDeque::new(),
        }
    }

    fn event(&mut self, kind: &'static str, name: String, data: String) {
        self.ops.push_back(HookOp::Event { kind, name, data, body: Vec::new(), number: 0 });
    }

    fn debug(&mut self, data: String) {
        self.event(super::run::event::STATUS, super::run::status_type::DEBUG.into(), data);
    }

    fn end(&mut self, err: Option<(String, String)>) {
        if !self.ended {
            self.ended = true;
            self.ops.push_back(HookOp::End(err));
        }
    }

    /// An error for the subscription, or the end of a fetch.
    fn fail(&mut self, err: (String, String)) {
        if matches!(self.mode, LegacyMode::Fetch { .. }) {
            self.end(Some(err));
        } else {
            self.event(event::ERROR, err.0, err.1);
        }
    }

    /// Ordered push: listen on a fresh subject and ask for a consumer delivering there from the
    /// stream sequence after the last delivered message.
    fn reset(&mut self, now_ms: u64) {
        let Some(o) = self.ordered.as_mut() else { return };
        if o.resetting.is_some() {
            return;
        }
        o.resets += 1;
        let subject = cat!(o.inbox, ".", o.resets);
        let start = o.stream_seq.saturating_add(1);
        o.delivery_seq = 0;
        o.consumer = cat!(o.name, "_", o.resets);
        o.resetting = Some((subject.clone(), start));
        let consumer = o.consumer.clone();
        self.ops.push_back(HookOp::Resubscribe { subject: subject.clone() });
        self.reset_event(subject, start, consumer);
        // The new consumer gets a whole monitor period before it can be judged silent.
        self.monitor.restart(now_ms);
    }

    fn reset_event(&mut self, subject: String, start: u64, consumer: String) {
        let op = HookOp::Event {
            kind: event::RESET,
            name: subject,
            data: cat!(start),
            body: consumer.into_bytes(),
            number: 0,
        };
        self.ops.push_back(op);
    }

    fn on_status(&mut self, m: &HookMsg<'_>, now_ms: u64) {
        let block = m.headers.unwrap_or(b"");
        let reply = m.reply.and_then(|r| std::str::from_utf8(r).ok()).unwrap_or("");
        let h = match Headers::decode(block) {
            Ok(h) => h,
            Err(e) => return self.debug(cat!(m.status, " unreadable status headers: ", e.name())),
        };
        let status = match status::classify(h.code, &h.description, reply, |k| h.get(k)) {
            Ok(s) => s,
            Err(e @ StatusError::BadHeader { .. }) => {
                self.debug(cat!(h.code, " ", e));
                // The code still says what happened (a no_wait fetch has no timer to end it, a
                // deleted consumer must be reported): classify without the unreadable numbers.
                let readable = |k: &str| h.get(k).filter(|_| !NUMERIC_HEADERS.contains(&k));
                match status::classify(h.code, &h.description, reply, readable) {
                    Ok(s) => s,
                    Err(_) => return,
                }
            }
            Err(e) => return self.debug(cat!(h.code, " ", e)),
        };
        match status {
            Status::Heartbeat { last_consumer, stalled, .. } => {
                if let Some(subject) = stalled {
                    self.ops.push_back(HookOp::Publish { subject, body: Vec::new() });
                }
                let lost = self.ordered.as_ref().is_some_and(|o| {
                    o.resetting.is_none() && last_consumer.is_some_and(|n| n != o.delivery_seq)
                });
                if lost {
                    self.reset(now_ms);
                }
            }
            Status::FlowControl { reply: Some(reply) } => {
                self.event(event::FLOW_CONTROL, String::new(), reply)
            }
            Status::FlowControl { reply: None } => {}
            other => match terminal(&other, h.code, &h.description) {
                Some(err) => self.fail(err),
                None if matches!(self.mode, LegacyMode::Fetch { .. }) => self.end(None),
                None => self.debug(cat!(h.code, " ", h.description.to_ascii_lowercase())),
            },
        }
    }

    /// Ordered push: whether a message continues the sequence (a gap resets).
    fn ordered_fate(&mut self, m: &HookMsg<'_>, now_ms: u64) -> Fate {
        let Some(o) = self.ordered.as_mut() else { return Fate::Deliver };
        let reply = m.reply.and_then(|r| std::str::from_utf8(r).ok()).unwrap_or("");
        let (dseq, sseq, pending) = match parse_ack_subject(reply) {
            Ok(info) if info.consumer != o.consumer => return Fate::Drop, // an earlier consumer's
            Ok(info) => (info.delivery_seq, info.stream_seq, info.pending),
            Err(e) => {
                self.debug(cat!("dropped a message: ", e));
                return Fate::Drop;
            }
        };
        // the new consumer delivers: it exists, whatever its creation's answer will say
        o.resetting = None;
        o.retry_at = None;
        if Some(dseq) != o.delivery_seq.checked_add(1) {
            self.reset(now_ms);
            return Fate::Drop;
        }
        o.delivery_seq = dseq;
        o.stream_seq = sseq;
        if pending == 0 && !o.caught_up {
            o.caught_up = true;
            self.event(event::CAUGHT_UP, String::new(), String::new());
        }
        Fate::Deliver
    }

    /// A fetch delivered a message: is it the last?
    fn fetch_after(&mut self, m: &HookMsg<'_>) {
        let LegacyMode::Fetch { batch, max_bytes, expires_ms } = self.mode else { return };
        self.received += 1;
        self.bytes = self.bytes.saturating_add(m.payload.len() as u64);
        let reply = m.reply.and_then(|r| std::str::from_utf8(r).ok()).unwrap_or("");
        // Without a timer (no_wait) the server's pending count says when nothing more will come.
        let drained = expires_ms == 0 && parse_ack_subject(reply).is_ok_and(|i| i.pending == 0);
        if self.received >= batch || (max_bytes > 0 && self.bytes >= max_bytes) || drained {
            self.end(None);
        }
    }
}

impl SubHook for LegacyRun {
    fn on_message(&mut self, m: &HookMsg<'_>, now_ms: u64) -> Fate {
        if self.ended {
            return Fate::Drop;
        }
        self.monitor.work(now_ms);
        if m.status != 0 {
            self.on_status(m, now_ms);
            return Fate::Drop;
        }
        if self.ordered_fate(m, now_ms) == Fate::Drop {
            return Fate::Drop;
        }
        self.fetch_after(m);
        Fate::Deliver
    }

    fn on_input(&mut self, code: u32, data: &str, now_ms: u64, random: u64) {
        if self.ended {
            return;
        }
        if code == input::WATCH {
            let mut parts = data.split(':').map(|p| p.parse::<u64>().unwrap_or(0));
            let (hb, expires) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
            self.monitor = HeartbeatMonitor::new(hb, now_ms);
            self.watch_until = (expires > 0).then(|| now_ms.saturating_add(expires));
            return;
        }
        let retry_base = self.monitor_interval();
        let Some(o) = self.ordered.as_mut() else { return };
        if o.resetting.is_none() {
            return;
        }
        if code == input::OK {
            o.resetting = None;
            o.retry_at = None;
            self.monitor.restart(now_ms);
            return;
        }
        // The stream or JetStream may be coming back (a restart): try again, spread out.
        o.retry_at = Some(now_ms.saturating_add(jitter_ms(retry_base, random)));
        let data = cat!("unable to recreate ordered consumer: ", data);
        self.debug(data);
    }

    fn on_disconnect(&mut self, _now_ms: u64) {
        self.connected = false;
        self.monitor.cancel();
    }

    fn on_reconnect(&mut self, now_ms: u64) {
        self.connected = true;
        self.monitor.restart(now_ms);
    }

    fn poll_timeout(&self) -> Option<u64> {
        if self.ended {
            return None;
        }
        let retry = self.ordered.as_ref().and_then(|o| o.retry_at);
        [self.monitor.poll_timeout(), self.watch_until, self.deadline, retry].into_iter().flatten().min()
    }

    fn handle_timeout(&mut self, now_ms: u64, _random: u64) {
        if self.ended {
            return;
        }
        if self.deadline.is_some_and(|d| now_ms >= d) {
            self.end(None);
            return;
        }
        if self.watch_until.is_some_and(|u| now_ms >= u) {
            self.watch_until = None;
            self.monitor.cancel();
        }
        if let Some(o) = self.ordered.as_mut()
            && o.retry_at.is_some_and(|at| now_ms >= at)
        {
            o.retry_at = None;
            if let Some((subject, start)) = o.resetting.clone() {
                let consumer = o.consumer.clone();
                self.reset_event(subject, start, consumer);
            }
        }
        if let Some(missed) = self.monitor.handle_timeout(now_ms) {
            if self.ordered.is_some() {
                if self.connected {
                    self.reset(now_ms);
                }
            } else {
                self.fail((IDLE_HEARTBEAT.into(), cat!("idle heartbeats missed: ", missed)));
            }
        }
    }

    fn poll_op(&mut self) -> Option<HookOp> {
        self.ops.pop_front()
    }
}

impl LegacyRun {
    /// The base of the ordered reset retry wait: the heartbeat interval, else 5 s (nats.deno's
    /// default ordered push heartbeat).
    fn monitor_interval(&self) -> u64 {
        const DEFAULT_MS: u64 = 5_000;
        let ms = self.monitor.interval_ms();
        if ms == 0 { DEFAULT_MS } else { ms }
    }
}

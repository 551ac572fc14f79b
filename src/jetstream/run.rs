//! `ConsumerRun`: one `consume()`, `fetch()` or `next()` of a pull consumer, plain or ordered, as
//! a hook on the subscription of its inbox (`client::SubHook`, docs/jetstream.md "Consumer runs").
//! It feeds the inbox's messages and statuses to the pull machine (`pull.rs`), sequences an ordered
//! consumer (`ordered.rs`) and turns their actions into hook ops: statuses and heartbeats never
//! reach the application, the heartbeat and fetch deadlines live on the engine's timer, and what
//! needs the JetStream API (a consumer check, creating the next ordered consumer) goes out as an
//! event the shim answers with `on_input`.
//!
//! Must not: parse API JSON (the shim answers with an `input` code), publish pulls itself (they are
//! events, queued behind the messages before them, so pulls follow the user's pace), or read a
//! clock or draw random numbers (the engine passes both).

use std::collections::VecDeque;

use super::ack::parse_ack_subject;
use super::ordered::{ConsumerSpec, OrderedConsumer, Retry, Verdict};
use super::pull::{Action, Check, Event, PullConsumer, StopError, message_size};
use super::pull_options::{Mode, Settings};
use crate::client::{Fate, HookMsg, HookOp, SubHook};
use crate::error::ErrorCode;
use crate::proto::Headers;
use crate::text::cat;

/// Event kinds (field 0 of a SUB_EVENT record); docs/jetstream.md "Consumer runs" gives fields.
pub mod event {
    /// Publish body (f3) to subject (f2) with the inbox as reply, when the iterator reaches it.
    pub const PULL: &str = "pull";
    /// A consumer status for `status()`: f1 its type, f2 its data as text.
    pub const STATUS: &str = "status";
    /// Ask `CONSUMER.INFO` of consumer f1 and answer with an `input` code.
    pub const CHECK: &str = "check";
    /// Create ordered consumer f1 with config JSON f3 (best-effort delete f2, the previous one)
    /// and answer with an `input` code.
    pub const CREATE: &str = "create";
}

/// The shim's answers (`hook_input` codes) to CHECK and CREATE.
pub mod input {
    /// The consumer exists (CHECK) or was created (CREATE).
    pub const OK: u32 = 0;
    pub const STREAM_NOT_FOUND: u32 = 1;
    pub const CONSUMER_NOT_FOUND: u32 = 2;
    /// Anything else: a timeout, no responders, another API error.
    pub const FAILED: u32 = 3;
}

/// Status types of `status()` (nats.deno `ConsumerEvents` / `ConsumerDebugEvents`).
pub(super) mod status_type {
    pub const HEARTBEATS_MISSED: &str = "heartbeats_missed";
    pub const CONSUMER_NOT_FOUND: &str = "consumer_not_found";
    pub const STREAM_NOT_FOUND: &str = "stream_not_found";
    pub const CONSUMER_DELETED: &str = "consumer_deleted";
    pub const NO_RESPONDERS: &str = "no_responders";
    pub const RECREATED: &str = "ordered_consumer_recreated";
    pub const DISCARD: &str = "discard";
    pub const DEBUG: &str = "debug";
    pub const RESET: &str = "reset";
}

/// The ordered consumer's side of a run.
struct Ordered {
    oc: OrderedConsumer,
    /// The consumer being created (a CREATE is out, or waits for `retry_at`).
    creating: Option<ConsumerSpec>,
    retry_at: Option<u64>,
}

/// One pull consumer run on one inbox subscription.
pub struct ConsumerRun {
    settings: Settings,
    mode: Mode,
    /// `<api prefix>.CONSUMER.MSG.NEXT.<stream>`; pulls go to `<this>.<consumer>`.
    next_prefix: String,
    /// The consumer pulled from ("" while the first ordered consumer is being created).
    consumer: String,
    /// None only while an ordered consumer is being (re)created.
    pull: Option<PullConsumer>,
    ordered: Option<Ordered>,
    ops: VecDeque<HookOp>,
    ended: bool,
}

impl ConsumerRun {
    /// A run of the existing consumer `consumer`: its first pull is queued at once.
    pub fn new(settings: Settings, mode: Mode, next_prefix: String, consumer: String, now_ms: u64) -> Self {
        let mut run = ConsumerRun {
            settings,
            mode,
            next_prefix,
            consumer,
            pull: Some(PullConsumer::new(settings, mode, now_ms)),
            ordered: None,
            ops: VecDeque::new(),
            ended: false,
        };
        run.drain_pull();
        run
    }

    /// An ordered run: asks for its first consumer to be created, then pulls from each consumer
    /// of the chain in turn.
    pub fn ordered(settings: Settings, mode: Mode, next_prefix: String, oc: OrderedConsumer) -> Self {
        let mut run = ConsumerRun {
            settings,
            mode,
            next_prefix,
            consumer: String::new(),
            pull: None,
            ordered: Some(Ordered { oc, creating: None, retry_at: None }),
            ops: VecDeque::new(),
            ended: false,
        };
        run.recreate();
        run
    }

    fn gives_up(&self) -> bool {
        self.mode == Mode::Fetch || self.settings.abort_on_missing_resource
    }

    fn event(&mut self, kind: &'static str, name: &str, data: String, body: Vec<u8>) {
        self.ops.push_back(HookOp::Event { kind, name: name.to_owned(), data, body, number: 0 });
    }

    fn status(&mut self, ty: &'static str, data: String) {
        self.event(event::STATUS, ty, data, Vec::new());
    }

    fn end(&mut self, err: Option<(String, String)>) {
        if self.ended {
            return;
        }
        self.ended = true;
        self.pull = None;
        self.ops.push_back(HookOp::End(err));
    }

    /// Turns the pull machine's actions into ops.
    fn drain_pull(&mut self) {
        let mut lost = false;
        while let Some(action) = self.pull.as_mut().and_then(PullConsumer::poll_action) {
            match action {
                Action::Pull { body, .. } => {
                    let subject = [&self.next_prefix, ".", &self.consumer].concat();
                    self.event(event::PULL, "", subject, body.into_bytes());
                }
                // The message's fate already said so.
                Action::Deliver => {}
                Action::Event(e) => self.report(e),
                Action::CheckConsumer => {
                    let consumer = self.consumer.clone();
                    self.event(event::CHECK, &consumer, String::new(), Vec::new());
                }
                // Recreated once the machine's actions are out: recreating drops the machine, and
                // a Stop after this (a fetch, an aborting consume) must end the run instead.
                Action::ConsumerLost => lost = true,
                Action::Stop(err) => self.end(err.map(stop_error)),
            }
        }
        if lost && !self.ended {
            self.recreate();
        }
    }

    fn report(&mut self, e: Event) {
        let (ty, data) = match e {
            Event::HeartbeatsMissed(n) => (status_type::HEARTBEATS_MISSED, cat!(n)),
            Event::ConsumerNotFound(n) => (status_type::CONSUMER_NOT_FOUND, cat!(n)),
            Event::StreamNotFound(n) => (status_type::STREAM_NOT_FOUND, cat!(n)),
            Event::ConsumerDeleted => (status_type::CONSUMER_DELETED, "409 consumer deleted".to_owned()),
            Event::NoResponders => (status_type::NO_RESPONDERS, "503 no responders".to_owned()),
            Event::Discard { messages, bytes } => {
                (status_type::DISCARD, cat!("{\"msgsLeft\":", messages, ",\"bytesLeft\":", bytes, "}"))
            }
            Event::Debug { code, description } => (status_type::DEBUG, cat!(code, " ", description)),
            Event::Invalid { code, error } => (status_type::DEBUG, cat!(code, " ", error)),
        };
        self.status(ty, data);
    }

    /// Ordered: abandon the current consumer and ask for the next of the chain. A fetch ends
    /// instead (docs/jetstream.md "Ordered consumer").
    fn recreate(&mut self) {
        let Some(ordered) = self.ordered.as_mut() else { return };
        if ordered.creating.is_some() {
            return;
        }
        let first = ordered.oc.serial() == 0;
        if !first && self.mode == Mode::Fetch {
            self.end(None);
            return;
        }
        let spec = ordered.oc.next_consumer();
        ordered.creating = Some(spec.clone());
        self.pull = None;
        if !first {
            self.status(status_type::RESET, spec.name.clone());
        }
        let old = std::mem::take(&mut self.consumer);
        self.event(event::CREATE, &spec.name, old, spec.config.into_bytes());
    }

    fn on_created(&mut self, code: u32, data: &str, now_ms: u64, random: u64) {
        let gives_up = self.gives_up();
        let expires = self.settings.expires_ms;
        let Some(ordered) = self.ordered.as_mut() else { return };
        let Some(spec) = ordered.creating.clone() else { return };
        if code == input::OK {
            ordered.creating = None;
            self.consumer = spec.name.clone();
            let pull = PullConsumer::new(self.settings, self.mode, now_ms).for_ordered();
            self.pull = Some(pull);
            if spec.serial > 1 {
                self.status(status_type::RECREATED, spec.name);
            }
            self.drain_pull();
            return;
        }
        let missing = code == input::STREAM_NOT_FOUND;
        let (attempt, retry) = ordered.oc.create_failed(missing, gives_up, expires, now_ms, random);
        match retry {
            Retry::At(at) => ordered.retry_at = Some(at),
            Retry::GiveUp => ordered.retry_at = None,
        }
        if let Some(attempt) = attempt {
            self.status(status_type::STREAM_NOT_FOUND, cat!(attempt));
        }
        if retry == Retry::GiveUp {
            let code = if missing { "404" } else { ErrorCode::ApiError.as_str() };
            let message = if data.is_empty() { "unable to create ordered consumer" } else { data };
            self.end(Some((code.to_owned(), message.to_owned())));
        }
    }

    /// A status message on the inbox.
    fn on_status(&mut self, m: &HookMsg<'_>, now_ms: u64) {
        let Some(pull) = self.pull.as_mut() else { return };
        let block = m.headers.unwrap_or(b"");
        let reply = m.reply.and_then(|r| std::str::from_utf8(r).ok()).unwrap_or("");
        match Headers::decode(block) {
            Ok(h) => pull.on_status(h.code, &h.description, reply, |key| h.get(key), now_ms),
            Err(e) => {
                // Unreadable headers say nothing about pending counts: report, change nothing.
                let data = cat!(m.status, " unreadable status headers: ", e.name());
                self.status(status_type::DEBUG, data);
            }
        }
    }

    /// Ordered: whether the message continues the sequence; a gap starts a new consumer.
    fn ordered_verdict(&mut self, m: &HookMsg<'_>) -> Verdict {
        let Some(ordered) = self.ordered.as_mut() else { return Verdict::Deliver };
        let reply = m.reply.and_then(|r| std::str::from_utf8(r).ok()).unwrap_or("");
        let info = match parse_ack_subject(reply) {
            Ok(info) => info,
            Err(e) => {
                // No sequence to check it against: it cannot be delivered in order.
                self.status(status_type::DEBUG, cat!("dropped a message: ", e));
                return Verdict::Stale;
            }
        };
        if info.consumer != self.consumer || ordered.creating.is_some() {
            return Verdict::Stale; // from an earlier consumer of the chain
        }
        ordered.oc.on_message(ordered.oc.serial(), info.delivery_seq, info.stream_seq)
    }
}

/// The SUB_END `(code, message)` of a stop: a status ends with its code (nats.deno's
/// `NatsError(description, "<code>")`), a failed check with the API's 404.
fn stop_error(err: StopError) -> (String, String) {
    match err {
        StopError::Status { code, description } => (cat!(code), description),
        StopError::Missing(Check::StreamNotFound) => ("404".to_owned(), "stream not found".to_owned()),
        StopError::Missing(_) => ("404".to_owned(), "consumer not found".to_owned()),
    }
}

impl SubHook for ConsumerRun {
    fn on_message(&mut self, m: &HookMsg<'_>, now_ms: u64) -> Fate {
        if self.ended {
            return Fate::Drop;
        }
        if m.status != 0 {
            self.on_status(m, now_ms);
            self.drain_pull();
            return Fate::Drop;
        }
        match self.ordered_verdict(m) {
            Verdict::Deliver => {}
            Verdict::Stale => return Fate::Drop,
            Verdict::Gap => {
                self.recreate();
                return Fate::Drop;
            }
        }
        let Some(pull) = self.pull.as_mut() else { return Fate::Drop };
        let size = message_size(
            m.subject.len(),
            m.reply.map_or(0, <[u8]>::len),
            m.headers.map_or(0, <[u8]>::len),
            m.payload.len(),
        );
        pull.on_message(size, now_ms);
        self.drain_pull();
        Fate::Deliver
    }

    fn on_input(&mut self, code: u32, data: &str, now_ms: u64, random: u64) {
        if self.ended {
            return;
        }
        if self.ordered.as_ref().is_some_and(|o| o.creating.is_some()) {
            self.on_created(code, data, now_ms, random);
            return;
        }
        let answer = match code {
            input::OK => Check::Found,
            input::STREAM_NOT_FOUND => Check::StreamNotFound,
            input::CONSUMER_NOT_FOUND => Check::ConsumerNotFound,
            _ => Check::Failed,
        };
        if let Some(pull) = self.pull.as_mut() {
            pull.consumer_checked(answer, now_ms, random);
        }
        self.drain_pull();
    }

    fn on_disconnect(&mut self, _now_ms: u64) {
        if let Some(pull) = self.pull.as_mut() {
            pull.on_disconnect();
        }
    }

    fn on_reconnect(&mut self, now_ms: u64) {
        if let Some(pull) = self.pull.as_mut() {
            pull.on_reconnect(now_ms);
        }
        self.drain_pull();
    }

    fn poll_timeout(&self) -> Option<u64> {
        if self.ended {
            return None;
        }
        let retry = self.ordered.as_ref().and_then(|o| o.retry_at);
        [self.pull.as_ref().and_then(PullConsumer::poll_timeout), retry].into_iter().flatten().min()
    }

    fn handle_timeout(&mut self, now_ms: u64, _random: u64) {
        if self.ended {
            return;
        }
        if let Some(ordered) = self.ordered.as_mut()
            && ordered.retry_at.is_some_and(|at| now_ms >= at)
        {
            ordered.retry_at = None;
            if let Some(spec) = ordered.creating.clone() {
                let old = self.consumer.clone();
                self.event(event::CREATE, &spec.name, old, spec.config.into_bytes());
            }
        }
        if let Some(pull) = self.pull.as_mut() {
            pull.handle_timeout(now_ms);
        }
        self.drain_pull();
    }

    fn poll_op(&mut self) -> Option<HookOp> {
        self.ops.pop_front()
    }
}

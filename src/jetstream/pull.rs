//! The accounting machine behind `consume()`, `fetch()` and `next()` of a pull consumer
//! (docs/jetstream.md "Pull consumer"): which pull requests to send and when, what pending
//! messages/bytes the server still owes, what each status means, when the heartbeat monitor and
//! the consumer checks run, and when the whole thing stops.
//!
//! Sans-IO: inputs are the inbox's messages (as a size) and statuses, connection events, answers
//! to the consumer checks it asks for, and the time (`now_ms`). Outputs are `Action`s, in the order
//! the iterator must see them. Must not: publish, subscribe, read a clock, draw random numbers,
//! or parse JSON (the consumer check's request and answer stay with the caller).

use std::collections::VecDeque;

use super::NANOS_PER_MS;
use super::backoff::jitter_ms;
use super::heartbeat::HeartbeatMonitor;
pub use super::pull_options::{Mode, OptionError, PullOptions, Settings};
use super::status::{self, Conflict, Status, StatusError};
use crate::proto::json::ObjectWriter;

/// The size the server charges a message against a pull's max_bytes (ADR-37): subject, reply,
/// header block and payload lengths.
pub fn message_size(subject: usize, reply: usize, headers: usize, payload: usize) -> u64 {
    [subject, reply, headers, payload].iter().map(|&n| n as u64).fold(0, u64::saturating_add)
}

/// What the server still owes on the pull requests sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Owed {
    pub messages: u64,
    pub bytes: u64,
    pub requests: u64,
}

/// nats.deno `ConsumerEvents` and `ConsumerDebugEvents`, with their data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `heartbeats_missed`: this many in a row (2 or more).
    HeartbeatsMissed(u64),
    /// `consumer_not_found`: consecutive failed checks.
    ConsumerNotFound(u64),
    /// `stream_not_found`: consecutive failed checks.
    StreamNotFound(u64),
    /// `consumer_deleted` (409 "Consumer Deleted"); data `"409 consumer deleted"`.
    ConsumerDeleted,
    /// `no_responders` (503); data `"503 No Responders"`.
    NoResponders,
    /// debug `discard`: a status gave back what a pull request left unfilled.
    Discard { messages: u64, bytes: u64 },
    /// debug `debug`: a status that changes nothing; data `"<code> <description lower-case>"`.
    Debug { code: u16, description: String },
    /// A status whose headers could not be read (no nats.deno equivalent: it would read NaN as 0).
    Invalid { code: u16, error: StatusError },
}

/// The answer to a `CheckConsumer` (a `CONSUMER.INFO` request made by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// The consumer exists.
    Found,
    /// The API said "stream not found".
    StreamNotFound,
    /// The API said "consumer not found".
    ConsumerNotFound,
    /// Anything else (timeout, no responders...): try again later.
    Failed,
}

/// Why the machine stopped with an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopError {
    /// A status ended it: nats.deno's `NatsError(description, "<code>")`, description lower-case.
    Status { code: u16, description: String },
    /// A consumer check found the stream or the consumer missing (the caller has the API error).
    Missing(Check),
}

/// What the caller must do, in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Publish `body` to `<prefix>.CONSUMER.MSG.NEXT.<stream>.<consumer>` with the inbox as reply,
    /// when the iterator reaches this point (it is queued behind the messages before it, so pulls
    /// go out only as the user drains: backpressure). Then emit the debug `next` event.
    Pull {
        body: String,
        batch: u64,
        max_bytes: u64,
    },
    /// Hand the message just given to `on_message` to the user here.
    Deliver,
    Event(Event),
    /// Request `CONSUMER.INFO` and answer with `consumer_checked`.
    CheckConsumer,
    /// The consumer is gone and this machine serves an ordered consumer: recreate it
    /// (nats.deno's `resetHandler`).
    ConsumerLost,
    /// Finished: unsubscribe the inbox and end the iterator (with the error, if any). Last action.
    Stop(Option<StopError>),
}

/// Where the consumer check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CheckState {
    Idle,
    /// A `CheckConsumer` is out. `restart_monitor`: the check follows a reconnect, so the monitor
    /// resumes when it succeeds.
    InFlight {
        counts: MissCounts,
        restart_monitor: bool,
    },
    /// Waiting until `until` ms before the next check.
    BackingOff {
        until: u64,
        counts: MissCounts,
        restart_monitor: bool,
    },
}

/// Consecutive "not found" answers in one recovery (they become the events' counts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct MissCounts {
    consumer: u64,
    stream: u64,
}

/// One consume/fetch/next run.
#[derive(Debug)]
pub struct PullConsumer {
    settings: Settings,
    mode: Mode,
    owed: Owed,
    monitor: HeartbeatMonitor,
    check: CheckState,
    fetch_deadline: Option<u64>,
    for_ordered: bool,
    done: bool,
    actions: VecDeque<Action>,
}

impl PullConsumer {
    /// Starts a run at `now_ms`: queues the first pull and starts the heartbeat monitor (and, for
    /// fetch, the client-side timer).
    pub fn new(settings: Settings, mode: Mode, now_ms: u64) -> Self {
        let fetch_deadline = match mode {
            Mode::Fetch => Some(now_ms.saturating_add(settings.fetch_timer_ms())),
            Mode::Consume => None,
        };
        let mut pull = PullConsumer {
            settings,
            mode,
            owed: Owed::default(),
            monitor: HeartbeatMonitor::new(settings.idle_heartbeat_ms(), now_ms),
            check: CheckState::Idle,
            fetch_deadline,
            for_ordered: false,
            done: false,
            actions: VecDeque::new(),
        };
        pull.pull();
        pull
    }

    /// Marks this run as the engine of an ordered consumer: a missing consumer yields
    /// `ConsumerLost` and no further checks (the ordered consumer recreates it).
    pub fn for_ordered(mut self) -> Self {
        self.for_ordered = true;
        self
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn owed(&self) -> Owed {
        self.owed
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The next action, in order.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// The earliest deadline (ms) at which `handle_timeout` has work, if any.
    pub fn poll_timeout(&self) -> Option<u64> {
        if self.done {
            return None;
        }
        let backoff = match self.check {
            CheckState::BackingOff { until, .. } => Some(until),
            _ => None,
        };
        [self.monitor.poll_timeout(), backoff, self.fetch_deadline].into_iter().flatten().min()
    }

    /// A user message arrived on the inbox; `size` as `message_size` counts it.
    pub fn on_message(&mut self, size: u64, now_ms: u64) {
        if self.done {
            return;
        }
        self.monitor.work(now_ms);
        self.actions.push_back(Action::Deliver);
        self.owed.messages = self.owed.messages.saturating_sub(1);
        self.owed.bytes = self.owed.bytes.saturating_sub(size);
        self.after_input();
    }

    /// A status message arrived on the inbox (code, description, reply subject, header lookup);
    /// docs/jetstream.md "Pull consumer" says what each kind does.
    pub fn on_status<'h>(
        &mut self,
        code: u16,
        description: &str,
        reply: &str,
        lookup: impl Fn(&str) -> Option<&'h str>,
        now_ms: u64,
    ) {
        if self.done {
            return;
        }
        self.monitor.work(now_ms);
        let status = match status::classify(code, description, reply, lookup) {
            // Heartbeats only feed the monitor; they neither end a pull nor trigger one.
            Ok(Status::Heartbeat { .. }) => return,
            Ok(status) => status,
            Err(error) => {
                self.event(Event::Invalid { code, error });
                self.after_input();
                return;
            }
        };
        // nats.deno reports descriptions in lower case, and an empty one as "unknown".
        let lower =
            if description.is_empty() { "unknown".to_owned() } else { description.to_ascii_lowercase() };
        let pending = status.pending();
        if pending.any() {
            // The server ended a pull request and gave back what it did not fill.
            self.owed.messages = self.owed.messages.saturating_sub(pending.messages);
            self.owed.bytes = self.owed.bytes.saturating_sub(pending.bytes);
            self.owed.requests = self.owed.requests.saturating_sub(1);
            self.event(Event::Discard { messages: pending.messages, bytes: pending.bytes });
        } else {
            match status {
                Status::BadRequest => {
                    self.stop_with(Some(StopError::Status { code, description: lower }));
                    return;
                }
                Status::Conflict { kind: Conflict::ConsumerDeleted, .. } => {
                    self.event(Event::ConsumerDeleted);
                    if self.gives_up() {
                        self.stop_with(Some(StopError::Status { code, description: lower }));
                        return;
                    }
                }
                Status::NoResponders => {
                    self.event(Event::NoResponders);
                    // In consume the heartbeat check that follows finds out what is missing.
                    if self.gives_up() {
                        let description = "no responders".to_owned();
                        self.stop_with(Some(StopError::Status { code, description }));
                        return;
                    }
                }
                _ => self.event(Event::Debug { code, description: lower }),
            }
        }
        self.after_input();
    }

    /// The connection dropped: silence is expected, stop counting misses.
    pub fn on_disconnect(&mut self) {
        self.monitor.cancel();
    }

    /// The connection is back: check the consumer (unless bound), then pull again and resume the
    /// heartbeat monitor.
    pub fn on_reconnect(&mut self, now_ms: u64) {
        if !self.done {
            self.reset(now_ms, true);
        }
    }

    /// The answer to the last `CheckConsumer` (docs/jetstream.md "Consumer checks"); `random`
    /// spreads the wait before the next attempt.
    pub fn consumer_checked(&mut self, answer: Check, now_ms: u64, random: u64) {
        let CheckState::InFlight { mut counts, restart_monitor } = self.check else {
            return; // no check asked for (or stopped meanwhile): a stale answer
        };
        if self.done {
            return;
        }
        match answer {
            Check::Found => {
                self.check = CheckState::Idle;
                self.owed = Owed::default();
                self.pull();
                if restart_monitor {
                    self.monitor.restart(now_ms);
                }
                return;
            }
            Check::StreamNotFound => {
                counts.stream += 1;
                self.event(Event::StreamNotFound(counts.stream));
                if self.gives_up() {
                    self.stop_with(Some(StopError::Missing(answer)));
                    return;
                }
            }
            Check::ConsumerNotFound => {
                counts.consumer += 1;
                self.event(Event::ConsumerNotFound(counts.consumer));
                if self.for_ordered {
                    self.actions.push_back(Action::ConsumerLost);
                }
                if self.gives_up() {
                    self.stop_with(Some(StopError::Missing(answer)));
                    return;
                }
                if self.for_ordered {
                    self.check = CheckState::Idle;
                    return;
                }
            }
            Check::Failed => counts = MissCounts::default(),
        }
        let until = now_ms.saturating_add(jitter_ms(self.settings.expires_ms, random));
        self.check = CheckState::BackingOff { until, counts, restart_monitor };
    }

    /// Runs what is due at `now_ms`: heartbeat misses (report, then reset), the next consumer
    /// check after a backoff, the end of a fetch.
    pub fn handle_timeout(&mut self, now_ms: u64) {
        if self.done {
            return;
        }
        if let Some(missed) = self.monitor.handle_timeout(now_ms) {
            self.event(Event::HeartbeatsMissed(missed));
            self.reset(now_ms, false);
        }
        if let CheckState::BackingOff { until, counts, restart_monitor } = self.check
            && now_ms >= until
        {
            self.check = CheckState::InFlight { counts, restart_monitor };
            self.actions.push_back(Action::CheckConsumer);
        }
        if self.fetch_deadline.is_some_and(|deadline| now_ms >= deadline) {
            self.stop_with(None);
        }
    }

    /// The user stopped (or closed) the run.
    pub fn stop(&mut self) {
        self.stop_with(None);
    }

    /// True when a missing resource or a terminal status ends this run rather than being retried.
    fn gives_up(&self) -> bool {
        self.mode == Mode::Fetch || self.settings.abort_on_missing_resource
    }

    /// After a message or a non-heartbeat status: settle the request count, then refill (consume)
    /// or end when every request is answered (fetch).
    fn after_input(&mut self) {
        if self.owed.messages == 0 && self.owed.bytes == 0 {
            self.owed.requests = 0;
        }
        match self.mode {
            Mode::Consume => {
                let s = &self.settings;
                let low_messages = s.max_messages > 0 && self.owed.messages <= s.threshold_messages;
                let low_bytes = s.max_bytes > 0 && self.owed.bytes <= s.threshold_bytes;
                if low_messages || low_bytes {
                    self.pull();
                }
            }
            Mode::Fetch if self.owed.requests == 0 => self.stop_with(None),
            Mode::Fetch => {}
        }
    }

    /// Forget what the server owes and pull afresh: at once when bound, after a consumer check
    /// otherwise. One check at a time: a reset while one is out or backing off joins it.
    fn reset(&mut self, now_ms: u64, restart_monitor: bool) {
        if self.settings.bind {
            self.owed = Owed::default();
            self.pull();
            if restart_monitor {
                self.monitor.restart(now_ms);
            }
            return;
        }
        self.check = match self.check {
            CheckState::Idle => {
                self.actions.push_back(Action::CheckConsumer);
                CheckState::InFlight { counts: MissCounts::default(), restart_monitor }
            }
            CheckState::InFlight { counts, restart_monitor: r } => {
                CheckState::InFlight { counts, restart_monitor: r || restart_monitor }
            }
            CheckState::BackingOff { until, counts, restart_monitor: r } => {
                CheckState::BackingOff { until, counts, restart_monitor: r || restart_monitor }
            }
        };
    }

    /// Queues a pull that fills the buffer back to the limits. A pull for nothing (the buffer is
    /// already full) is never sent.
    fn pull(&mut self) {
        let batch = self.settings.max_messages.saturating_sub(self.owed.messages);
        let max_bytes = self.settings.max_bytes.saturating_sub(self.owed.bytes);
        if batch == 0 {
            return;
        }
        self.owed.messages = self.owed.messages.saturating_add(batch);
        self.owed.bytes = self.owed.bytes.saturating_add(max_bytes);
        self.owed.requests += 1;
        let body = ObjectWriter::default()
            .int("batch", batch)
            .int("max_bytes", max_bytes)
            .int("idle_heartbeat", self.settings.idle_heartbeat_ns)
            .int("expires", self.settings.expires_ms * NANOS_PER_MS)
            .finish();
        self.actions.push_back(Action::Pull { body, batch, max_bytes });
    }

    fn event(&mut self, event: Event) {
        self.actions.push_back(Action::Event(event));
    }

    fn stop_with(&mut self, error: Option<StopError>) {
        if self.done {
            return;
        }
        self.done = true;
        self.check = CheckState::Idle;
        self.monitor.cancel();
        self.fetch_deadline = None;
        self.actions.push_back(Action::Stop(error));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_size_sums_and_saturates() {
        assert_eq!(message_size(3, 40, 0, 5), 48);
        let huge = (usize::MAX as u64).saturating_mul(2).saturating_add(2);
        assert_eq!(message_size(usize::MAX, usize::MAX, 1, 1), huge, "never wraps");
    }
}

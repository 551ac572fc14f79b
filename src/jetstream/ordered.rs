//! The ordered consumer's bookkeeping (ADR-17; docs/jetstream.md "Ordered consumer"): it delivers
//! a stream's messages in order, exactly once, through a chain of short-lived ephemeral consumers.
//! It tracks the delivery and stream sequences, spots a gap, names each consumer of the chain
//! `<prefix>_<serial>`, ignores messages of earlier serials, writes the config of the next consumer
//! as JSON (by hand, see `proto::json`), and paces the attempts to create it.
//!
//! Must not: send the create/delete requests, parse their answers, read a clock or draw random
//! numbers (the caller passes `now_ms` and a random u64), or panic on any sequence.

use super::NANOS_PER_MS;
use super::backoff::jitter_ms;
use crate::proto::json::ObjectWriter;
use crate::text::{Piece, cat};

/// How long the server keeps an ordered consumer nobody pulls from, ms, unless the user says:
/// long enough to ride out a reconnect, short enough that abandoned ones vanish (nats.deno: 5 min).
pub const DEFAULT_INACTIVE_THRESHOLD_MS: u64 = 5 * 60 * 1000;

/// Failed attempts to create the *first* consumer before giving up (nats.deno `maxInitialReset`):
/// a consumer that never existed is likely a configuration error, not an outage. Recreations
/// retry for ever.
pub const MAX_INITIAL_FAILURES: u64 = 30;

/// ms to wait between create attempts when the run has no expires of its own (nats.deno).
pub const DEFAULT_RETRY_BASE_MS: u64 = 30_000;

/// Characters a consumer name may not hold (a subject token separator or wildcard, a path
/// separator, whitespace), as nats.deno's `minValidation` checks a `name_prefix`.
const BAD_NAME_CHARS: &[char] = &['.', '*', '>', '/', '\\', ' ', '\t', '\n', '\r'];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliverPolicy {
    All,
    Last,
    New,
    ByStartSequence,
    ByStartTime,
    LastPerSubject,
}

impl DeliverPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliverPolicy::All => "all",
            DeliverPolicy::Last => "last",
            DeliverPolicy::New => "new",
            DeliverPolicy::ByStartSequence => "by_start_sequence",
            DeliverPolicy::ByStartTime => "by_start_time",
            DeliverPolicy::LastPerSubject => "last_per_subject",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayPolicy {
    Instant,
    Original,
}

impl ReplayPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            ReplayPolicy::Instant => "instant",
            ReplayPolicy::Original => "original",
        }
    }
}

/// nats.deno `filterSubjects`: a string becomes `filter_subject`, an array `filter_subjects`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Filter {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

/// nats.deno `OrderedConsumerOptions`; times in ms, 0/None = not set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderedOptions {
    pub name_prefix: Option<String>,
    pub filter: Filter,
    pub deliver_policy: Option<DeliverPolicy>,
    pub opt_start_seq: u64,
    /// RFC 3339 text, passed through.
    pub opt_start_time: Option<String>,
    pub replay_policy: Option<ReplayPolicy>,
    pub inactive_threshold_ms: u64,
    pub headers_only: bool,
}

/// A `name_prefix` nats.deno would refuse ("name_prefix name required", "... cannot contain 'c'").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameError {
    Empty,
    BadChar(char),
}

impl Piece for NameError {
    fn push_to(&self, out: &mut String) {
        match self {
            NameError::Empty => out.push_str("name_prefix name required"),
            NameError::BadChar(c) => {
                out.push_str("invalid name_prefix name - name_prefix name cannot contain '");
                // As `char::escape_default` writes each of BAD_NAME_CHARS; its iterator would
                // cost ~0.5 KB of .wasm for the four that need escaping.
                match c {
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\\' => out.push_str("\\\\"),
                    c => out.push(*c),
                }
                out.push('\'');
            }
        }
    }
}

crate::text::display_as_piece!(NameError);

impl std::error::Error for NameError {}

/// What to do with a message of the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// In order: hand it to the user.
    Deliver,
    /// From a consumer the chain already replaced: drop it silently.
    Stale,
    /// A delivery sequence was skipped: drop it, emit the `reset` debug event and recreate the
    /// consumer (`next_consumer`) at the stream sequence after the last delivered message.
    Gap,
}

/// The consumer to create next (`CONSUMER.CREATE`, config as JSON text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerSpec {
    pub name: String,
    pub serial: u64,
    /// The `config` object of the create request.
    pub config: String,
}

/// After a create attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Try the same spec again at this time (ms).
    At(u64),
    /// Stop the ordered consumer with the create error.
    GiveUp,
}

/// One ordered consumer's state across its chain of server consumers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedConsumer {
    opts: OrderedOptions,
    /// user prefix + nuid; each consumer is `<base>_<serial>`.
    base_name: String,
    /// Serial of the current consumer; 0 before the first.
    serial: u64,
    /// Delivery sequence of the last message delivered by the current consumer (it restarts at 1
    /// with each consumer).
    delivery_seq: u64,
    /// Stream sequence of the last message delivered (or the one before the requested start).
    stream_seq: u64,
    /// True once any message was delivered: until then the user's start policy still applies.
    delivered_any: bool,
    /// Failed create attempts for the current spec.
    failures: u64,
}

impl OrderedConsumer {
    /// `nuid` is a fresh random token (the driver's entropy) that makes the names unique.
    pub fn new(opts: OrderedOptions, nuid: &str) -> Result<Self, NameError> {
        let prefix = opts.name_prefix.as_deref();
        if let Some(prefix) = prefix {
            if prefix.is_empty() {
                return Err(NameError::Empty);
            }
            if let Some(c) = prefix.chars().find(|c| BAD_NAME_CHARS.contains(c)) {
                return Err(NameError::BadChar(c));
            }
        }
        let base_name = [prefix.unwrap_or(""), nuid].concat();
        // Start so that "the next stream sequence" is the requested one (or 1).
        let stream_seq = opts.opt_start_seq.saturating_sub(1);
        Ok(OrderedConsumer {
            opts,
            base_name,
            serial: 0,
            delivery_seq: 0,
            stream_seq,
            delivered_any: false,
            failures: 0,
        })
    }

    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// Stream sequence of the last delivered message.
    pub fn stream_seq(&self) -> u64 {
        self.stream_seq
    }

    pub fn delivery_seq(&self) -> u64 {
        self.delivery_seq
    }

    /// Judges a message delivered by the consumer of `serial`, with the sequences of its ack
    /// subject (`ack::parse_ack_subject`).
    pub fn on_message(&mut self, serial: u64, delivery_seq: u64, stream_seq: u64) -> Verdict {
        if serial != self.serial || self.serial == 0 {
            return Verdict::Stale;
        }
        if Some(delivery_seq) != self.delivery_seq.checked_add(1) {
            return Verdict::Gap;
        }
        self.delivery_seq = delivery_seq;
        self.stream_seq = stream_seq;
        self.delivered_any = true;
        Verdict::Deliver
    }

    /// Moves the chain to a new consumer starting after the last delivered stream sequence: a new
    /// serial (so messages of the old one become `Stale`), delivery sequence back to 0, and its
    /// config. Call it for the first consumer, after a `Gap`, and when the consumer was lost.
    pub fn next_consumer(&mut self) -> ConsumerSpec {
        self.serial += 1;
        self.delivery_seq = 0;
        self.failures = 0;
        let name = cat!(self.base_name, "_", self.serial);
        let config = self.config(&name);
        ConsumerSpec { name, serial: self.serial, config }
    }

    /// A create attempt failed. `stream_missing`: the API said "stream not found"; `gives_up`: the
    /// run is a fetch or has `abort_on_missing_resource`. `retry_base_ms` is the run's expires (or
    /// `DEFAULT_RETRY_BASE_MS`). Returns the `stream_not_found` event count to emit, if any, and
    /// what to do.
    pub fn create_failed(
        &mut self,
        stream_missing: bool,
        gives_up: bool,
        retry_base_ms: u64,
        now_ms: u64,
        random: u64,
    ) -> (Option<u64>, Retry) {
        let attempt = self.failures;
        self.failures += 1;
        // nats.deno reports the 0-based attempt index as the event's count.
        let event = stream_missing.then_some(attempt);
        if stream_missing && gives_up {
            return (event, Retry::GiveUp);
        }
        if self.serial == 1 && !self.delivered_any && attempt >= MAX_INITIAL_FAILURES {
            return (event, Retry::GiveUp);
        }
        (event, Retry::At(now_ms.saturating_add(jitter_ms(retry_base_ms, random))))
    }

    /// The `config` of the consumer named `name` (docs/jetstream.md "Ordered consumer: config").
    fn config(&self, name: &str) -> String {
        let o = &self.opts;
        let start_seq = self.stream_seq.saturating_add(1).max(1);
        let mut json = ObjectWriter::default();
        json.str("name", name);
        let mut filter = o.filter.clone();
        if self.delivered_any {
            json.str("deliver_policy", DeliverPolicy::ByStartSequence.as_str())
                .int("opt_start_seq", start_seq);
        } else if let Some(time) = &o.opt_start_time {
            json.str("deliver_policy", DeliverPolicy::ByStartTime.as_str()).str("opt_start_time", time);
        } else {
            let policy = o.deliver_policy.unwrap_or(DeliverPolicy::ByStartSequence);
            json.str("deliver_policy", policy.as_str());
            // Only this policy takes a start sequence: the server refuses one with the others.
            if policy == DeliverPolicy::ByStartSequence {
                json.int("opt_start_seq", start_seq);
            }
            // last_per_subject needs a filter; `>` (everything) when the user gave none.
            if policy == DeliverPolicy::LastPerSubject && filter == Filter::None {
                filter = Filter::One(">".to_owned());
            }
        }
        let threshold_ms = if o.inactive_threshold_ms == 0 {
            DEFAULT_INACTIVE_THRESHOLD_MS
        } else {
            o.inactive_threshold_ms
        };
        json.str("ack_policy", "none")
            .int("max_deliver", 1)
            .bool("mem_storage", true)
            .int("num_replicas", 1)
            .int("inactive_threshold", threshold_ms.saturating_mul(NANOS_PER_MS));
        if o.headers_only {
            json.bool("headers_only", true);
        }
        match &filter {
            Filter::None => {}
            Filter::One(subject) => {
                json.str("filter_subject", subject);
            }
            Filter::Many(subjects) => {
                json.str_list("filter_subjects", subjects);
            }
        }
        if let Some(replay) = o.replay_policy {
            json.str("replay_policy", replay.as_str());
        }
        json.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn parsed(config: &str) -> Value {
        serde_json::from_str(config).expect("valid JSON")
    }

    #[test]
    fn names_and_sequences() {
        let mut oc = OrderedConsumer::new(OrderedOptions::default(), "NUID").unwrap();
        assert_eq!(oc.on_message(0, 1, 1), Verdict::Stale, "no consumer yet");
        let first = oc.next_consumer();
        assert_eq!((first.name.as_str(), first.serial), ("NUID_1", 1));
        assert_eq!(oc.on_message(1, 1, 10), Verdict::Deliver);
        assert_eq!(oc.on_message(1, 2, 12), Verdict::Deliver);
        assert_eq!((oc.delivery_seq(), oc.stream_seq()), (2, 12));
        assert_eq!(oc.on_message(1, 4, 15), Verdict::Gap);
        assert_eq!((oc.delivery_seq(), oc.stream_seq()), (2, 12), "a gap changes nothing");
        assert_eq!(oc.on_message(1, 2, 12), Verdict::Gap, "a repeat is out of order too");
        let second = oc.next_consumer();
        assert_eq!(second.name, "NUID_2");
        assert_eq!(parsed(&second.config)["opt_start_seq"], json!(13));
        assert_eq!(oc.on_message(1, 3, 13), Verdict::Stale, "the old serial is ignored");
        assert_eq!(oc.on_message(2, 1, 13), Verdict::Deliver);
        assert_eq!(oc.on_message(2, u64::MAX, 1), Verdict::Gap);
    }

    #[test]
    fn first_config_defaults() {
        let mut oc = OrderedConsumer::new(OrderedOptions::default(), "N").unwrap();
        let spec = oc.next_consumer();
        assert_eq!(
            spec.config,
            r#"{"name":"N_1","deliver_policy":"by_start_sequence","opt_start_seq":1,"ack_policy":"none","max_deliver":1,"mem_storage":true,"num_replicas":1,"inactive_threshold":300000000000}"#
        );
    }

    #[test]
    fn first_config_honours_the_user_policy_then_recreations_start_after_the_last() {
        let opts = OrderedOptions {
            name_prefix: Some("kv_".into()),
            deliver_policy: Some(DeliverPolicy::LastPerSubject),
            replay_policy: Some(ReplayPolicy::Original),
            headers_only: true,
            inactive_threshold_ms: 10_000,
            ..Default::default()
        };
        let mut oc = OrderedConsumer::new(opts, "N").unwrap();
        let first = parsed(&oc.next_consumer().config);
        assert_eq!(
            first,
            json!({"name":"kv_N_1","deliver_policy":"last_per_subject","ack_policy":"none","max_deliver":1,
                   "mem_storage":true,"num_replicas":1,"inactive_threshold":10_000_000_000u64,
                   "headers_only":true,"filter_subject":">","replay_policy":"original"})
        );
        // a reset before any message keeps the user's policy
        let again = parsed(&oc.next_consumer().config);
        assert_eq!(again["deliver_policy"], json!("last_per_subject"));
        assert_eq!(oc.on_message(2, 1, 41), Verdict::Deliver);
        let third = parsed(&oc.next_consumer().config);
        assert_eq!(third["deliver_policy"], json!("by_start_sequence"));
        assert_eq!(third["opt_start_seq"], json!(42));
        assert_eq!(third["inactive_threshold"], json!(10_000_000_000u64), "the user's threshold stays");
        // `>` was there only because last_per_subject needs a filter; none means the same subjects
        assert_eq!(third.get("filter_subject"), None);
    }

    #[test]
    fn start_sequence_time_and_filters() {
        let by_seq = OrderedOptions {
            opt_start_seq: 7,
            filter: Filter::Many(vec!["a.>".into(), "b\"q".into()]),
            ..Default::default()
        };
        let mut oc = OrderedConsumer::new(by_seq, "N").unwrap();
        let c = parsed(&oc.next_consumer().config);
        assert_eq!(
            (c["deliver_policy"].clone(), c["opt_start_seq"].clone()),
            (json!("by_start_sequence"), json!(7))
        );
        assert_eq!(c["filter_subjects"], json!(["a.>", "b\"q"]), "strings are escaped");

        let by_time = OrderedOptions {
            opt_start_time: Some("2024-01-02T03:04:05Z".into()),
            filter: Filter::One("orders.*".into()),
            ..Default::default()
        };
        let c = parsed(&OrderedConsumer::new(by_time, "N").unwrap().next_consumer().config);
        assert_eq!(c["deliver_policy"], json!("by_start_time"));
        assert_eq!(c["opt_start_time"], json!("2024-01-02T03:04:05Z"));
        assert_eq!(c.get("opt_start_seq"), None);
        assert_eq!(c["filter_subject"], json!("orders.*"));

        for policy in [DeliverPolicy::All, DeliverPolicy::Last, DeliverPolicy::New] {
            let opts = OrderedOptions { deliver_policy: Some(policy), ..Default::default() };
            let c = parsed(&OrderedConsumer::new(opts, "N").unwrap().next_consumer().config);
            assert_eq!(c["deliver_policy"], json!(policy.as_str()));
            assert_eq!(c.get("opt_start_seq"), None, "{policy:?} takes no start sequence");
            assert_eq!(c.get("filter_subject"), None);
        }
    }

    #[test]
    fn name_prefix_validation() {
        let with = |p: &str| {
            OrderedConsumer::new(OrderedOptions { name_prefix: Some(p.into()), ..Default::default() }, "N")
        };
        assert_eq!(with("").unwrap_err(), NameError::Empty);
        for c in BAD_NAME_CHARS {
            assert_eq!(with(&format!("a{c}b")).unwrap_err(), NameError::BadChar(*c));
        }
        // Each refused char is named as `char::escape_default` writes it (nats.deno's text).
        for c in BAD_NAME_CHARS {
            let want = format!(
                "invalid name_prefix name - name_prefix name cannot contain '{}'",
                c.escape_default()
            );
            assert_eq!(NameError::BadChar(*c).to_string(), want);
        }
        assert!(with("ok-prefix_").is_ok());
    }

    #[test]
    fn create_retries() {
        let mut oc = OrderedConsumer::new(OrderedOptions::default(), "N").unwrap();
        oc.next_consumer();
        assert_eq!(oc.create_failed(false, false, 30_000, 1_000, 0), (None, Retry::At(16_000)));
        assert_eq!(oc.create_failed(true, false, 30_000, 1_000, u64::MAX), (Some(1), Retry::At(45_999)));
        assert_eq!(oc.create_failed(true, true, 30_000, 1_000, 0), (Some(2), Retry::GiveUp));
        // the first consumer gives up after MAX_INITIAL_FAILURES more failures
        let mut oc = OrderedConsumer::new(OrderedOptions::default(), "N").unwrap();
        oc.next_consumer();
        for _ in 0..MAX_INITIAL_FAILURES {
            assert!(matches!(oc.create_failed(false, false, 1_000, 0, 0).1, Retry::At(500)));
        }
        assert_eq!(oc.create_failed(false, false, 1_000, 0, 0), (None, Retry::GiveUp));
        // a recreation never gives up on an outage
        let mut oc = OrderedConsumer::new(OrderedOptions::default(), "N").unwrap();
        oc.next_consumer();
        oc.on_message(1, 1, 1);
        oc.next_consumer();
        for _ in 0..1_000 {
            assert!(matches!(oc.create_failed(false, false, 1_000, 0, 0).1, Retry::At(_)));
        }
    }
}

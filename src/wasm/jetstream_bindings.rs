//! The JS-facing JetStream helpers (`src/jetstream` behind them), used by `js/jetstream/jsmsg.ts`.
//!
//! `parseAckSubject` crosses as one `Float64Array` of numbers and UTF-16 offsets into the subject
//! the caller already holds, so no string is built or copied on the way back; the layout is
//! `ACK_INFO_*` below and mirrored in `jsmsg.ts`. The ack bodies are not here: they are constants
//! or a few characters of JSON that TypeScript writes cheaper than a call could cross.
//!
//! `consumePull` attaches a consumer run (`src/jetstream/run.rs`) to an inbox subscription the
//! shim made; `hookInput` carries the shim's answers to the run's events.
//!
//! Must not: keep state between calls (the runs live in the engine), build strings on the success
//! path of `parseAckSubject`, or panic/trap on any subject (a server or a peer controls it): a bad
//! subject is a thrown error.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::bindings::{WasmConnection, get, get_bool, get_uint, invalid_option, js_error};
use super::driver::Driver;
use crate::error::{ErrorCode, NatsError};
use crate::jetstream::ack::{DeliveryInfo, parse_ack_subject};
use crate::jetstream::legacy::{LegacyMode, LegacyRun};
use crate::jetstream::ordered::{DeliverPolicy, Filter, OrderedConsumer, OrderedOptions, ReplayPolicy};
use crate::jetstream::pull_options::{Mode, PullOptions, Settings};
use crate::jetstream::run::ConsumerRun;
use crate::text::cat;

/// Slots of the array `parseAckSubject` returns:
/// - 0 delivered, 1 stream seq, 2 delivery (consumer) seq, 4 pending;
/// - 3 the timestamp in nanoseconds since the epoch, the u64 rounded once to the nearest f64
///   (about 256 ns apart today), the value nats.deno's `parseInt` gives;
/// - 5..6 domain, 7..8 account hash, 9..10 stream, 11..12 consumer: `[start, end)` UTF-16
///   offsets into the subject; an empty range for no domain (v1, or `_`) and no account hash (v1).
///
/// Counts above 2^53 lose precision as f64, as they do in nats.deno's `parseInt`.
const ACK_INFO_LEN: usize = 13;

/// `[start, end)` of `part` in `subject` in UTF-16 code units (JS string indices). `part` is a
/// slice of `subject` or empty; an empty part is `(0, 0)`.
fn span(subject: &str, part: &str, ascii: bool) -> (f64, f64) {
    if part.is_empty() {
        return (0.0, 0.0);
    }
    // The parser returns sub-slices of `subject`, so the pointer difference is the byte offset.
    let start = (part.as_ptr() as usize).wrapping_sub(subject.as_ptr() as usize);
    let end = start + part.len();
    if ascii {
        return (start as f64, end as f64);
    }
    // Token bounds follow a '.', so they are char boundaries; `get` keeps a mistake from panicking.
    let units = |b: usize| subject.get(..b).map_or(0, |s| s.encode_utf16().count()) as f64;
    (units(start), units(end))
}

/// The slots of "Slots" for a parsed subject.
fn ack_numbers(subject: &str, info: &DeliveryInfo<'_>) -> [f64; ACK_INFO_LEN] {
    let ascii = subject.is_ascii();
    let (d0, d1) = span(subject, info.domain, ascii);
    let (a0, a1) = span(subject, info.account_hash.unwrap_or(""), ascii);
    let (s0, s1) = span(subject, info.stream, ascii);
    let (c0, c1) = span(subject, info.consumer, ascii);
    [
        info.delivered as f64,
        info.stream_seq as f64,
        info.delivery_seq as f64,
        // u64 -> f64 rounds to nearest: one rounding, no arithmetic in doubles
        info.timestamp_nanos as f64,
        info.pending as f64,
        d0,
        d1,
        a0,
        a1,
        s0,
        s1,
        c0,
        c1,
    ]
}

/// The delivery info of a `$JS.ACK` reply subject (either form, docs/jetstream.md "Ack
/// subjects") as `ACK_INFO_LEN` numbers. Throws an `Error` with code `BAD_SUBJECT` whose message
/// says why (`not js message: ...`) for anything else.
#[wasm_bindgen(js_name = parseAckSubject)]
pub fn parse_ack_subject_js(subject: &str) -> Result<Vec<f64>, JsValue> {
    let info =
        parse_ack_subject(subject).map_err(|e| js_error(NatsError::new(ErrorCode::BadSubject, cat!(e))))?;
    Ok(ack_numbers(subject, &info).to_vec())
}

/// Bytes of subject the staged parser takes: ack subjects are ~60-120 bytes; longer ones (or
/// non-ASCII ones) take `parseAckSubject`.
const ACK_STAGE_BYTES: usize = 256;

/// The staged parser's fixed buffers in wasm memory: JS writes the subject into `input` and reads
/// the numbers from `output`, so a message's `seq` costs no allocation and no string crossing
/// (`parseAckSubject` costs two allocations and a copy each way, ~1 µs).
struct AckStage {
    input: [u8; ACK_STAGE_BYTES],
    output: [f64; ACK_INFO_LEN],
}

thread_local! {
    static ACK_STAGE: RefCell<AckStage> =
        const { RefCell::new(AckStage { input: [0; ACK_STAGE_BYTES], output: [0.0; ACK_INFO_LEN] }) };
}

/// `[input address, input bytes, output address]` of the staged parser's buffers in wasm
/// memory (fixed for the module's life).
#[wasm_bindgen(js_name = ackStage)]
pub fn ack_stage() -> Vec<u32> {
    ACK_STAGE.with(|s| {
        let s = s.borrow();
        vec![s.input.as_ptr() as u32, ACK_STAGE_BYTES as u32, s.output.as_ptr() as u32]
    })
}

/// Parses the `len` bytes JS wrote into the stage's input into its output. False (output
/// untouched) when they are not an ASCII ack subject: the caller then asks `parseAckSubject`,
/// which says why.
#[wasm_bindgen(js_name = parseAckStaged)]
pub fn parse_ack_staged(len: usize) -> bool {
    ACK_STAGE.with(|s| {
        let mut s = s.borrow_mut();
        let Some(bytes) = s.input.get(..len) else { return false };
        let Ok(subject) = std::str::from_utf8(bytes) else { return false };
        if !subject.is_ascii() {
            return false;
        }
        let Ok(info) = parse_ack_subject(subject) else { return false };
        let numbers = ack_numbers(subject, &info);
        s.output = numbers;
        true
    })
}

/// The pull options of `consumePull`, by name as nats.deno spells them (ms; 0 or absent = default).
fn pull_options(o: &JsValue) -> Result<PullOptions, JsValue> {
    Ok(PullOptions {
        max_messages: get_uint(o, "max_messages", 0)?,
        max_bytes: get_uint(o, "max_bytes", 0)?,
        expires_ms: get_uint(o, "expires", 0)?,
        idle_heartbeat_ms: get_uint(o, "idle_heartbeat", 0)?,
        threshold_messages: get_uint(o, "threshold_messages", 0)?,
        threshold_bytes: get_uint(o, "threshold_bytes", 0)?,
        abort_on_missing_resource: get_bool(o, "abort_on_missing_resource", false),
        bind: get_bool(o, "bind", false),
    })
}

fn deliver_policy(name: &str) -> Result<DeliverPolicy, JsValue> {
    Ok(match name {
        "all" => DeliverPolicy::All,
        "last" => DeliverPolicy::Last,
        "new" => DeliverPolicy::New,
        "by_start_sequence" => DeliverPolicy::ByStartSequence,
        "by_start_time" => DeliverPolicy::ByStartTime,
        "last_per_subject" => DeliverPolicy::LastPerSubject,
        _ => return Err(invalid_option(cat!("unknown deliver_policy '", name, "'"))),
    })
}

/// nats.deno's `OrderedConsumerOptions`; `filterSubjects` a string or a list.
fn ordered_options(o: &JsValue) -> Result<OrderedOptions, JsValue> {
    let filter = get(o, "filterSubjects");
    let filter = if let Some(one) = filter.as_string() {
        Filter::One(one)
    } else if js_sys::Array::is_array(&filter) {
        let list: Vec<String> = js_sys::Array::from(&filter).iter().filter_map(|v| v.as_string()).collect();
        match list.len() {
            0 => Filter::None,
            1 => Filter::One(list[0].clone()),
            _ => Filter::Many(list),
        }
    } else {
        Filter::None
    };
    let replay_policy = match get(o, "replay_policy").as_string().as_deref() {
        None => None,
        Some("instant") => Some(ReplayPolicy::Instant),
        Some("original") => Some(ReplayPolicy::Original),
        Some(other) => return Err(invalid_option(cat!("unknown replay_policy '", other, "'"))),
    };
    Ok(OrderedOptions {
        name_prefix: get(o, "name_prefix").as_string(),
        filter,
        deliver_policy: get(o, "deliver_policy").as_string().as_deref().map(deliver_policy).transpose()?,
        opt_start_seq: get_uint(o, "opt_start_seq", 0)?,
        opt_start_time: get(o, "opt_start_time").as_string(),
        replay_policy,
        inactive_threshold_ms: get_uint(o, "inactive_threshold", 0)?,
        headers_only: get_bool(o, "headers_only", false),
    })
}

/// The config JSON of the first consumer an ordered consumer with `ordered` options would create
/// (its `name` included), for `info()` before any run (nats.deno creates a consumer then). The same
/// rule as a run's first consumer (`OrderedConsumer::next_consumer`), under a fresh name.
#[wasm_bindgen(js_name = orderedFirstConsumer)]
pub fn ordered_first_consumer(ordered: JsValue) -> Result<String, JsValue> {
    let mut oc = OrderedConsumer::new(ordered_options(&ordered)?, nuid::next().as_str())
        .map_err(|e| invalid_option(cat!(e)))?;
    Ok(oc.next_consumer().config)
}

#[wasm_bindgen]
impl WasmConnection {
    /// Makes subscription `sid` (the run's inbox) a pull consumer run (docs/jetstream.md
    /// "Consumer runs"): `next_prefix` is `<api>.CONSUMER.MSG.NEXT.<stream>`, `consumer` the
    /// consumer's name (ignored when `ordered` is an options object: the run creates its own),
    /// `fetch` true for fetch/next, false for consume. Bad options throw with nats.deno's message.
    #[wasm_bindgen(js_name = consumePull)]
    pub fn consume_pull(
        &self,
        sid: u32,
        next_prefix: String,
        consumer: String,
        fetch: bool,
        opts: JsValue,
        ordered: JsValue,
    ) -> Result<(), JsValue> {
        let mode = if fetch { Mode::Fetch } else { Mode::Consume };
        let settings = Settings::new(&pull_options(&opts)?, mode).map_err(|e| invalid_option(e.message()))?;
        let oc = if ordered.is_object() {
            let oc = OrderedConsumer::new(ordered_options(&ordered)?, nuid::next().as_str())
                .map_err(|e| invalid_option(cat!(e)))?;
            Some(oc)
        } else {
            None
        };
        let attached = Driver::command(&self.driver, |e, now| {
            let run = match oc {
                Some(oc) => ConsumerRun::ordered(settings, mode, next_prefix, oc),
                None => ConsumerRun::new(settings, mode, next_prefix, consumer, now),
            };
            e.attach_hook(sid, Box::new(run))
        })
        .map_err(js_error)?;
        if attached {
            Ok(())
        } else {
            Err(js_error(NatsError::new(ErrorCode::SubClosed, "subscription closed")))
        }
    }

    /// Makes subscription `sid` a legacy JetStream subscription (docs/jetstream.md "Legacy
    /// subscriptions"): `kind` is "push", "ordered" (first consumer `<name>_0` on `inbox`),
    /// "pull" (`js.pullSubscribe`) or "fetch" (`batch`, `max_bytes`, `expires` ms; 0 = no_wait);
    /// `idle_heartbeat` ms (0 = none).
    #[allow(clippy::too_many_arguments)] // one call per subscription, each a plain number or string
    #[wasm_bindgen(js_name = attachLegacy)]
    pub fn attach_legacy(
        &self,
        sid: u32,
        kind: &str,
        idle_heartbeat: f64,
        inbox: String,
        name: String,
        batch: f64,
        max_bytes: f64,
        expires: f64,
    ) -> Result<(), JsValue> {
        let count = |v: f64| if v.is_finite() && v > 0.0 { v as u64 } else { 0 };
        let mode = match kind {
            "push" => LegacyMode::Push,
            "ordered" => LegacyMode::OrderedPush { inbox, name },
            "pull" => LegacyMode::PullSubscription,
            "fetch" => LegacyMode::Fetch {
                batch: count(batch).max(1),
                max_bytes: count(max_bytes),
                expires_ms: count(expires),
            },
            _ => return Err(invalid_option(cat!("unknown legacy subscription kind '", kind, "'"))),
        };
        let attached = Driver::command(&self.driver, |e, now| {
            e.attach_hook(sid, Box::new(LegacyRun::new(mode, count(idle_heartbeat), now)))
        })
        .map_err(js_error)?;
        if attached {
            Ok(())
        } else {
            Err(js_error(NatsError::new(ErrorCode::SubClosed, "subscription closed")))
        }
    }

    /// The shim's answer to a consumer run's CHECK or CREATE event (`run::input` codes; `data`
    /// the API error's description when it failed).
    #[wasm_bindgen(js_name = hookInput)]
    pub fn hook_input(&self, sid: u32, code: u32, data: &str) {
        let data = data.to_owned();
        Driver::command_or_defer(&self.driver, move |e, now| e.hook_input(sid, code, &data, now));
    }
}

//! `ConsumerRun` through the `SubHook` trait alone (no connection): hand-made inbox messages and
//! statuses, the shim's answers and the virtual clock in; fates and the exact hook ops (pull,
//! status, check and create events, the end) out, for consume, fetch and the ordered consumer.

use super::{feed_hook, hook_ops};
use crate::client::{Fate, HookOp, SubHook};
use crate::jetstream::ordered::{OrderedConsumer, OrderedOptions};
use crate::jetstream::pull::{Mode, PullOptions, Settings};
use crate::jetstream::run::{ConsumerRun, input};

const PREFIX: &str = "$JS.API.CONSUMER.MSG.NEXT.S";
const INBOX: &str = "_INBOX.run";

/// The config of the first ordered consumer with default options (docs/jetstream.md "Ordered
/// consumer: config").
const FIRST_CONFIG: &str = r#"{"name":"NUID_1","deliver_policy":"by_start_sequence","opt_start_seq":1,"ack_policy":"none","max_deliver":1,"mem_storage":true,"num_replicas":1,"inactive_threshold":300000000000}"#;

fn settings(opts: PullOptions, mode: Mode) -> Settings {
    Settings::new(&opts, mode).expect("valid options")
}

/// A run of consumer `C` started at `now`, with its first ops.
fn plain(opts: PullOptions, mode: Mode, now: u64) -> (ConsumerRun, Vec<HookOp>) {
    let mut run = ConsumerRun::new(settings(opts, mode), mode, PREFIX.into(), "C".into(), now);
    let first = ops(&mut run);
    (run, first)
}

/// An ordered run (default ordered options, nuid `NUID`), with its first ops.
fn ordered(opts: PullOptions, mode: Mode) -> (ConsumerRun, Vec<HookOp>) {
    let oc = OrderedConsumer::new(OrderedOptions::default(), "NUID").unwrap();
    let mut run = ConsumerRun::ordered(settings(opts, mode), mode, PREFIX.into(), oc);
    let first = ops(&mut run);
    (run, first)
}

fn ops(run: &mut ConsumerRun) -> Vec<HookOp> {
    hook_ops(run)
}

/// A user message on the inbox.
fn msg(run: &mut ConsumerRun, reply: Option<&str>, payload: &str, now: u64) -> (Fate, Vec<HookOp>) {
    feed_hook(run, INBOX, (0, None), reply, payload, now)
}

/// A status message: `code` as the engine read it inline, `block` the raw header block.
fn status(run: &mut ConsumerRun, code: u16, block: Option<&str>, now: u64) -> (Fate, Vec<HookOp>) {
    feed_hook(run, INBOX, (code, block), None, "", now)
}

fn answer(run: &mut ConsumerRun, code: u32, data: &str, now: u64, random: u64) -> Vec<HookOp> {
    run.on_input(code, data, now, random);
    ops(run)
}

fn timeout(run: &mut ConsumerRun, now: u64) -> Vec<HookOp> {
    run.handle_timeout(now, 0);
    ops(run)
}

fn event(kind: &'static str, name: &str, data: &str, body: &str) -> HookOp {
    HookOp::Event { kind, name: name.into(), data: data.into(), body: body.into(), number: 0 }
}

/// The pull body with default times (30 s expires, 15 s heartbeat).
fn body(batch: u64, max_bytes: u64) -> String {
    format!(
        r#"{{"batch":{batch},"max_bytes":{max_bytes},"idle_heartbeat":15000000000,"expires":30000000000}}"#
    )
}

fn pull(consumer: &str, body: &str) -> HookOp {
    event("pull", "", &format!("{PREFIX}.{consumer}"), body)
}

fn st(ty: &str, data: &str) -> HookOp {
    event("status", ty, data, "")
}

fn check(consumer: &str) -> HookOp {
    event("check", consumer, "", "")
}

fn end(code: &str, message: &str) -> HookOp {
    HookOp::End(Some((code.into(), message.into())))
}

/// A v1 (9-token) ack subject of stream S.
fn ack(consumer: &str, stream_seq: u64, delivery_seq: u64) -> String {
    format!("$JS.ACK.S.{consumer}.1.{stream_seq}.{delivery_seq}.1700000000000000000.0")
}

const TIMEOUT_90: &str =
    "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 90\r\nNats-Pending-Bytes: 0\r\n\r\n";

// ---- consume ----

#[test]
fn consume_pulls_first_then_again_when_owed_messages_fall_to_three_quarters() {
    let (mut run, first) = plain(PullOptions::default(), Mode::Consume, 0);
    assert_eq!(first, [pull("C", &body(100, 0))]);
    assert_eq!(run.poll_timeout(), Some(30_000), "the heartbeat monitor: two 15 s intervals");
    for i in 1..25 {
        assert_eq!(msg(&mut run, None, "x", i), (Fate::Deliver, vec![]), "message {i}");
    }
    assert_eq!(msg(&mut run, None, "x", 25), (Fate::Deliver, vec![pull("C", &body(25, 0))]));
    assert_eq!(run.poll_timeout(), Some(30_025), "each message restarts the monitor");
}

#[test]
fn consume_by_bytes_counts_subject_reply_and_payload() {
    let (mut run, first) = plain(PullOptions { max_bytes: 1_000, ..Default::default() }, Mode::Consume, 0);
    assert_eq!(first, [pull("C", &body(100, 1_000))]);
    // 10 (inbox) + 5 (reply) + 85 (payload) = 100 bytes a message.
    let payload = "p".repeat(85);
    assert_eq!(msg(&mut run, Some("r.123"), &payload, 1), (Fate::Deliver, vec![]));
    assert_eq!(msg(&mut run, Some("r.123"), &payload, 2), (Fate::Deliver, vec![]));
    assert_eq!(msg(&mut run, Some("r.123"), &payload, 3), (Fate::Deliver, vec![pull("C", &body(3, 300))]));
}

#[test]
fn a_request_timeout_with_pending_counts_is_dropped_and_reported_as_discard() {
    let (mut run, _) = plain(PullOptions::default(), Mode::Consume, 0);
    for i in 0..10 {
        msg(&mut run, None, "x", i);
    }
    let (fate, got) = status(&mut run, 408, Some(TIMEOUT_90), 100);
    assert_eq!(fate, Fate::Drop);
    assert_eq!(got, [st("discard", r#"{"msgsLeft":90,"bytesLeft":0}"#), pull("C", &body(100, 0))]);
}

#[test]
fn a_heartbeat_is_dropped_yields_nothing_and_feeds_the_monitor() {
    let (mut run, _) = plain(PullOptions::default(), Mode::Consume, 0);
    let hb = "NATS/1.0 100 Idle Heartbeat\r\n\r\n";
    assert_eq!(status(&mut run, 100, Some(hb), 20_000), (Fate::Drop, vec![]));
    assert_eq!(run.poll_timeout(), Some(50_000));
    // Owed counts unchanged: the 25th message still brings the refill.
    for i in 1..25 {
        assert_eq!(msg(&mut run, None, "x", 20_000 + i).1, []);
    }
    assert_eq!(msg(&mut run, None, "x", 20_025).1, [pull("C", &body(25, 0))]);
}

#[test]
fn missed_heartbeats_report_at_the_exact_ms_then_check_and_an_ok_re_pulls() {
    let (mut run, _) = plain(PullOptions::default(), Mode::Consume, 0);
    assert_eq!(timeout(&mut run, 29_999), []);
    assert_eq!(timeout(&mut run, 30_000), [st("heartbeats_missed", "2"), check("C")]);
    assert_eq!(run.poll_timeout(), Some(45_000), "the next miss");
    assert_eq!(answer(&mut run, input::OK, "", 31_000, 0), [pull("C", &body(100, 0))]);
    // The monitor keeps counting until something arrives: the third miss checks again.
    assert_eq!(timeout(&mut run, 45_000), [st("heartbeats_missed", "3"), check("C")]);
    assert_eq!(answer(&mut run, input::CONSUMER_NOT_FOUND, "", 45_100, 0), [st("consumer_not_found", "1")]);
    // A consume waits jitter(30 s) = 15 s with random 0, then checks again (the 4th miss is later).
    assert_eq!(run.poll_timeout(), Some(60_000));
    assert_eq!(timeout(&mut run, 60_000), [st("heartbeats_missed", "4")]);
    assert_eq!(run.poll_timeout(), Some(60_100));
    assert_eq!(timeout(&mut run, 60_100), [check("C")]);
}

#[test]
fn disconnect_cancels_the_monitor_and_reconnect_checks_the_consumer() {
    let (mut run, _) = plain(PullOptions::default(), Mode::Consume, 0);
    run.on_disconnect(1_000);
    assert_eq!(ops(&mut run), []);
    assert_eq!(run.poll_timeout(), None, "silence is expected while disconnected");
    assert_eq!(timeout(&mut run, 100_000), []);
    run.on_reconnect(100_000);
    assert_eq!(ops(&mut run), [check("C")]);
    assert_eq!(run.poll_timeout(), None, "the monitor waits for the check");
    assert_eq!(answer(&mut run, input::OK, "", 100_500, 0), [pull("C", &body(100, 0))]);
    assert_eq!(run.poll_timeout(), Some(130_500), "restarted from the answer");
}

#[test]
fn a_bad_request_ends_a_consume_with_400_and_nothing_follows() {
    let (mut run, _) = plain(PullOptions::default(), Mode::Consume, 0);
    let (fate, got) = status(&mut run, 400, Some("NATS/1.0 400 Bad Request\r\n\r\n"), 1);
    assert_eq!((fate, got), (Fate::Drop, vec![end("400", "bad request")]));
    assert_eq!(run.poll_timeout(), None);
    assert_eq!(msg(&mut run, None, "x", 2), (Fate::Drop, vec![]));
    assert_eq!(answer(&mut run, input::OK, "", 3, 0), []);
    run.on_reconnect(4);
    assert_eq!(timeout(&mut run, 100_000), []);
}

#[test]
fn garbage_status_headers_are_debug_events_and_change_no_count() {
    let (mut run, _) = plain(PullOptions::default(), Mode::Consume, 0);
    let cases: [(u16, Option<&str>, &str); 4] = [
        (
            408,
            Some("NATS/1.0 408 x\r\nNats-Pending-Messages: abc\r\n\r\n"),
            "408 bad Nats-Pending-Messages header: \"abc\"",
        ),
        // No blank line at the end: the block does not decode at all.
        (
            408,
            Some("NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 100\r\n"),
            "408 unreadable status headers: Malformed",
        ),
        (409, Some("HTTP/1.1 409 Consumer Deleted\r\n\r\n"), "409 unreadable status headers: MissingVersion"),
        (503, None, "503 unreadable status headers: MissingVersion"),
    ];
    for (code, block, data) in cases {
        assert_eq!(status(&mut run, code, block, 1), (Fate::Drop, vec![st("debug", data)]), "{block:?}");
    }
    for i in 1..25 {
        assert_eq!(msg(&mut run, None, "x", 1 + i).1, [], "message {i}: nothing was subtracted");
    }
    assert_eq!(msg(&mut run, None, "x", 30).1, [pull("C", &body(25, 0))]);
}

// ---- fetch ----

#[test]
fn fetch_ends_once_its_batch_is_delivered() {
    let (mut run, first) = plain(PullOptions { max_messages: 3, ..Default::default() }, Mode::Fetch, 0);
    assert_eq!(first, [pull("C", &body(3, 0))]);
    assert_eq!(msg(&mut run, None, "a", 1), (Fate::Deliver, vec![]));
    assert_eq!(msg(&mut run, None, "b", 2), (Fate::Deliver, vec![]));
    assert_eq!(msg(&mut run, None, "c", 3), (Fate::Deliver, vec![HookOp::End(None)]));
    assert_eq!(run.poll_timeout(), None);
    assert_eq!(msg(&mut run, None, "d", 4), (Fate::Drop, vec![]), "nothing after the end");
}

#[test]
fn fetch_ends_on_its_own_timer_at_expires_times_1_05() {
    let opts = PullOptions { expires_ms: 10_000, idle_heartbeat_ms: 20_000, ..Default::default() };
    let (mut run, first) = plain(opts, Mode::Fetch, 1_000);
    let body = r#"{"batch":100,"max_bytes":0,"idle_heartbeat":20000000000,"expires":10000000000}"#;
    assert_eq!(first, [pull("C", body)]);
    assert_eq!(run.poll_timeout(), Some(11_500));
    assert_eq!(timeout(&mut run, 11_499), []);
    assert_eq!(timeout(&mut run, 11_500), [HookOp::End(None)]);
    assert_eq!(run.poll_timeout(), None);
}

#[test]
fn fetch_ends_with_the_status_that_stopped_it() {
    let (mut run, _) = plain(PullOptions::default(), Mode::Fetch, 0);
    let (fate, got) = status(&mut run, 409, Some("NATS/1.0 409 Consumer Deleted\r\n\r\n"), 1);
    assert_eq!(fate, Fate::Drop);
    assert_eq!(got, [st("consumer_deleted", "409 consumer deleted"), end("409", "consumer deleted")]);

    let (mut run, _) = plain(PullOptions::default(), Mode::Fetch, 0);
    let got = status(&mut run, 400, Some("NATS/1.0 400 Bad Request\r\n\r\n"), 1).1;
    assert_eq!(got, [end("400", "bad request")]);

    // The server's expiry ends the pull: what it left unfilled is discarded, the fetch ends cleanly.
    let (mut run, _) = plain(PullOptions::default(), Mode::Fetch, 0);
    for i in 0..10 {
        msg(&mut run, None, "x", i);
    }
    let got = status(&mut run, 408, Some(TIMEOUT_90), 30_000).1;
    assert_eq!(got, [st("discard", r#"{"msgsLeft":90,"bytesLeft":0}"#), HookOp::End(None)]);
}

// ---- ordered ----

#[test]
fn ordered_creates_its_first_consumer_and_pulls_only_after_the_ok() {
    let (mut run, first) = ordered(PullOptions::default(), Mode::Consume);
    assert_eq!(first, [event("create", "NUID_1", "", FIRST_CONFIG)]);
    assert_eq!(run.poll_timeout(), None, "no pull, no monitor before the consumer exists");
    assert_eq!(msg(&mut run, Some(&ack("NUID_1", 1, 1)), "early", 1), (Fate::Drop, vec![]));
    assert_eq!(answer(&mut run, input::OK, "", 100, 0), [pull("NUID_1", &body(100, 0))]);
    assert_eq!(run.poll_timeout(), Some(30_100));
    assert_eq!(msg(&mut run, Some(&ack("NUID_1", 1, 1)), "m1", 200), (Fate::Deliver, vec![]));
}

#[test]
fn ordered_gap_recreates_after_the_last_stream_sequence() {
    let (mut run, _) = ordered(PullOptions::default(), Mode::Consume);
    answer(&mut run, input::OK, "", 0, 0);
    assert_eq!(msg(&mut run, Some(&ack("NUID_1", 10, 1)), "a", 1).0, Fate::Deliver);
    assert_eq!(msg(&mut run, Some(&ack("NUID_1", 11, 2)), "b", 2).0, Fate::Deliver);
    // Delivery sequence 3 was lost.
    let (fate, got) = msg(&mut run, Some(&ack("NUID_1", 13, 4)), "d", 3);
    assert_eq!(fate, Fate::Drop);
    let second = r#"{"name":"NUID_2","deliver_policy":"by_start_sequence","opt_start_seq":12,"ack_policy":"none","max_deliver":1,"mem_storage":true,"num_replicas":1,"inactive_threshold":300000000000}"#;
    assert_eq!(got, [st("reset", "NUID_2"), event("create", "NUID_2", "NUID_1", second)]);
    assert_eq!(run.poll_timeout(), None, "the old consumer's pull and monitor are gone");
    // Late messages of the old consumer, and the new one's before the OK, are dropped silently.
    assert_eq!(msg(&mut run, Some(&ack("NUID_1", 12, 3)), "c", 4), (Fate::Drop, vec![]));
    assert_eq!(msg(&mut run, Some(&ack("NUID_2", 12, 1)), "c", 5), (Fate::Drop, vec![]));
    let got = answer(&mut run, input::OK, "", 6, 0);
    assert_eq!(got, [st("ordered_consumer_recreated", "NUID_2"), pull("NUID_2", &body(100, 0))]);
    assert_eq!(msg(&mut run, Some(&ack("NUID_2", 12, 1)), "c", 7), (Fate::Deliver, vec![]));
    assert_eq!(msg(&mut run, Some(&ack("NUID_1", 14, 5)), "e", 8), (Fate::Drop, vec![]));
    assert_eq!(msg(&mut run, Some(&ack("NUID_2", 13, 2)), "d", 9), (Fate::Deliver, vec![]));
}

#[test]
fn ordered_create_failures_retry_at_the_jittered_time() {
    let (mut run, _) = ordered(PullOptions::default(), Mode::Consume);
    // jitter(30 s expires, random 0) = 15 s.
    assert_eq!(answer(&mut run, input::FAILED, "timeout", 1_000, 0), []);
    assert_eq!(run.poll_timeout(), Some(16_000));
    assert_eq!(timeout(&mut run, 15_999), []);
    assert_eq!(timeout(&mut run, 16_000), [event("create", "NUID_1", "", FIRST_CONFIG)]);
    assert_eq!(run.poll_timeout(), None, "no retry while the create is out");
    // random u64::MAX: the longest wait, 15 s + 29.999 s.
    assert_eq!(answer(&mut run, input::FAILED, "", 16_000, u64::MAX), []);
    assert_eq!(run.poll_timeout(), Some(60_999));
    assert_eq!(timeout(&mut run, 60_999), [event("create", "NUID_1", "", FIRST_CONFIG)]);
    // "stream not found" reports the 0-based attempt and, in a consume, retries.
    assert_eq!(answer(&mut run, input::STREAM_NOT_FOUND, "", 61_000, 1 << 63), [st("stream_not_found", "2")]);
    assert_eq!(run.poll_timeout(), Some(91_000));
    assert_eq!(timeout(&mut run, 91_000), [event("create", "NUID_1", "", FIRST_CONFIG)]);
    assert_eq!(answer(&mut run, input::OK, "", 91_500, 0), [pull("NUID_1", &body(100, 0))]);
}

#[test]
fn ordered_fetch_gives_up_when_the_stream_is_missing() {
    let (mut run, _) = ordered(PullOptions::default(), Mode::Fetch);
    let got = answer(&mut run, input::STREAM_NOT_FOUND, "stream not found", 5, 0);
    assert_eq!(got, [st("stream_not_found", "0"), end("404", "stream not found")]);
    assert_eq!(run.poll_timeout(), None);
}

#[test]
fn ordered_message_with_a_malformed_reply_is_dropped_with_a_debug_event() {
    let (mut run, _) = ordered(PullOptions::default(), Mode::Consume);
    answer(&mut run, input::OK, "", 0, 0);
    let cases = [
        (Some("not.an.ack"), "dropped a message: not js message: no $JS.ACK prefix"),
        (None, "dropped a message: not js message: no $JS.ACK prefix"),
        (Some("$JS.ACK.S.NUID_1.1.1.1.0"), "dropped a message: not js message: 8 tokens"),
    ];
    for (reply, data) in cases {
        assert_eq!(msg(&mut run, reply, "x", 1), (Fate::Drop, vec![st("debug", data)]), "{reply:?}");
    }
    // The sequence is untouched: delivery sequence 1 is still the next one.
    assert_eq!(msg(&mut run, Some(&ack("NUID_1", 1, 1)), "x", 2), (Fate::Deliver, vec![]));
}

#[test]
fn ordered_fetch_ends_on_a_gap() {
    let (mut run, _) = ordered(PullOptions { max_messages: 5, ..Default::default() }, Mode::Fetch);
    assert_eq!(answer(&mut run, input::OK, "", 0, 0), [pull("NUID_1", &body(5, 0))]);
    assert_eq!(msg(&mut run, Some(&ack("NUID_1", 1, 1)), "a", 1), (Fate::Deliver, vec![]));
    assert_eq!(msg(&mut run, Some(&ack("NUID_1", 3, 3)), "c", 2), (Fate::Drop, vec![HookOp::End(None)]));
    assert_eq!(run.poll_timeout(), None);
}

#[test]
fn ordered_consume_recreates_a_consumer_its_check_finds_missing() {
    let (mut run, _) = ordered(PullOptions::default(), Mode::Consume);
    answer(&mut run, input::OK, "", 0, 0);
    assert_eq!(timeout(&mut run, 30_000), [st("heartbeats_missed", "2"), check("NUID_1")]);
    let got = answer(&mut run, input::CONSUMER_NOT_FOUND, "", 30_100, 0);
    let second = FIRST_CONFIG.replace("NUID_1", "NUID_2");
    assert_eq!(
        got,
        [st("consumer_not_found", "1"), st("reset", "NUID_2"), event("create", "NUID_2", "NUID_1", &second)],
        "nothing was delivered: the user's start still applies"
    );
}

#[test]
fn ordered_runs_that_give_up_end_with_the_missing_consumer_instead_of_recreating_it() {
    // A fetch: the check after two missed heartbeats (30 s, before the 31.5 s fetch timer).
    let (mut run, _) = ordered(PullOptions::default(), Mode::Fetch);
    answer(&mut run, input::OK, "", 0, 0);
    assert_eq!(timeout(&mut run, 30_000), [st("heartbeats_missed", "2"), check("NUID_1")]);
    let got = answer(&mut run, input::CONSUMER_NOT_FOUND, "", 30_100, 0);
    assert_eq!(got, [st("consumer_not_found", "1"), end("404", "consumer not found")]);
    assert_eq!(run.poll_timeout(), None);

    // A consume with abort_on_missing_resource stops too (docs/jetstream.md "Consumer checks").
    let opts = PullOptions { abort_on_missing_resource: true, ..Default::default() };
    let (mut run, _) = ordered(opts, Mode::Consume);
    answer(&mut run, input::OK, "", 0, 0);
    timeout(&mut run, 30_000);
    let got = answer(&mut run, input::CONSUMER_NOT_FOUND, "", 30_100, 0);
    assert_eq!(got, [st("consumer_not_found", "1"), end("404", "consumer not found")]);
    assert_eq!(run.poll_timeout(), None);
}

#[test]
fn the_first_ordered_consumer_gives_up_after_31_failed_creates() {
    let (mut run, _) = ordered(PullOptions::default(), Mode::Consume);
    let mut now = 0;
    for attempt in 0..30 {
        assert_eq!(answer(&mut run, input::FAILED, "", now, 0), [], "attempt {attempt}");
        now += 15_000;
        assert_eq!(run.poll_timeout(), Some(now));
        assert_eq!(timeout(&mut run, now), [event("create", "NUID_1", "", FIRST_CONFIG)]);
    }
    let got = answer(&mut run, input::FAILED, "", now, 0);
    assert_eq!(got, [end(crate::error::ErrorCode::ApiError.as_str(), "unable to create ordered consumer")]);
    assert_eq!(run.poll_timeout(), None);
    assert_eq!(msg(&mut run, Some(&ack("NUID_1", 1, 1)), "x", now), (Fate::Drop, vec![]));
}

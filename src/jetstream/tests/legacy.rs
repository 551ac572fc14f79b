//! `LegacyRun` through the `SubHook` trait alone (no connection): hand-made push, pull and fetch
//! messages and statuses, the shim's inputs and the virtual clock in; fates and the exact hook ops
//! (control publishes, `fc`/`error`/`reset`/debug events, resubscribes, the end) out.

use super::{feed_hook, hook_ops};
use crate::client::{Fate, HookOp, SubHook};
use crate::jetstream::legacy::{LegacyMode, LegacyRun, input};

const INBOX: &str = "_INBOX.legacy";
const HB: &str = "NATS/1.0 100 Idle Heartbeat\r\n\r\n";
const FC: &str = "NATS/1.0 100 FlowControl Request\r\n\r\n";
const TIMEOUT: &str =
    "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 1\r\nNats-Pending-Bytes: 0\r\n\r\n";
const NO_MESSAGES: &str = "NATS/1.0 404 No Messages\r\n\r\n";
const DELETED: &str = "NATS/1.0 409 Consumer Deleted\r\n\r\n";
const MAX_WAITING: &str = "NATS/1.0 409 Exceeded MaxWaiting\r\n\r\n";

fn run(mode: LegacyMode, idle_heartbeat_ms: u64, now: u64) -> LegacyRun {
    let mut run = LegacyRun::new(mode, idle_heartbeat_ms, now);
    assert_eq!(ops(&mut run), [], "a new run asks for nothing");
    run
}

fn ordered_run(idle_heartbeat_ms: u64) -> LegacyRun {
    run(LegacyMode::OrderedPush { inbox: INBOX.into(), name: "OC".into() }, idle_heartbeat_ms, 0)
}

fn fetch(batch: u64, max_bytes: u64, expires_ms: u64) -> LegacyRun {
    run(LegacyMode::Fetch { batch, max_bytes, expires_ms }, 0, 0)
}

fn ops(run: &mut LegacyRun) -> Vec<HookOp> {
    hook_ops(run)
}

/// A user message with reply `reply`.
fn msg(run: &mut LegacyRun, reply: Option<&str>, payload: &str, now: u64) -> (Fate, Vec<HookOp>) {
    feed_hook(run, INBOX, (0, None), reply, payload, now)
}

/// A status message: `code` as the engine read it inline, `block` the raw header block.
fn status_with_reply(
    run: &mut LegacyRun,
    code: u16,
    block: Option<&str>,
    reply: Option<&str>,
    now: u64,
) -> (Fate, Vec<HookOp>) {
    feed_hook(run, INBOX, (code, block), reply, "", now)
}

/// A status whose code is the one in its (well-formed) block, without reply.
fn status(run: &mut LegacyRun, block: &str, now: u64) -> (Fate, Vec<HookOp>) {
    let code = block[9..12].parse().expect("a block with a code");
    status_with_reply(run, code, Some(block), None, now)
}

fn input(run: &mut LegacyRun, code: u32, data: &str, now: u64, random: u64) -> Vec<HookOp> {
    run.on_input(code, data, now, random);
    ops(run)
}

fn timeout(run: &mut LegacyRun, now: u64) -> Vec<HookOp> {
    run.handle_timeout(now, 0);
    ops(run)
}

fn event(kind: &'static str, name: &str, data: &str, body: &str) -> HookOp {
    HookOp::Event { kind, name: name.into(), data: data.into(), body: body.into(), number: 0 }
}

fn debug(data: &str) -> HookOp {
    event("status", "debug", data, "")
}

fn error(code: &str, description: &str) -> HookOp {
    event("error", code, description, "")
}

fn missed(n: u64) -> HookOp {
    error("IDLE_HEARTBEAT", &format!("idle heartbeats missed: {n}"))
}

fn reset(subject: &str, start: u64, consumer: &str) -> HookOp {
    event("reset", subject, &start.to_string(), consumer)
}

fn caught_up() -> HookOp {
    event("caught_up", "", "", "")
}

fn resubscribe(subject: &str) -> HookOp {
    HookOp::Resubscribe { subject: subject.into() }
}

/// A v1 (9-token) ack subject of stream S.
fn ack(consumer: &str, stream_seq: u64, delivery_seq: u64, pending: u64) -> String {
    format!("$JS.ACK.S.{consumer}.1.{stream_seq}.{delivery_seq}.1700000000000000000.{pending}")
}

/// A push heartbeat reporting the last delivered sequences.
fn heartbeat(last_consumer: u64, last_stream: u64) -> String {
    format!(
        "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: {last_consumer}\r\nNats-Last-Stream: {last_stream}\r\n\r\n"
    )
}

// ---- push ----

#[test]
fn push_heartbeats_are_dropped_and_ask_for_nothing() {
    let mut r = run(LegacyMode::Push, 1_000, 0);
    assert_eq!(status(&mut r, HB, 10), (Fate::Drop, vec![]));
    assert_eq!(status(&mut r, &heartbeat(3, 7), 20), (Fate::Drop, vec![]));
    assert_eq!(msg(&mut r, Some(&ack("C", 8, 4, 0)), "x", 30), (Fate::Deliver, vec![]));
}

#[test]
fn a_stalled_heartbeat_is_answered_at_once() {
    let mut r = run(LegacyMode::Push, 0, 0);
    let block = "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 2\r\nNats-Last-Stream: 2\r\n\
                 Nats-Consumer-Stalled: $JS.FC.S.C.abc\r\n\r\n";
    let publish = HookOp::Publish { subject: "$JS.FC.S.C.abc".into(), body: vec![] };
    assert_eq!(status(&mut r, block, 1), (Fate::Drop, vec![publish]));
}

#[test]
fn flow_control_becomes_an_fc_event_with_its_reply() {
    let mut r = run(LegacyMode::Push, 0, 0);
    let got = status_with_reply(&mut r, 100, Some(FC), Some("$JS.FC.S.C.xyz"), 1);
    assert_eq!(got, (Fate::Drop, vec![event("fc", "", "$JS.FC.S.C.xyz", "")]));
    // without a reply there is nothing to answer
    assert_eq!(status_with_reply(&mut r, 100, Some(FC), None, 2), (Fate::Drop, vec![]));
}

#[test]
fn two_missed_heartbeats_raise_an_error_at_the_exact_ms_then_one_per_interval() {
    let mut r = run(LegacyMode::Push, 1_000, 0);
    assert_eq!(r.poll_timeout(), Some(2_000));
    assert_eq!(timeout(&mut r, 1_999), []);
    assert_eq!(timeout(&mut r, 2_000), [missed(2)]);
    assert_eq!(r.poll_timeout(), Some(3_000));
    assert_eq!(timeout(&mut r, 3_000), [missed(3)]);
    // activity starts the count over
    assert_eq!(msg(&mut r, Some(&ack("C", 1, 1, 0)), "x", 3_500), (Fate::Deliver, vec![]));
    assert_eq!(r.poll_timeout(), Some(5_500));
    assert_eq!(timeout(&mut r, 5_499), []);
    assert_eq!(timeout(&mut r, 5_500), [missed(2)]);
}

#[test]
fn without_idle_heartbeat_nothing_is_monitored() {
    let mut r = run(LegacyMode::Push, 0, 0);
    assert_eq!(r.poll_timeout(), None);
    assert_eq!(timeout(&mut r, 1_000_000), []);
}

#[test]
fn a_disconnect_cancels_the_monitor_and_a_reconnect_restarts_it() {
    let mut r = run(LegacyMode::Push, 1_000, 0);
    r.on_disconnect(1_500);
    assert_eq!(r.poll_timeout(), None);
    assert_eq!(timeout(&mut r, 60_000), [], "silence while disconnected is no miss");
    r.on_reconnect(60_000);
    assert_eq!(ops(&mut r), []);
    assert_eq!(r.poll_timeout(), Some(62_000));
    assert_eq!(timeout(&mut r, 61_999), []);
    assert_eq!(timeout(&mut r, 62_000), [missed(2)]);
}

// ---- pull subscription ----

#[test]
fn pull_statuses_that_only_end_a_pull_are_swallowed_as_debug() {
    let mut r = run(LegacyMode::PullSubscription, 0, 0);
    assert_eq!(status(&mut r, TIMEOUT, 1), (Fate::Drop, vec![debug("408 request timeout")]));
    assert_eq!(status(&mut r, NO_MESSAGES, 2), (Fate::Drop, vec![debug("404 no messages")]));
    assert_eq!(status(&mut r, MAX_WAITING, 3), (Fate::Drop, vec![debug("409 exceeded maxwaiting")]));
    let leader = "NATS/1.0 409 Leadership Change\r\n\r\n";
    assert_eq!(status(&mut r, leader, 4), (Fate::Drop, vec![debug("409 leadership change")]));
    assert_eq!(msg(&mut r, Some(&ack("P", 1, 1, 0)), "x", 5), (Fate::Deliver, vec![]));
}

#[test]
fn terminal_pull_statuses_raise_an_error_and_the_subscription_goes_on() {
    let mut r = run(LegacyMode::PullSubscription, 0, 0);
    assert_eq!(status(&mut r, DELETED, 1), (Fate::Drop, vec![error("409", "consumer deleted")]));
    let push = "NATS/1.0 409 Consumer is push based\r\n\r\n";
    assert_eq!(status(&mut r, push, 2), (Fate::Drop, vec![error("409", "consumer is push based")]));
    assert_eq!(status(&mut r, "NATS/1.0 400 Bad Request\r\n\r\n", 3).1, [error("400", "bad request")]);
    assert_eq!(status(&mut r, "NATS/1.0 503\r\n\r\n", 4).1, [error("503", "")]);
    let missed = "NATS/1.0 409 Idle Heartbeats Missed\r\n\r\n";
    assert_eq!(status(&mut r, missed, 5).1, [error("IDLE_HEARTBEAT", "idle heartbeats missed")]);
    assert_eq!(msg(&mut r, Some(&ack("P", 1, 1, 0)), "x", 6), (Fate::Deliver, vec![]));
}

#[test]
fn a_watch_arms_the_monitor_until_the_pull_expires() {
    let mut r = run(LegacyMode::PullSubscription, 0, 0);
    assert_eq!(r.poll_timeout(), None, "no heartbeats before a pull asks for them");
    assert_eq!(input(&mut r, input::WATCH, "1000:10000", 100, 0), []);
    assert_eq!(r.poll_timeout(), Some(2_100));
    assert_eq!(status(&mut r, HB, 1_000), (Fate::Drop, vec![]));
    assert_eq!(r.poll_timeout(), Some(3_000), "a heartbeat is activity");
    assert_eq!(timeout(&mut r, 3_000), [missed(2)]);
    assert_eq!(timeout(&mut r, 4_000), [missed(3)]);
    // the pull expires at 10_100: the monitor stops there
    assert_eq!(timeout(&mut r, 9_000), [missed(8)]);
    assert_eq!(r.poll_timeout(), Some(10_000));
    assert_eq!(timeout(&mut r, 10_000), [missed(9)]);
    assert_eq!(r.poll_timeout(), Some(10_100));
    assert_eq!(timeout(&mut r, 10_100), []);
    assert_eq!(r.poll_timeout(), None);
    assert_eq!(timeout(&mut r, 50_000), [], "an expired pull is not watched");
    // the next pull arms it again
    assert_eq!(input(&mut r, input::WATCH, "500:2000", 60_000, 0), []);
    assert_eq!(r.poll_timeout(), Some(61_000));
    assert_eq!(timeout(&mut r, 61_000), [missed(2)]);
}

#[test]
fn a_watch_that_expires_before_two_misses_reports_nothing() {
    let mut r = run(LegacyMode::PullSubscription, 0, 0);
    assert_eq!(input(&mut r, input::WATCH, "1000:1500", 0, 0), []);
    assert_eq!(r.poll_timeout(), Some(1_500));
    assert_eq!(timeout(&mut r, 1_500), []);
    assert_eq!(r.poll_timeout(), None);
    // garbage WATCH data is a watch of nothing, not a panic
    assert_eq!(input(&mut r, input::WATCH, "x:y:z", 2_000, 0), []);
    assert_eq!(r.poll_timeout(), None);
}

// ---- fetch ----

#[test]
fn a_fetch_ends_after_batch_messages() {
    let mut r = fetch(3, 0, 5_000);
    assert_eq!(r.poll_timeout(), Some(5_000));
    assert_eq!(msg(&mut r, Some(&ack("F", 1, 1, 9)), "a", 1), (Fate::Deliver, vec![]));
    assert_eq!(msg(&mut r, Some(&ack("F", 2, 2, 8)), "b", 2), (Fate::Deliver, vec![]));
    assert_eq!(msg(&mut r, Some(&ack("F", 3, 3, 7)), "c", 3), (Fate::Deliver, vec![HookOp::End(None)]));
    assert_eq!(r.poll_timeout(), None);
    assert_eq!(msg(&mut r, Some(&ack("F", 4, 4, 6)), "d", 4), (Fate::Drop, vec![]), "nothing after the end");
    assert_eq!(status(&mut r, DELETED, 5), (Fate::Drop, vec![]));
    assert_eq!(timeout(&mut r, 5_000), []);
}

#[test]
fn a_fetch_ends_after_max_bytes_of_payload() {
    let mut r = fetch(100, 10, 5_000);
    assert_eq!(msg(&mut r, Some(&ack("F", 1, 1, 9)), "1234", 1), (Fate::Deliver, vec![]));
    assert_eq!(msg(&mut r, Some(&ack("F", 2, 2, 8)), "12345", 2), (Fate::Deliver, vec![]));
    let got = msg(&mut r, Some(&ack("F", 3, 3, 7)), "1", 3);
    assert_eq!(got, (Fate::Deliver, vec![HookOp::End(None)]), "4 + 5 + 1 = 10 payload bytes");
}

#[test]
fn a_fetch_ends_cleanly_on_404_and_408_and_at_its_deadline() {
    let mut r = fetch(10, 0, 5_000);
    assert_eq!(status(&mut r, NO_MESSAGES, 1), (Fate::Drop, vec![HookOp::End(None)]));
    let mut r = fetch(10, 0, 5_000);
    assert_eq!(msg(&mut r, Some(&ack("F", 1, 1, 0)), "x", 1).0, Fate::Deliver);
    assert_eq!(status(&mut r, TIMEOUT, 2), (Fate::Drop, vec![HookOp::End(None)]));
    let mut r = fetch(10, 0, 5_000);
    assert_eq!(status(&mut r, MAX_WAITING, 1), (Fate::Drop, vec![HookOp::End(None)]));
    let mut r = run(LegacyMode::Fetch { batch: 10, max_bytes: 0, expires_ms: 5_000 }, 0, 1_000);
    assert_eq!(r.poll_timeout(), Some(6_000));
    assert_eq!(timeout(&mut r, 5_999), []);
    assert_eq!(timeout(&mut r, 6_000), [HookOp::End(None)]);
    assert_eq!(r.poll_timeout(), None);
}

#[test]
fn a_no_wait_fetch_ends_when_the_ack_subject_says_nothing_is_pending() {
    let mut r = fetch(10, 0, 0);
    assert_eq!(r.poll_timeout(), None, "no_wait has no timer");
    assert_eq!(msg(&mut r, Some(&ack("F", 1, 1, 1)), "a", 1), (Fate::Deliver, vec![]));
    assert_eq!(msg(&mut r, Some(&ack("F", 2, 2, 0)), "b", 2), (Fate::Deliver, vec![HookOp::End(None)]));
    // a message without an ack subject does not end it (nothing says what is pending)
    let mut r = fetch(10, 0, 0);
    assert_eq!(msg(&mut r, None, "a", 1), (Fate::Deliver, vec![]));
    // with expires set, pending 0 is not the end: the timer is
    let mut r = fetch(10, 0, 1_000);
    assert_eq!(msg(&mut r, Some(&ack("F", 1, 1, 0)), "a", 1), (Fate::Deliver, vec![]));
}

#[test]
fn a_terminal_409_ends_a_fetch_with_the_error() {
    let mut r = fetch(10, 0, 5_000);
    let end = HookOp::End(Some(("409".into(), "consumer deleted".into())));
    assert_eq!(status(&mut r, DELETED, 1), (Fate::Drop, vec![end]));
}

#[test]
fn a_fetch_with_heartbeats_ends_with_an_error_after_two_misses() {
    let mut r = run(LegacyMode::Fetch { batch: 10, max_bytes: 0, expires_ms: 30_000 }, 1_000, 0);
    assert_eq!(status(&mut r, HB, 500), (Fate::Drop, vec![]));
    assert_eq!(r.poll_timeout(), Some(2_500));
    let end = HookOp::End(Some(("IDLE_HEARTBEAT".into(), "idle heartbeats missed: 2".into())));
    assert_eq!(timeout(&mut r, 2_500), [end]);
    assert_eq!(r.poll_timeout(), None);
}

// ---- ordered push ----

#[test]
fn ordered_push_delivers_in_order() {
    let mut r = ordered_run(5_000);
    for i in 1..=2 {
        assert_eq!(msg(&mut r, Some(&ack("OC_0", i * 10, i, 3 - i)), "x", i), (Fate::Deliver, vec![]), "{i}");
    }
    assert_eq!(msg(&mut r, Some(&ack("OC_0", 30, 3, 0)), "x", 3), (Fate::Deliver, vec![caught_up()]));
    assert_eq!(status(&mut r, &heartbeat(3, 30), 10), (Fate::Drop, vec![]), "in step: no reset");
}

#[test]
fn caught_up_follows_the_first_delivered_message_with_nothing_pending_once() {
    let mut r = ordered_run(5_000);
    assert_eq!(msg(&mut r, Some(&ack("OC_0", 10, 1, 2)), "a", 1), (Fate::Deliver, vec![]));
    // a gap: the dropped message says nothing pending, but it is not delivered
    let subject = format!("{INBOX}.1");
    let got = msg(&mut r, Some(&ack("OC_0", 13, 3, 0)), "c", 2);
    assert_eq!(got, (Fate::Drop, vec![resubscribe(&subject), reset(&subject, 11, "OC_1")]));
    assert_eq!(input(&mut r, input::OK, "", 3, 0), []);
    assert_eq!(msg(&mut r, Some(&ack("OC_1", 11, 1, 2)), "b", 4), (Fate::Deliver, vec![]));
    assert_eq!(msg(&mut r, Some(&ack("OC_1", 12, 2, 1)), "c", 5), (Fate::Deliver, vec![]));
    assert_eq!(msg(&mut r, Some(&ack("OC_1", 13, 3, 0)), "d", 6), (Fate::Deliver, vec![caught_up()]));
    // live updates after it: nothing pending each time, no second event
    assert_eq!(msg(&mut r, Some(&ack("OC_1", 14, 4, 0)), "e", 7), (Fate::Deliver, vec![]));
}

#[test]
fn a_gap_resets_to_a_new_consumer_and_drops_the_old_ones_messages() {
    let mut r = ordered_run(5_000);
    assert_eq!(msg(&mut r, Some(&ack("OC_0", 10, 1, 0)), "a", 1).0, Fate::Deliver);
    assert_eq!(msg(&mut r, Some(&ack("OC_0", 11, 2, 0)), "b", 2).0, Fate::Deliver);
    let got = msg(&mut r, Some(&ack("OC_0", 13, 4, 0)), "d", 3);
    let subject = format!("{INBOX}.1");
    assert_eq!(got, (Fate::Drop, vec![resubscribe(&subject), reset(&subject, 12, "OC_1")]));
    assert_eq!(r.poll_timeout(), Some(10_003), "the new consumer gets a whole monitor period");
    // late messages of the old consumer
    assert_eq!(msg(&mut r, Some(&ack("OC_0", 12, 3, 0)), "c", 4), (Fate::Drop, vec![]));
    assert_eq!(msg(&mut r, Some(&ack("OC_0", 14, 5, 0)), "e", 5), (Fate::Drop, vec![]));
    assert_eq!(input(&mut r, input::OK, "", 6, 0), []);
    assert_eq!(msg(&mut r, Some(&ack("OC_1", 12, 1, 0)), "c", 7), (Fate::Deliver, vec![]));
    assert_eq!(msg(&mut r, Some(&ack("OC_1", 13, 2, 0)), "d", 8), (Fate::Deliver, vec![]));
    // a second gap: the chain goes on
    let subject = format!("{INBOX}.2");
    let got = msg(&mut r, Some(&ack("OC_1", 15, 4, 0)), "f", 9);
    assert_eq!(got, (Fate::Drop, vec![resubscribe(&subject), reset(&subject, 14, "OC_2")]));
}

#[test]
fn a_reset_before_any_message_starts_at_sequence_one() {
    let mut r = ordered_run(5_000);
    let subject = format!("{INBOX}.1");
    let got = msg(&mut r, Some(&ack("OC_0", 5, 2, 0)), "x", 1);
    assert_eq!(got, (Fate::Drop, vec![resubscribe(&subject), reset(&subject, 1, "OC_1")]));
}

#[test]
fn a_message_of_the_new_consumer_settles_the_reset_before_the_answer() {
    let mut r = ordered_run(5_000);
    msg(&mut r, Some(&ack("OC_0", 1, 1, 0)), "a", 1);
    msg(&mut r, Some(&ack("OC_0", 3, 3, 0)), "c", 2); // gap: reset to OC_1 from 2
    assert_eq!(msg(&mut r, Some(&ack("OC_1", 2, 1, 0)), "b", 3), (Fate::Deliver, vec![]));
    // the creation's answer comes late and, even failed, changes nothing: the consumer exists
    assert_eq!(input(&mut r, input::FAILED, "timeout", 4, 0), []);
    assert_eq!(input(&mut r, input::OK, "", 5, 0), []);
    assert_eq!(r.poll_timeout(), Some(3 + 10_000), "no retry is pending");
    assert_eq!(msg(&mut r, Some(&ack("OC_1", 3, 2, 0)), "c", 6), (Fate::Deliver, vec![]));
}

#[test]
fn a_failed_creation_is_retried_at_a_jittered_time() {
    let mut r = ordered_run(4_000);
    msg(&mut r, Some(&ack("OC_0", 1, 1, 0)), "a", 1);
    let subject = format!("{INBOX}.1");
    let got = msg(&mut r, Some(&ack("OC_0", 3, 3, 0)), "c", 100);
    assert_eq!(got.1, [resubscribe(&subject), reset(&subject, 2, "OC_1")]);
    let got = input(&mut r, input::FAILED, "stream not found", 200, 1 << 63);
    assert_eq!(got, [debug("unable to recreate ordered consumer: stream not found")]);
    // jitter(4000, middle) = 2000 + 2000
    assert_eq!(r.poll_timeout(), Some(4_200));
    assert_eq!(timeout(&mut r, 4_199), []);
    assert_eq!(timeout(&mut r, 4_200), [reset(&subject, 2, "OC_1")], "the same consumer asked again");
    assert_eq!(
        input(&mut r, input::FAILED, "again", 4_300, 0),
        [debug("unable to recreate ordered consumer: again")]
    );
    assert_eq!(r.poll_timeout(), Some(6_300), "jitter(4000, 0) = 2000");
    assert_eq!(input(&mut r, input::OK, "", 5_000, 0), []);
    assert_eq!(r.poll_timeout(), Some(13_000), "settled: the monitor, restarted by the answer");
    assert_eq!(msg(&mut r, Some(&ack("OC_1", 2, 1, 0)), "b", 5_001), (Fate::Deliver, vec![]));
}

#[test]
fn without_heartbeats_a_failed_creation_is_retried_after_about_five_seconds() {
    let mut r = ordered_run(0);
    let subject = format!("{INBOX}.1");
    assert_eq!(
        msg(&mut r, Some(&ack("OC_0", 1, 2, 0)), "x", 0).1,
        [resubscribe(&subject), reset(&subject, 1, "OC_1")]
    );
    input(&mut r, input::FAILED, "no responders", 0, 0);
    assert_eq!(r.poll_timeout(), Some(2_500), "jitter(5000, 0)");
}

#[test]
fn a_heartbeat_behind_or_ahead_of_the_delivered_sequence_resets() {
    let mut r = ordered_run(5_000);
    msg(&mut r, Some(&ack("OC_0", 10, 1, 0)), "a", 1);
    msg(&mut r, Some(&ack("OC_0", 11, 2, 0)), "b", 2);
    let subject = format!("{INBOX}.1");
    let got = status(&mut r, &heartbeat(3, 12), 3);
    assert_eq!(got, (Fate::Drop, vec![resubscribe(&subject), reset(&subject, 12, "OC_1")]));
    // while the reset is out, heartbeats (of either consumer) do not reset again
    assert_eq!(status(&mut r, &heartbeat(7, 20), 4), (Fate::Drop, vec![]));
    assert_eq!(input(&mut r, input::OK, "", 5, 0), []);
    // the new consumer's heartbeat before any delivery: 0 is in step
    assert_eq!(status(&mut r, &heartbeat(0, 11), 6), (Fate::Drop, vec![]));
    // a heartbeat without sequences (none to compare) is no reason to reset
    assert_eq!(status(&mut r, HB, 7), (Fate::Drop, vec![]));
}

#[test]
fn two_missed_heartbeats_reset_an_ordered_consumer_only_while_connected() {
    let mut r = ordered_run(1_000);
    msg(&mut r, Some(&ack("OC_0", 4, 1, 0)), "a", 0);
    let subject = format!("{INBOX}.1");
    assert_eq!(timeout(&mut r, 2_000), [resubscribe(&subject), reset(&subject, 5, "OC_1")]);
    assert_eq!(input(&mut r, input::OK, "", 2_010, 0), []);
    r.on_disconnect(2_100);
    assert_eq!(r.poll_timeout(), None);
    assert_eq!(timeout(&mut r, 20_000), []);
    r.on_reconnect(20_000);
    assert_eq!(r.poll_timeout(), Some(22_000));
    let subject = format!("{INBOX}.2");
    assert_eq!(timeout(&mut r, 22_000), [resubscribe(&subject), reset(&subject, 5, "OC_2")]);
}

// ---- hostile input ----

#[test]
fn garbage_status_headers_are_debug_events_never_a_panic() {
    for mode in [
        LegacyMode::Push,
        LegacyMode::PullSubscription,
        LegacyMode::OrderedPush { inbox: INBOX.into(), name: "OC".into() },
    ] {
        let mut r = run(mode.clone(), 1_000, 0);
        let (fate, got) = status_with_reply(&mut r, 100, Some("garbage"), None, 1);
        assert_eq!(fate, Fate::Drop);
        assert!(
            matches!(&got[..], [HookOp::Event { kind: "status", name, data, .. }]
                if name == "debug" && data.starts_with("100 unreadable status headers")),
            "{mode:?}: {got:?}"
        );
        let (fate, got) = status_with_reply(&mut r, 408, None, None, 2);
        assert_eq!(fate, Fate::Drop);
        assert!(matches!(&got[..], [HookOp::Event { kind: "status", .. }]), "{mode:?}: {got:?}");
        let bad = "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: many\r\n\r\n";
        let got = status(&mut r, bad, 3);
        assert_eq!(got, (Fate::Drop, vec![debug("100 bad Nats-Last-Consumer header: \"many\"")]), "{mode:?}");
    }
}

#[test]
fn a_malformed_ack_subject_on_an_ordered_consumer_is_dropped_with_a_debug_event() {
    let mut r = ordered_run(5_000);
    for reply in [None, Some("not.an.ack"), Some("$JS.ACK.S.OC_0.1.x.1.0.0"), Some("$JS.ACK.S.OC_0.1.1")] {
        let (fate, got) = msg(&mut r, reply, "x", 1);
        assert_eq!(fate, Fate::Drop, "{reply:?}");
        assert!(
            matches!(&got[..], [HookOp::Event { kind: "status", name, data, .. }]
                if name == "debug" && data.starts_with("dropped a message: ")),
            "{reply:?}: {got:?}"
        );
    }
    // the sequence is untouched: the next good message is still delivery 1
    assert_eq!(msg(&mut r, Some(&ack("OC_0", 1, 1, 0)), "x", 2), (Fate::Deliver, vec![caught_up()]));
}

#[test]
fn garbage_pending_on_a_terminal_or_ending_status_still_ends_or_errors() {
    // a no_wait fetch has no timer: a 404 it cannot read must still end it
    let mut r = fetch(10, 0, 0);
    let block = "NATS/1.0 404 No Messages\r\nNats-Pending-Messages: x\r\n\r\n";
    let got = status(&mut r, block, 1);
    assert_eq!(
        got,
        (Fate::Drop, vec![debug("404 bad Nats-Pending-Messages header: \"x\""), HookOp::End(None)])
    );
    let mut r = run(LegacyMode::PullSubscription, 0, 0);
    let block = "NATS/1.0 409 Consumer Deleted\r\nNats-Pending-Bytes: -1\r\n\r\n";
    let got = status(&mut r, block, 1);
    let expected = vec![debug("409 bad Nats-Pending-Bytes header: \"-1\""), error("409", "consumer deleted")];
    assert_eq!(got, (Fate::Drop, expected));
}

/// Random inputs for every mode: never a panic, at most one `End` and nothing after it.
#[test]
fn random_input_sequences() {
    let blocks = [
        HB,
        FC,
        TIMEOUT,
        NO_MESSAGES,
        DELETED,
        MAX_WAITING,
        "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 9\r\nNats-Consumer-Stalled: fc\r\n\r\n",
        "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: -3\r\n\r\n",
        "NATS/1.0 503\r\n\r\n",
        "junk",
    ];
    let mut next = super::xorshift();
    for round in 0..300 {
        let mode = match round % 4 {
            0 => LegacyMode::Push,
            1 => LegacyMode::OrderedPush { inbox: INBOX.into(), name: "OC".into() },
            2 => LegacyMode::PullSubscription,
            _ => LegacyMode::Fetch {
                batch: next() % 5 + 1,
                max_bytes: next() % 20,
                expires_ms: next() % 3 * 1000,
            },
        };
        let mut r = LegacyRun::new(mode, next() % 3 * 500, 0);
        let mut now = 0;
        let mut ended = false;
        for _ in 0..60 {
            now += next() % 1_500;
            match next() % 6 {
                0 => {
                    let block = blocks[(next() % blocks.len() as u64) as usize];
                    let code = block.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(100);
                    status_with_reply(&mut r, code, Some(block), Some("$JS.FC.S.C.1"), now);
                }
                1 => {
                    let consumer = format!("OC_{}", next() % 3);
                    let reply = ack(&consumer, next() % 10, next() % 5, next() % 2);
                    msg(&mut r, Some(&reply), "xyz", now);
                }
                2 => r.on_input(
                    [input::OK, input::FAILED, input::WATCH, 77][(next() % 4) as usize],
                    "1000:500",
                    now,
                    next(),
                ),
                3 => r.handle_timeout(r.poll_timeout().unwrap_or(now).max(now), next()),
                4 => r.on_disconnect(now),
                _ => r.on_reconnect(now),
            }
            for op in ops(&mut r) {
                assert!(!ended, "round {round}: {op:?} after the end");
                ended |= matches!(op, HookOp::End(_));
            }
        }
    }
}

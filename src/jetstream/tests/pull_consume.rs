//! consume(): refilling at the threshold, statuses that end pulls, events that do not stop it.

use super::*;
use crate::jetstream::pull::{Event, Owed, StopError};

#[test]
fn refills_when_pending_falls_to_three_quarters() {
    let (mut pull, first) = start(PullOptions::default(), Mode::Consume, 0);
    assert_eq!(first, [default_pull(100)]);
    for i in 1..25 {
        assert_eq!(message(&mut pull, 10, i), [Action::Deliver], "message {i}");
    }
    assert_eq!(pull.owed(), Owed { messages: 76, bytes: 0, requests: 1 });
    // the 25th leaves 75 owed: the refill is queued behind it
    assert_eq!(message(&mut pull, 10, 25), [Action::Deliver, default_pull(25)]);
    assert_eq!(pull.owed(), Owed { messages: 100, bytes: 0, requests: 2 });
}

#[test]
fn the_pull_body_is_json_with_nanosecond_times() {
    let (_, first) =
        start(PullOptions { max_messages: 7, expires_ms: 2_000, ..Default::default() }, Mode::Consume, 0);
    let Action::Pull { body, .. } = &first[0] else { panic!("{first:?}") };
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"batch":7,"max_bytes":0,"idle_heartbeat":1_000_000_000u64,"expires":2_000_000_000u64})
    );
}

#[test]
fn byte_limited_consume_refills_by_bytes() {
    let opts = PullOptions { max_bytes: 1_000, ..Default::default() };
    let (mut pull, first) = start(opts, Mode::Consume, 0);
    assert_eq!(first, [default_pull_bytes(100, 1_000)]);
    assert_eq!(message(&mut pull, 100, 1), [Action::Deliver]);
    assert_eq!(message(&mut pull, 100, 2), [Action::Deliver]);
    // 700 bytes owed ≤ 750: refill 3 messages' worth of batch and 300 bytes
    assert_eq!(message(&mut pull, 100, 3), [Action::Deliver, default_pull_bytes(3, 300)]);
    assert_eq!(pull.owed(), Owed { messages: 100, bytes: 1_000, requests: 2 });
}

fn default_pull_bytes(batch: u64, max_bytes: u64) -> Action {
    pull_action(batch, max_bytes, 15_000_000_000, 30_000_000_000)
}

#[test]
fn request_timeout_gives_back_what_it_owed_and_refills() {
    let (mut pull, _) = start(PullOptions::default(), Mode::Consume, 0);
    for i in 0..10 {
        message(&mut pull, 5, i);
    }
    let actions = status(
        &mut pull,
        "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 90\r\nNats-Pending-Bytes: 0\r\n\r\n",
        30_000,
    );
    assert_eq!(
        actions,
        [Action::Event(Event::Discard { messages: 90, bytes: 0 }), default_pull(100)],
        "nothing owed any more: the whole batch is asked again"
    );
    assert_eq!(pull.owed(), Owed { messages: 100, bytes: 0, requests: 1 });
}

#[test]
fn conflict_with_pending_counts_like_a_timeout() {
    let (mut pull, _) = start(PullOptions { max_bytes: 100, ..Default::default() }, Mode::Consume, 0);
    let actions = status(
        &mut pull,
        "NATS/1.0 409 Message Size Exceeds MaxBytes\r\nNats-Pending-Messages: 100\r\nNats-Pending-Bytes: 100\r\n\r\n",
        5,
    );
    assert_eq!(
        actions,
        [Action::Event(Event::Discard { messages: 100, bytes: 100 }), default_pull_bytes(100, 100)]
    );
}

#[test]
fn statuses_that_change_nothing_are_debug_events() {
    let (mut pull, _) = start(PullOptions::default(), Mode::Consume, 0);
    let cases = [
        ("NATS/1.0 404 No Messages\r\n\r\n", 404, "no messages"),
        ("NATS/1.0 408 Request Timeout\r\n\r\n", 408, "request timeout"),
        ("NATS/1.0 409 Exceeded MaxWaiting\r\n\r\n", 409, "exceeded maxwaiting"),
        ("NATS/1.0 409 Consumer is push based\r\n\r\n", 409, "consumer is push based"),
        ("NATS/1.0 409 Leadership Change\r\n\r\n", 409, "leadership change"),
        ("NATS/1.0 100 FlowControl Request\r\n\r\n", 100, "flowcontrol request"),
        ("NATS/1.0 408\r\n\r\n", 408, "unknown"),
    ];
    for (block, code, description) in cases {
        let want = [Action::Event(Event::Debug { code, description: description.into() })];
        assert_eq!(status(&mut pull, block, 1), want, "{block:?}");
    }
    assert_eq!(pull.owed(), Owed { messages: 100, bytes: 0, requests: 1 });
    assert!(!pull.is_done());
}

#[test]
fn heartbeats_change_nothing_but_the_monitor() {
    let (mut pull, _) = start(PullOptions::default(), Mode::Consume, 0);
    assert_eq!(pull.poll_timeout(), Some(30_000));
    assert_eq!(status(&mut pull, "NATS/1.0 100 Idle Heartbeat\r\n\r\n", 20_000), []);
    assert_eq!(pull.poll_timeout(), Some(50_000));
    assert_eq!(pull.owed(), Owed { messages: 100, bytes: 0, requests: 1 });
}

#[test]
fn consumer_deleted_and_no_responders_are_events_in_consume() {
    let (mut pull, _) = start(PullOptions::default(), Mode::Consume, 0);
    assert_eq!(
        status(&mut pull, "NATS/1.0 409 Consumer Deleted\r\n\r\n", 1),
        [Action::Event(Event::ConsumerDeleted)]
    );
    assert_eq!(status(&mut pull, "NATS/1.0 503\r\n\r\n", 2), [Action::Event(Event::NoResponders)]);
    assert!(!pull.is_done());
}

#[test]
fn consumer_deleted_stops_when_aborting_on_missing_resources() {
    let opts = PullOptions { abort_on_missing_resource: true, ..Default::default() };
    let (mut pull, _) = start(opts, Mode::Consume, 0);
    let stop = Action::Stop(Some(StopError::Status { code: 409, description: "consumer deleted".into() }));
    assert_eq!(
        status(&mut pull, "NATS/1.0 409 Consumer Deleted\r\n\r\n", 1),
        [Action::Event(Event::ConsumerDeleted), stop]
    );
    assert!(pull.is_done());
    assert_eq!(pull.poll_timeout(), None);
}

#[test]
fn bad_request_always_stops() {
    let (mut pull, _) = start(PullOptions::default(), Mode::Consume, 0);
    let stop = Action::Stop(Some(StopError::Status { code: 400, description: "bad request".into() }));
    assert_eq!(status(&mut pull, "NATS/1.0 400 Bad Request\r\n\r\n", 1), [stop]);
    assert_eq!(message(&mut pull, 1, 2), [], "nothing after the stop");
    pull.stop();
    assert_eq!(drain(&mut pull), [], "stops once");
}

#[test]
fn user_stop() {
    let (mut pull, _) = start(PullOptions::default(), Mode::Consume, 0);
    pull.stop();
    assert_eq!(drain(&mut pull), [Action::Stop(None)]);
    pull.handle_timeout(1_000_000);
    assert_eq!(drain(&mut pull), []);
}

#[test]
fn a_threshold_at_the_limit_never_pulls_for_nothing() {
    let opts = PullOptions { max_messages: 2, threshold_messages: 2, ..Default::default() };
    let (mut pull, first) = start(opts, Mode::Consume, 0);
    assert_eq!(first, [default_pull(2)]);
    assert_eq!(message(&mut pull, 1, 1), [Action::Deliver, default_pull(1)]);
    assert_eq!(pull.owed().messages, 2);
}

#[test]
fn max_messages_one_keeps_flowing() {
    // ADR-37: consume must not get stuck with max_messages 1 and the default threshold.
    let (mut pull, first) = start(PullOptions { max_messages: 1, ..Default::default() }, Mode::Consume, 0);
    assert_eq!(first, [default_pull(1)]);
    for i in 1..5 {
        assert_eq!(message(&mut pull, 1, i), [Action::Deliver, default_pull(1)]);
    }
}

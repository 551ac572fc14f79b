//! Hostile input: garbage status headers and random input sequences give error values or events,
//! never a panic, and a stopped machine stays silent.

use super::*;
use crate::jetstream::pull::{Check, Event, Owed};
use crate::jetstream::status::{StatusError, header};

#[test]
fn garbage_pending_headers_are_reported_not_counted() {
    let (mut pull, _) = start(PullOptions::default(), Mode::Consume, 0);
    let actions = status(
        &mut pull,
        "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: NaN\r\nNats-Pending-Bytes: 0\r\n\r\n",
        1,
    );
    let error = StatusError::BadHeader { name: header::PENDING_MESSAGES, value: "NaN".into() };
    assert_eq!(actions, [Action::Event(Event::Invalid { code: 408, error })]);
    assert_eq!(pull.owed(), Owed { messages: 100, bytes: 0, requests: 1 }, "nothing subtracted");
    let huge = "NATS/1.0 408 Request Timeout\r\nNats-Pending-Bytes: 99999999999999999999999\r\n\r\n";
    assert!(matches!(status(&mut pull, huge, 2)[..], [Action::Event(Event::Invalid { code: 408, .. })]));
}

#[test]
fn pending_larger_than_owed_saturates() {
    let (mut pull, _) = start(PullOptions { max_messages: 5, ..Default::default() }, Mode::Fetch, 0);
    let max = u64::MAX;
    let block = format!(
        "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: {max}\r\nNats-Pending-Bytes: {max}\r\n\r\n"
    );
    let actions = status(&mut pull, &block, 1);
    assert_eq!(actions, [Action::Event(Event::Discard { messages: max, bytes: max }), Action::Stop(None)]);
    assert_eq!(pull.owed(), Owed::default());
}

#[test]
fn unknown_and_out_of_range_codes() {
    let (mut pull, _) = start(PullOptions::default(), Mode::Consume, 0);
    pull.on_status(0, "", "", |_| None, 1);
    pull.on_status(1000, "x", "", |_| None, 1);
    pull.on_status(999, "Weird", "", |_| Some("garbage"), 1);
    let actions = drain(&mut pull);
    assert_eq!(
        actions,
        [
            Action::Event(Event::Invalid { code: 0, error: StatusError::NotAStatus(0) }),
            Action::Event(Event::Invalid { code: 1000, error: StatusError::NotAStatus(1000) }),
            Action::Event(Event::Invalid {
                code: 999,
                error: StatusError::BadHeader { name: header::PENDING_MESSAGES, value: "garbage".into() }
            }),
        ]
    );
}

/// Random inputs for every mode: never a panic, at most one `Stop` and nothing after it, owed
/// messages never above max_messages, and `poll_timeout` never in the past of a handled deadline.
#[test]
fn random_input_sequences() {
    let blocks = [
        "NATS/1.0 100 Idle Heartbeat\r\n\r\n",
        "NATS/1.0 100 FlowControl Request\r\n\r\n",
        "NATS/1.0 400 Bad Request\r\n\r\n",
        "NATS/1.0 404 No Messages\r\n\r\n",
        "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 3\r\nNats-Pending-Bytes: 17\r\n\r\n",
        "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: -3\r\n\r\n",
        "NATS/1.0 409 Consumer Deleted\r\n\r\n",
        "NATS/1.0 409 Exceeded MaxWaiting\r\n\r\n",
        "NATS/1.0 503\r\n\r\n",
    ];
    let mut next = super::xorshift();
    for run in 0..400 {
        let mode = if run % 2 == 0 { Mode::Consume } else { Mode::Fetch };
        let opts = PullOptions {
            max_messages: if run % 3 == 0 { 0 } else { next() % 20 + 1 },
            max_bytes: if run % 3 == 0 { next() % 500 + 1 } else { 0 },
            abort_on_missing_resource: run % 5 == 0,
            bind: run % 7 == 0,
            ..Default::default()
        };
        let (mut pull, mut seen) = start(opts, mode, 0);
        let max_messages = pull.settings().max_messages;
        let mut now = 0;
        for _ in 0..200 {
            now += next() % 20_000;
            match next() % 8 {
                0 | 1 => pull.on_message(next() % 200, now),
                2 | 3 => {
                    let h =
                        Headers::decode(blocks[(next() % blocks.len() as u64) as usize].as_bytes()).unwrap();
                    pull.on_status(h.code, &h.description, "", |k| h.get(k), now);
                }
                4 => pull.handle_timeout(now),
                5 => {
                    let answers =
                        [Check::Found, Check::StreamNotFound, Check::ConsumerNotFound, Check::Failed];
                    pull.consumer_checked(answers[(next() % 4) as usize], now, next());
                }
                6 => pull.on_disconnect(),
                _ => pull.on_reconnect(now),
            }
            seen.extend(drain(&mut pull));
            assert!(pull.owed().messages <= max_messages, "run {run}: {:?}", pull.owed());
            if let Some(deadline) = pull.poll_timeout()
                && deadline <= now
            {
                pull.handle_timeout(now);
                seen.extend(drain(&mut pull));
            }
        }
        let stops = seen.iter().filter(|a| matches!(a, Action::Stop(_))).count();
        assert!(stops <= 1, "run {run}: {stops} stops");
        if stops == 1 {
            assert!(
                matches!(seen.last(), Some(Action::Stop(_))),
                "run {run}: actions after the stop: {seen:?}"
            );
        }
    }
}

//! fetch()/next(): one pull, ended by the batch, by the server's end-of-pull status, or by the
//! client-side timer.

use super::*;
use crate::jetstream::pull::{Event, StopError};

#[test]
fn ends_when_the_batch_is_delivered() {
    let (mut pull, first) = start(PullOptions { max_messages: 3, ..Default::default() }, Mode::Fetch, 0);
    assert_eq!(first, [default_pull(3)]);
    assert_eq!(message(&mut pull, 10, 1), [Action::Deliver]);
    assert_eq!(message(&mut pull, 10, 2), [Action::Deliver]);
    assert_eq!(message(&mut pull, 10, 3), [Action::Deliver, Action::Stop(None)]);
    assert!(pull.is_done());
}

#[test]
fn ends_on_the_servers_timeout_with_pending() {
    let (mut pull, _) = start(PullOptions { max_messages: 3, ..Default::default() }, Mode::Fetch, 0);
    message(&mut pull, 10, 1);
    let actions = status(
        &mut pull,
        "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 2\r\nNats-Pending-Bytes: 0\r\n\r\n",
        29_000,
    );
    assert_eq!(actions, [Action::Event(Event::Discard { messages: 2, bytes: 0 }), Action::Stop(None)]);
}

#[test]
fn the_client_timer_ends_it_at_105_percent_of_expires() {
    let (mut pull, _) = start(PullOptions { max_messages: 3, ..Default::default() }, Mode::Fetch, 1_000);
    assert_eq!(pull.poll_timeout(), Some(31_000), "the second missed heartbeat comes first");
    pull.handle_timeout(31_000);
    assert_eq!(drain(&mut pull), [Action::Event(Event::HeartbeatsMissed(2)), Action::CheckConsumer]);
    assert_eq!(pull.poll_timeout(), Some(32_500));
    pull.handle_timeout(32_499);
    assert_eq!(drain(&mut pull), []);
    pull.handle_timeout(32_500);
    assert_eq!(drain(&mut pull), [Action::Stop(None)]);
    assert_eq!(pull.poll_timeout(), None);
}

#[test]
fn terminal_statuses_in_fetch() {
    let cases = [
        ("NATS/1.0 409 Consumer Deleted\r\n\r\n", Some(Event::ConsumerDeleted), 409, "consumer deleted"),
        ("NATS/1.0 503\r\n\r\n", Some(Event::NoResponders), 503, "no responders"),
        ("NATS/1.0 400 Bad Request\r\n\r\n", None, 400, "bad request"),
    ];
    for (block, event, code, description) in cases {
        let (mut pull, _) = start(PullOptions::default(), Mode::Fetch, 0);
        let mut want: Vec<Action> = event.into_iter().map(Action::Event).collect();
        want.push(Action::Stop(Some(StopError::Status { code, description: description.into() })));
        assert_eq!(status(&mut pull, block, 1), want, "{block:?}");
    }
}

#[test]
fn no_messages_without_pending_waits_for_the_timer() {
    let (mut pull, _) = start(PullOptions::default(), Mode::Fetch, 0);
    let debug = Event::Debug { code: 404, description: "no messages".into() };
    assert_eq!(status(&mut pull, "NATS/1.0 404 No Messages\r\n\r\n", 1), [Action::Event(debug)]);
    assert!(!pull.is_done());
}

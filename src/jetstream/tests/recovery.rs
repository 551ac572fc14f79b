//! Missed heartbeats, disconnects and consumer checks, with backoff, on a virtual clock.

use super::*;
use crate::jetstream::pull::{Check, Event, Owed, StopError};

#[test]
fn missed_heartbeats_check_the_consumer_then_pull_afresh() {
    let (mut pull, _) = start(PullOptions::default(), Mode::Consume, 0);
    message(&mut pull, 1, 1_000);
    assert_eq!(pull.poll_timeout(), Some(31_000));
    pull.handle_timeout(31_000);
    assert_eq!(drain(&mut pull), [Action::Event(Event::HeartbeatsMissed(2)), Action::CheckConsumer]);
    pull.consumer_checked(Check::Found, 31_020, 0);
    assert_eq!(drain(&mut pull), [default_pull(100)], "whatever was owed is forgotten");
    assert_eq!(pull.owed(), Owed { messages: 100, bytes: 0, requests: 1 });
    // the monitor keeps counting until something arrives
    assert_eq!(pull.poll_timeout(), Some(46_000));
    pull.handle_timeout(46_000);
    assert_eq!(drain(&mut pull), [Action::Event(Event::HeartbeatsMissed(3)), Action::CheckConsumer]);
    status(&mut pull, "NATS/1.0 100 Idle Heartbeat\r\n\r\n", 50_000);
    assert_eq!(pull.poll_timeout(), Some(80_000));
}

#[test]
fn disconnect_pauses_the_monitor_and_reconnect_checks_then_resumes() {
    let (mut pull, _) = start(PullOptions::default(), Mode::Consume, 0);
    pull.on_disconnect();
    assert_eq!(pull.poll_timeout(), None, "consume has no other timer");
    pull.handle_timeout(500_000);
    assert_eq!(drain(&mut pull), []);
    pull.on_reconnect(600_000);
    assert_eq!(drain(&mut pull), [Action::CheckConsumer]);
    assert_eq!(pull.poll_timeout(), None, "the monitor resumes only once the consumer is confirmed");
    pull.consumer_checked(Check::Found, 600_040, 0);
    assert_eq!(drain(&mut pull), [default_pull(100)]);
    assert_eq!(pull.poll_timeout(), Some(630_040));
}

#[test]
fn failed_checks_back_off_and_count_each_kind() {
    let (mut pull, _) = start(PullOptions::default(), Mode::Consume, 0);
    pull.handle_timeout(30_000);
    assert_eq!(drain(&mut pull), [Action::Event(Event::HeartbeatsMissed(2)), Action::CheckConsumer]);
    // wait = 15 s + random share of 30 s
    pull.consumer_checked(Check::StreamNotFound, 30_100, 0);
    assert_eq!(drain(&mut pull), [Action::Event(Event::StreamNotFound(1))]);
    assert_eq!(pull.poll_timeout(), Some(45_000), "the monitor's next miss is due first");
    pull.handle_timeout(45_000);
    assert_eq!(
        drain(&mut pull),
        [Action::Event(Event::HeartbeatsMissed(3))],
        "no second check while backing off"
    );
    pull.handle_timeout(45_100);
    assert_eq!(drain(&mut pull), [Action::CheckConsumer]);
    pull.consumer_checked(Check::StreamNotFound, 45_200, u64::MAX);
    assert_eq!(drain(&mut pull), [Action::Event(Event::StreamNotFound(2))]);
    pull.handle_timeout(45_200 + 44_999);
    assert_eq!(drain(&mut pull), [Action::Event(Event::HeartbeatsMissed(6)), Action::CheckConsumer]);
    pull.consumer_checked(Check::ConsumerNotFound, 90_300, 0);
    assert_eq!(drain(&mut pull), [Action::Event(Event::ConsumerNotFound(1))]);
    pull.handle_timeout(105_300);
    assert_eq!(drain(&mut pull), [Action::Event(Event::HeartbeatsMissed(7)), Action::CheckConsumer]);
    pull.consumer_checked(Check::Failed, 105_400, 0);
    assert_eq!(drain(&mut pull), [], "an unclear failure resets the counts and waits");
    pull.handle_timeout(120_400);
    assert_eq!(drain(&mut pull), [Action::Event(Event::HeartbeatsMissed(8)), Action::CheckConsumer]);
    pull.consumer_checked(Check::StreamNotFound, 120_500, 0);
    assert_eq!(drain(&mut pull), [Action::Event(Event::StreamNotFound(1))]);
    assert!(!pull.is_done());
}

#[test]
fn a_reconnect_during_a_check_still_resumes_the_monitor() {
    let (mut pull, _) = start(PullOptions::default(), Mode::Consume, 0);
    pull.handle_timeout(30_000);
    drain(&mut pull);
    pull.on_disconnect();
    pull.on_reconnect(31_000);
    assert_eq!(drain(&mut pull), [], "joins the check already out");
    pull.consumer_checked(Check::Found, 31_500, 0);
    assert_eq!(drain(&mut pull), [default_pull(100)]);
    assert_eq!(pull.poll_timeout(), Some(61_500));
}

#[test]
fn missing_resources_stop_fetch_and_aborting_consume() {
    for (mode, abort) in [(Mode::Fetch, false), (Mode::Consume, true)] {
        for (answer, event) in [
            (Check::StreamNotFound, Event::StreamNotFound(1)),
            (Check::ConsumerNotFound, Event::ConsumerNotFound(1)),
        ] {
            let opts = PullOptions { abort_on_missing_resource: abort, ..Default::default() };
            let (mut pull, _) = start(opts, mode, 0);
            pull.on_reconnect(10);
            assert_eq!(drain(&mut pull), [Action::CheckConsumer]);
            pull.consumer_checked(answer, 20, 0);
            assert_eq!(
                drain(&mut pull),
                [Action::Event(event), Action::Stop(Some(StopError::Missing(answer)))]
            );
        }
    }
}

#[test]
fn bound_consumers_never_check() {
    let (mut pull, _) = start(PullOptions { bind: true, ..Default::default() }, Mode::Consume, 0);
    message(&mut pull, 1, 1);
    pull.handle_timeout(30_001);
    // owed is forgotten (the server may have dropped the request): a full batch again
    assert_eq!(drain(&mut pull), [Action::Event(Event::HeartbeatsMissed(2)), default_pull(100)]);
    pull.on_disconnect();
    pull.on_reconnect(40_000);
    assert_eq!(drain(&mut pull), [default_pull(100)], "pulled afresh, at once");
    assert_eq!(pull.poll_timeout(), Some(70_000));
}

#[test]
fn an_ordered_consumers_engine_hands_a_lost_consumer_back() {
    let settings = Settings::new(&PullOptions::default(), Mode::Consume).unwrap();
    let mut pull = PullConsumer::new(settings, Mode::Consume, 0).for_ordered();
    drain(&mut pull);
    pull.handle_timeout(30_000);
    drain(&mut pull);
    pull.consumer_checked(Check::ConsumerNotFound, 30_010, 0);
    assert_eq!(drain(&mut pull), [Action::Event(Event::ConsumerNotFound(1)), Action::ConsumerLost]);
    assert_eq!(pull.poll_timeout(), Some(45_000), "no backoff: only the monitor remains");
    pull.consumer_checked(Check::Found, 30_020, 0);
    assert_eq!(drain(&mut pull), [], "a stale answer is ignored");
}

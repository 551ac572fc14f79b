//! Requests on their own inbox (nats.deno `noMux`): their own SUB and sid, the same tokens,
//! REPLY / REQ_END records and strategies as mux requests, permission routing shared with the
//! mux, the resubscribe after a reconnect, and the end of every pending request at close and
//! drain.

use super::harness::*;
use crate::client::batch::kind;
use crate::client::{ReplyTo, RequestManyStrategy};
use crate::error::ErrorCode;

fn nuid(n: u64) -> String {
    format!("N{n:021}")
}

/// `_INBOX.<nuid n>`: the fresh inbox of an own-inbox request.
fn own(n: u64) -> String {
    format!("_INBOX.{}", nuid(n))
}

fn fresh() -> ReplyTo {
    ReplyTo::Own(None)
}

fn ends(h: &H) -> Vec<(u32, String, String)> {
    h.recs.iter().filter(|r| r.is(kind::REQ_END)).map(|r| (r.id, r.f[0].clone(), r.f[1].clone())).collect()
}

#[test]
fn a_single_request_subscribes_its_own_inbox_for_one_reply() {
    let mut h = H::connected(opts(&[]));
    let t = h.cmd(|c, now| c.request("svc", None, b"q", 1000, fresh(), now)).unwrap();
    assert_eq!(h.sent(), format!("SUB {} 1\r\nUNSUB 1 1\r\nPUB svc {} 1\r\nq\r\n", own(1), own(1)));
    assert_eq!(h.c.subscription_counts(1), None, "not a user subscription");
    let sid = h.cmd(|c, now| c.subscribe("user", None, None, None, now)).unwrap();
    assert_eq!(sid, 2, "one sid allocator for both");
    h.sent();
    h.feed(format!("MSG {} 1 3\r\nans\r\n", own(1)));
    let r = only(&h.take_recs(), kind::REPLY);
    assert_eq!((r.id, r.f[0].clone(), r.f[3].as_str()), (t, own(1), "ans"));
    assert_eq!(h.sent(), "", "the server dropped the subscription at its max: no UNSUB");
    h.feed(format!("MSG {} 1 3\r\nans\r\n", own(1)));
    assert!(h.take_recs().is_empty(), "the sid is released: a late reply is dropped");
    h.advance(1000);
    assert!(ends(&h).is_empty(), "no timeout after the reply");
    let sid = h.cmd(|c, now| c.subscribe("user2", None, None, None, now)).unwrap();
    assert_eq!(sid, 3);
}

#[test]
fn a_given_reply_subject_is_used_as_is_and_validated() {
    let mut h = H::connected(opts(&[]));
    let reply = || ReplyTo::Own(Some("my.reply".to_string()));
    h.cmd(|c, now| c.request("svc", None, b"", 1000, reply(), now)).unwrap();
    assert_eq!(h.sent(), "SUB my.reply 1\r\nUNSUB 1 1\r\nPUB svc my.reply 0\r\n\r\n");
    let bad = ReplyTo::Own(Some("a b".to_string()));
    let e = h.cmd(|c, now| c.request("svc", None, b"", 1000, bad, now)).unwrap_err();
    assert_eq!(e.code, ErrorCode::BadSubject);
    let e = h.cmd(|c, now| c.request("svc", None, b"", 0, reply(), now)).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidOption);
    assert_eq!(h.sent(), "", "a refused request writes nothing");
}

#[test]
fn timeout_no_responders_and_cancel_end_it_as_a_mux_request_and_unsubscribe() {
    let mut h = H::connected(opts(&[]));
    let t = h.cmd(|c, now| c.request("svc", None, b"", 100, fresh(), now)).unwrap();
    h.sent();
    h.advance(100);
    assert_eq!(ends(&h), vec![(t, "TIMEOUT".into(), "request timed out".into())]);
    assert_eq!(h.sent(), "UNSUB 1\r\n");
    h.take_recs();
    let t = h.cmd(|c, now| c.request("svc", None, b"", 100, fresh(), now)).unwrap();
    h.sent();
    h.feed(format!("HMSG {} 2 16 16\r\nNATS/1.0 503\r\n\r\n\r\n", own(2)));
    assert_eq!(ends(&h), vec![(t, "503".into(), "503".into())], "nats.deno's message is the code");
    h.take_recs();
    let t = h.cmd(|c, now| c.request("svc", None, b"", 100, fresh(), now)).unwrap();
    h.sent();
    h.cmd(|c, _| c.cancel_request(t));
    assert_eq!(ends(&h), vec![(t, "CANCELLED".into(), "request cancelled".into())]);
    assert_eq!(h.sent(), "UNSUB 3\r\n");
}

#[test]
fn request_many_strategies_run_on_the_own_inbox() {
    let mut h = H::connected(opts(&[]));
    let many = |s| {
        move |c: &mut crate::client::Connection, now| c.request_many("svc", None, b"", 500, s, fresh(), now)
    };
    let count = h.cmd(many(RequestManyStrategy::Count(2))).unwrap();
    assert_eq!(h.sent(), format!("SUB {} 1\r\nUNSUB 1 2\r\nPUB svc {} 0\r\n\r\n", own(1), own(1)));
    let timer = h.cmd(many(RequestManyStrategy::Timer)).unwrap();
    let sentinel = h.cmd(many(RequestManyStrategy::SentinelMsg)).unwrap();
    let jitter = h.cmd(many(RequestManyStrategy::JitterTimer(50))).unwrap();
    assert_eq!(h.sent().matches("UNSUB").count(), 0, "no max without a count");
    for sid in 1..=4 {
        h.feed(format!("MSG {} {sid} 1\r\nx\r\n", own(sid as u64)));
    }
    h.feed(format!("MSG {} 1 1\r\ny\r\n", own(1)));
    h.feed(format!("MSG {} 3 0\r\n\r\n", own(3)));
    let got: Vec<(u32, u32)> = h.take_recs().iter().map(|r| (r.kind, r.id)).collect();
    let expected = vec![
        (kind::REPLY, count),
        (kind::REPLY, timer),
        (kind::REPLY, sentinel),
        (kind::REPLY, jitter),
        (kind::REPLY, count),
        (kind::REQ_END, count),
        (kind::REPLY, sentinel),
        (kind::REQ_END, sentinel),
    ];
    assert_eq!(got, expected);
    assert_eq!(h.sent(), "UNSUB 3\r\n", "count's subscription ended at its max; sentinel's is released");
    h.advance(50);
    assert_eq!(ends(&h), vec![(jitter, "".into(), "".into())]);
    h.advance(450);
    assert_eq!(ends(&h), vec![(jitter, "".into(), "".into()), (timer, "".into(), "".into())]);
    assert_eq!(h.sent(), "UNSUB 4\r\nUNSUB 2\r\n");
}

#[test]
fn a_subscription_permission_violation_for_the_inbox_ends_that_request() {
    let mut h = H::connected(opts(&[]));
    let mux = h.cmd(|c, now| c.request("svc", None, b"", 1000, ReplyTo::Mux, now)).unwrap();
    let mine = ReplyTo::Own(Some("r.1".to_string()));
    let t = h.cmd(|c, now| c.request("svc", None, b"", 1000, mine, now)).unwrap();
    let later_user = h.cmd(|c, now| c.subscribe("r.1", None, None, None, now)).unwrap();
    let text = "'Permissions Violation for Subscription to \"r.1\"'";
    h.feed(format!("-ERR {text}\r\n"));
    let ctx = r#"{"operation":"subscription","subject":"r.1"}"#;
    let end = only(&h.recs, kind::REQ_END);
    assert_eq!(
        (end.id, end.f[0].as_str(), end.f[1].as_str(), end.f[2].as_str()),
        (t, "PERMISSIONS_VIOLATION", text, ctx)
    );
    assert!(h.c.subscription_counts(later_user).is_some(), "the request's sid is the lower one");
    assert!(!h.recs.iter().any(|r| r.is(kind::SUB_END)));
    h.take_recs();
    h.feed(format!("-ERR {text}\r\n"));
    assert_eq!(only(&h.recs, kind::SUB_END).id, later_user, "then the user subscription");
    h.take_recs();
    h.advance(1000);
    assert_eq!(
        ends(&h),
        vec![(mux, "TIMEOUT".into(), "request timed out".into())],
        "the mux request lives on"
    );
}

#[test]
fn a_publish_permission_violation_ends_mux_and_own_requests_to_that_subject() {
    let mut h = H::connected(opts(&[]));
    let a = h.cmd(|c, now| c.request("secret", None, b"", 1000, ReplyTo::Mux, now)).unwrap();
    let b = h.cmd(|c, now| c.request("secret", None, b"", 1000, fresh(), now)).unwrap();
    let m = h
        .cmd(|c, now| c.request_many("secret", None, b"", 1000, RequestManyStrategy::Timer, fresh(), now))
        .unwrap();
    let _open = h.cmd(|c, now| c.request("open", None, b"", 1000, fresh(), now)).unwrap();
    let text = "'Permissions Violation for Publish to \"secret\"'";
    h.feed(format!("-ERR {text}\r\n"));
    let got: Vec<(u32, String, String, String)> = h
        .recs
        .iter()
        .filter(|r| r.is(kind::REQ_END))
        .map(|r| (r.id, r.f[0].clone(), r.f[1].clone(), r.f[2].clone()))
        .collect();
    let ctx = r#"{"operation":"publish","subject":"secret"}"#.to_string();
    let pv = "PERMISSIONS_VIOLATION".to_string();
    assert_eq!(
        got,
        vec![
            (a, pv.clone(), text.into(), ctx.clone()),
            (b, pv.clone(), text.into(), ctx.clone()),
            (m, pv, text.into(), ctx.clone()),
        ]
    );
    let status = h.status_details();
    assert_eq!(
        status,
        vec![("error".into(), "PERMISSIONS_VIOLATION".into(), text.into())],
        "STATUS detail keeps the quotes"
    );
    assert_eq!(h.recs.iter().find(|r| r.is(kind::STATUS)).unwrap().f[2], ctx);
}

#[test]
fn own_inboxes_are_resubscribed_after_a_reconnect_before_held_publishes() {
    let mut o = opts(&[]);
    o.reconnect_time_wait = 0;
    let mut h = H::connected(o);
    let t = h
        .cmd(|c, now| c.request_many("svc", None, b"", 5000, RequestManyStrategy::Count(3), fresh(), now))
        .unwrap();
    h.feed(format!("MSG {} 1 1\r\nx\r\n", own(1)));
    h.server_closed(true, "");
    h.advance(1);
    let t2 = h.cmd(|c, now| c.request("svc2", None, b"", 5000, fresh(), now)).unwrap();
    h.sent();
    h.handshake(INFO);
    let sent = h.sent();
    let expected = format!(
        "SUB {} 1\r\nUNSUB 1 2\r\nSUB {} 2\r\nUNSUB 2 1\r\nPUB svc2 {} 0\r\n\r\n",
        own(1),
        own(2),
        own(2)
    );
    assert!(sent.contains(&expected), "{sent}");
    h.take_recs();
    h.feed(format!("MSG {} 2 2\r\nok\r\n", own(2)));
    assert_eq!(only(&h.recs, kind::REPLY).id, t2);
    assert_ne!(t, t2);
}

/// The resubscribe sorts the own inboxes' sids itself (`Requests::own_subscriptions`): the map
/// they live in iterates in hash order, which 40 sids are sure to scramble.
#[test]
fn many_own_inboxes_are_resubscribed_in_sid_order() {
    let mut o = opts(&[]);
    o.reconnect_time_wait = 0;
    let mut h = H::connected(o);
    for _ in 0..40 {
        h.cmd(|c, now| c.request("svc", None, b"", 5000, fresh(), now)).unwrap();
    }
    h.server_closed(true, "");
    h.advance(1);
    h.sent();
    h.handshake(INFO);
    let sent = h.sent();
    let sids: Vec<u32> =
        sent.lines().filter_map(|l| l.strip_prefix("SUB ")?.split(' ').nth(1)?.parse().ok()).collect();
    assert_eq!(sids, (1..=40).collect::<Vec<u32>>(), "{sent}");
}

#[test]
fn close_and_drain_end_every_pending_request_with_connection_closed() {
    let closed = |h: &H| -> Vec<(u32, String)> {
        h.recs.iter().filter(|r| r.is(kind::REQ_END)).map(|r| (r.id, r.f[0].clone())).collect()
    };
    let pending = |h: &mut H| -> Vec<u32> {
        let timer = RequestManyStrategy::Timer;
        vec![
            h.cmd(|c, now| c.request("a", None, b"", 5000, ReplyTo::Mux, now)).unwrap(),
            h.cmd(|c, now| c.request("b", None, b"", 5000, fresh(), now)).unwrap(),
            h.cmd(|c, now| c.request_many("c", None, b"", 5000, timer, ReplyTo::Mux, now)).unwrap(),
            h.cmd(|c, now| c.request_many("d", None, b"", 5000, timer, fresh(), now)).unwrap(),
        ]
    };
    let mut h = H::connected(opts(&[]));
    let tokens = pending(&mut h);
    h.clear();
    h.cmd(|c, _| c.close());
    let want: Vec<(u32, String)> = tokens.iter().map(|t| (*t, "CONNECTION_CLOSED".to_string())).collect();
    assert_eq!(closed(&h), want);
    assert_eq!(h.sent(), "", "nothing is written at close");

    let mut h = H::connected(opts(&[]));
    let tokens = pending(&mut h);
    h.clear();
    h.cmd(|c, now| c.drain(now)).unwrap();
    h.feed("PONG\r\n");
    h.cmd(|c, _| c.drain_continue());
    assert!(closed(&h).is_empty(), "requests may still get replies while draining");
    h.feed("PONG\r\n");
    let want: Vec<(u32, String)> = tokens.iter().map(|t| (*t, "CONNECTION_CLOSED".to_string())).collect();
    assert_eq!(closed(&h), want);
    assert!(h.c.is_closed());
}

#[test]
fn no_responders_message_contains_503_for_mux_requests_too() {
    let mut h = H::connected(opts(&[]));
    h.cmd(|c, now| c.request_many("svc", None, b"", 1000, RequestManyStrategy::Timer, ReplyTo::Mux, now))
        .unwrap();
    h.feed(format!("HMSG _INBOX.{}.{} 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n", nuid(1), nuid(2)));
    let end = only(&h.recs, kind::REQ_END);
    assert_eq!((end.f[0].as_str(), end.f[1].as_str()), ("503", "503"));
}

#[test]
fn a_request_refused_by_the_full_reconnect_buffer_leaves_no_subscription_behind() {
    let mut o = opts(&[]);
    o.reconnect_buffer_size = 10;
    o.reconnect_time_wait = 0;
    let mut h = H::connected(o);
    h.server_closed(true, "");
    h.advance(1);
    let e = h.cmd(|c, now| c.request("svc", None, b"too big for ten bytes", 100, fresh(), now)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Disconnect);
    h.sent();
    h.handshake(INFO);
    assert!(!h.sent().contains("SUB"), "no SUB for the refused request");
    h.advance(100);
    assert!(ends(&h).is_empty(), "no request was registered");
}

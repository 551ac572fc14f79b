//! Request/reply through the mux: reply, timeout, no responders, cancel, and every request-many
//! strategy.

use super::harness::*;
use crate::client::ReplyTo;
use crate::client::RequestManyStrategy;
use crate::client::batch::kind;
use crate::error::ErrorCode;

/// NUIDs of the test entropy: `N1` is the mux prefix nuid, `N2`.. the request tokens.
fn nuid(n: u64) -> String {
    format!("N{n:021}")
}

fn inbox(n: u64) -> String {
    format!("_INBOX.{}.{}", nuid(1), nuid(n))
}

#[test]
fn request_subscribes_the_mux_once_and_routes_the_reply() {
    let mut h = H::connected(opts(&[]));
    let t1 = h.cmd(|c, now| c.request("svc", None, b"q", 1000, ReplyTo::Mux, now)).unwrap();
    assert_eq!(h.sent(), format!("SUB _INBOX.{}.* 1\r\nPUB svc {} 1\r\nq\r\n", nuid(1), inbox(2)));
    let t2 = h.cmd(|c, now| c.request("svc", None, b"", 1000, ReplyTo::Mux, now)).unwrap();
    assert_eq!(h.sent(), format!("PUB svc {} 0\r\n\r\n", inbox(3)), "no second SUB");
    assert_ne!(t1, t2);
    let sid = h.cmd(|c, now| c.subscribe("user", None, None, None, now)).unwrap();
    assert_eq!(sid, 2, "the mux took sid 1 but is not a user subscription");
    assert_eq!(h.c.subscription_counts(1), None);
    h.feed(format!("MSG {} 1 3\r\nans\r\n", inbox(3)));
    let r = only(&h.take_recs(), kind::REPLY);
    assert_eq!((r.id, r.f[0].clone(), r.f[3].as_str()), (t2, inbox(3), "ans"));
    h.feed(format!("MSG {} 1 3\r\nans\r\n", inbox(3)));
    assert!(h.take_recs().is_empty(), "a second reply to a single request is dropped");
    h.advance(1000);
    let end = only(&h.take_recs(), kind::REQ_END);
    assert_eq!((end.id, end.f[0].as_str()), (t1, "TIMEOUT"));
    assert_eq!(h.c.poll_timeout(), Some(120_000), "only the ping timer is left");
}

#[test]
fn no_responders_status_ends_with_503_but_other_status_replies_are_delivered() {
    let mut h = H::connected(opts(&[]));
    let t = h.cmd(|c, now| c.request("svc", None, b"", 1000, ReplyTo::Mux, now)).unwrap();
    h.feed(format!("HMSG {} 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n", inbox(2)));
    let end = only(&h.take_recs(), kind::REQ_END);
    assert_eq!((end.id, end.f[0].as_str()), (t, "503"));
    let t = h.cmd(|c, now| c.request("svc", None, b"", 1000, ReplyTo::Mux, now)).unwrap();
    h.feed(format!("HMSG {} 1 16 17\r\nNATS/1.0 503\r\n\r\nx\r\n", inbox(3)));
    let r = only(&h.take_recs(), kind::REPLY);
    assert_eq!((r.id, r.extra), (t, 503));
}

#[test]
fn cancel_and_invalid_timeout() {
    let mut h = H::connected(opts(&[]));
    let t = h.cmd(|c, now| c.request("svc", None, b"", 1000, ReplyTo::Mux, now)).unwrap();
    h.cmd(|c, _| c.cancel_request(t));
    let end = only(&h.take_recs(), kind::REQ_END);
    assert_eq!((end.id, end.f[0].as_str()), (t, "CANCELLED"));
    h.cmd(|c, _| c.cancel_request(t));
    assert!(h.take_recs().is_empty(), "ends once");
    let e = h.cmd(|c, now| c.request("svc", None, b"", 0, ReplyTo::Mux, now)).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidOption);
    let e = h
        .cmd(|c, now| c.request_many("svc", None, b"", 0, RequestManyStrategy::Timer, ReplyTo::Mux, now))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidOption);
    let e = h.cmd(|c, now| c.request("", None, b"", 10, ReplyTo::Mux, now)).unwrap_err();
    assert_eq!(e.code, ErrorCode::BadSubject);
    let e = h.cmd(|c, now| c.request("a", None, &vec![0; 2 << 20], 10, ReplyTo::Mux, now)).unwrap_err();
    assert_eq!(e.code, ErrorCode::MaxPayloadExceeded);
}

fn reply(h: &mut H, n: u64, payload: &str) {
    h.feed(format!("MSG {} 1 {}\r\n{payload}\r\n", inbox(n), payload.len()));
}

fn ends(h: &mut H) -> Vec<(u32, String)> {
    h.take_recs().iter().map(|r| (r.kind, r.f[0].clone())).collect()
}

#[test]
fn request_many_timer_gathers_until_max_wait() {
    let mut h = H::connected(opts(&[]));
    let t = h
        .cmd(|c, now| c.request_many("svc", None, b"", 500, RequestManyStrategy::Timer, ReplyTo::Mux, now))
        .unwrap();
    for _ in 0..3 {
        reply(&mut h, 2, "r");
    }
    h.advance(499);
    assert_eq!(h.kinds(), vec![kind::REPLY; 3]);
    h.take_recs();
    h.advance(1);
    let end = only(&h.take_recs(), kind::REQ_END);
    assert_eq!((end.id, end.f[0].as_str()), (t, ""));
}

#[test]
fn request_many_count_ends_after_n_or_at_max_wait() {
    let mut h = H::connected(opts(&[]));
    h.cmd(|c, now| c.request_many("svc", None, b"", 500, RequestManyStrategy::Count(2), ReplyTo::Mux, now))
        .unwrap();
    reply(&mut h, 2, "a");
    reply(&mut h, 2, "b");
    reply(&mut h, 2, "c");
    let expected = vec![(kind::REPLY, inbox(2)), (kind::REPLY, inbox(2)), (kind::REQ_END, String::new())];
    assert_eq!(ends(&mut h), expected, "the third reply comes after the end and is dropped");
    h.cmd(|c, now| c.request_many("svc", None, b"", 500, RequestManyStrategy::Count(5), ReplyTo::Mux, now))
        .unwrap();
    reply(&mut h, 3, "a");
    h.advance(500);
    assert_eq!(h.kinds(), vec![kind::REPLY, kind::REQ_END]);
    assert_eq!(h.recs[1].f[0], "");
}

#[test]
fn request_many_jitter_rearms_after_each_reply() {
    let mut h = H::connected(opts(&[]));
    h.cmd(|c, now| {
        c.request_many("svc", None, b"", 1000, RequestManyStrategy::JitterTimer(100), ReplyTo::Mux, now)
    })
    .unwrap();
    h.advance(900);
    reply(&mut h, 2, "a");
    h.advance(99);
    reply(&mut h, 2, "b"); // t = 999: the jitter window restarts
    h.advance(99);
    assert_eq!(h.kinds(), vec![kind::REPLY, kind::REPLY]);
    h.advance(1);
    assert_eq!(h.kinds(), vec![kind::REPLY, kind::REPLY, kind::REQ_END]);
    assert_eq!(h.recs[2].f[0], "");
}

#[test]
fn request_many_sentinel_delivers_the_empty_reply_then_ends() {
    let mut h = H::connected(opts(&[]));
    h.cmd(|c, now| {
        c.request_many("svc", None, b"", 1000, RequestManyStrategy::SentinelMsg, ReplyTo::Mux, now)
    })
    .unwrap();
    reply(&mut h, 2, "a");
    reply(&mut h, 2, "");
    reply(&mut h, 2, "late");
    assert_eq!(h.kinds(), vec![kind::REPLY, kind::REPLY, kind::REQ_END]);
    assert_eq!((h.recs[1].f[3].as_str(), h.recs[2].f[0].as_str()), ("", ""));
}

#[test]
fn request_many_ends_with_503_on_no_responders() {
    let mut h = H::connected(opts(&[]));
    h.cmd(|c, now| c.request_many("svc", None, b"", 1000, RequestManyStrategy::Timer, ReplyTo::Mux, now))
        .unwrap();
    h.feed(format!("HMSG {} 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n", inbox(2)));
    let end = only(&h.take_recs(), kind::REQ_END);
    assert_eq!(end.f[0], "503");
    h.advance(1000);
    assert!(h.recs.is_empty(), "the max_wait timer was cancelled");
}

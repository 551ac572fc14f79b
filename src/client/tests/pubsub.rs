//! Publish and subscribe: round trip records, publish checks, max / auto-unsubscribe, the
//! subscription timeout, unsubscribe, subscription drain ordering, flush order, stats.

use super::harness::*;
use crate::client::batch::kind;
use crate::error::ErrorCode;

#[test]
fn pub_sub_round_trip_records_and_stats() {
    let mut h = H::connected(opts(&[]));
    let sid = h.cmd(|c, now| c.subscribe("foo.>", None, None, None, now)).unwrap();
    assert_eq!(sid, 1);
    h.cmd(|c, _| c.publish("foo.a", Some("r.1"), None, b"hello")).unwrap();
    assert_eq!(h.sent(), "SUB foo.> 1\r\nPUB foo.a r.1 5\r\nhello\r\n");
    h.feed("MSG foo.a 1 r.1 5\r\nhello\r\nHMSG foo.b 1 21 23\r\nNATS/1.0 100 Idle\r\n\r\nhi\r\nMSG x 99 1\r\nz\r\n");
    let recs = h.take_recs();
    assert_eq!(recs.len(), 2, "the MSG for unknown sid 99 is dropped: {recs:#?}");
    assert_eq!((recs[0].kind, recs[0].id, recs[0].extra), (kind::MSG, 1, 0));
    assert_eq!(recs[0].f, ["foo.a".to_string(), "r.1".into(), "".into(), "hello".into()]);
    assert_eq!(recs[1].f[2], "NATS/1.0 100 Idle\r\n\r\n");
    assert_eq!((recs[1].f[3].as_str(), recs[1].extra), ("hi", 100));
    assert_eq!(h.c.subscription_counts(1), Some((2, 0)));
    assert_eq!(h.c.stats(), (2, 1, 5 + 23, 5));
}

#[test]
fn publish_checks_subjects_headers_and_max_payload() {
    let mut h = H::connected(opts(&[]));
    let code = |r: Result<(), crate::error::NatsError>| r.unwrap_err().code;
    assert_eq!(code(h.cmd(|c, _| c.publish("", None, None, b""))), ErrorCode::BadSubject);
    assert_eq!(code(h.cmd(|c, _| c.publish("a b", None, None, b""))), ErrorCode::BadSubject);
    assert_eq!(code(h.cmd(|c, _| c.publish("a", Some("r\n"), None, b""))), ErrorCode::BadSubject);
    assert_eq!(code(h.cmd(|c, _| c.publish("a", Some(""), None, b""))), ErrorCode::BadSubject);
    let e = h.cmd(|c, now| c.subscribe("a", Some("q q"), None, None, now)).unwrap_err();
    assert_eq!(e.code, ErrorCode::BadSubject);
    let big = vec![0u8; 1024 * 1024 + 1];
    assert_eq!(code(h.cmd(|c, _| c.publish("a", None, None, &big))), ErrorCode::MaxPayloadExceeded);
    let hdr = b"NATS/1.0\r\nk: v\r\n\r\n";
    let fits = vec![0u8; 1024 * 1024 - hdr.len()];
    h.cmd(|c, _| c.publish("a", None, Some(hdr), &fits)).unwrap();
    assert_eq!(
        code(h.cmd(|c, _| c.publish("a", None, Some(hdr), &big[..fits.len() + 1]))),
        ErrorCode::MaxPayloadExceeded
    );
    assert!(h.sent().starts_with(&format!("HPUB a {} {}\r\n", hdr.len(), 1024 * 1024)));
    // Empty headers still make a valid block.
    h.cmd(|c, _| c.publish("a", None, Some(b""), b"x")).unwrap();
    assert_eq!(h.sent(), "HPUB a 12 13\r\nNATS/1.0\r\n\r\nx\r\n");

    let mut h = H::new(opts(&[]));
    h.start();
    h.handshake("INFO {\"server_id\":\"S\",\"proto\":1}\r\n");
    let e = h.cmd(|c, _| c.publish("a", None, Some(hdr), b"")).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (ErrorCode::ServerOptionNotAvailable, "headers"));
}

#[test]
fn max_sends_unsub_and_auto_removes_with_sub_end() {
    let mut h = H::connected(opts(&[]));
    let sid = h.cmd(|c, now| c.subscribe("foo", None, Some(2), None, now)).unwrap();
    assert_eq!(h.sent(), "SUB foo 1\r\nUNSUB 1 2\r\n");
    h.feed("MSG foo 1 1\r\na\r\nMSG foo 1 1\r\nb\r\nMSG foo 1 1\r\nc\r\n");
    assert_eq!(h.kinds(), vec![kind::MSG, kind::MSG, kind::SUB_END]);
    assert_eq!(h.recs[2].f[0], "", "a clean end");
    assert_eq!(h.c.subscription_counts(sid), None);
    assert_eq!(h.c.stats().0, 2, "the third message is not counted");
}

#[test]
fn unsubscribe_now_or_after_n() {
    let mut h = H::connected(opts(&[]));
    let a = h.cmd(|c, now| c.subscribe("a", None, None, None, now)).unwrap();
    let b = h.cmd(|c, now| c.subscribe("b", None, None, None, now)).unwrap();
    h.sent();
    h.cmd(|c, _| c.unsubscribe(a, None)).unwrap();
    assert_eq!(h.sent(), "UNSUB 1\r\n");
    assert_eq!(only(&h.take_recs(), kind::SUB_END).id, a);
    h.feed("MSG b 2 1\r\nx\r\n");
    h.cmd(|c, _| c.unsubscribe(b, Some(2))).unwrap();
    assert_eq!(h.sent(), "UNSUB 2 2\r\n");
    assert_eq!(h.c.subscription_counts(b), Some((1, 2)));
    h.feed("MSG b 2 1\r\ny\r\n");
    assert_eq!(h.kinds(), vec![kind::MSG, kind::MSG, kind::SUB_END]);
    h.cmd(|c, _| c.unsubscribe(77, None)).unwrap(); // unknown sid: no-op
}

#[test]
fn subscription_timeout_ends_with_timeout_unless_a_message_came() {
    let mut h = H::connected(opts(&[]));
    let a = h.cmd(|c, now| c.subscribe("a", None, None, Some(100), now)).unwrap();
    let b = h.cmd(|c, now| c.subscribe("b", None, None, Some(100), now)).unwrap();
    h.sent();
    h.advance(50);
    h.feed(format!("MSG b {b} 1\r\nx\r\n"));
    h.advance(50);
    let end = only(&h.recs, kind::SUB_END);
    assert_eq!((end.id, end.f[0].as_str()), (a, "TIMEOUT"));
    assert_eq!(h.sent(), "UNSUB 1\r\n");
    assert!(h.c.subscription_counts(b).is_some());
}

#[test]
fn sub_drain_delivers_messages_before_the_pong_then_ends() {
    let mut h = H::connected(opts(&[]));
    let sid = h.cmd(|c, now| c.subscribe("a", None, None, None, now)).unwrap();
    h.sent();
    h.cmd(|c, _| c.drain_subscription(sid)).unwrap();
    assert_eq!(h.sent(), "UNSUB 1\r\nPING\r\n");
    h.cmd(|c, _| c.drain_subscription(sid)).unwrap(); // already draining: same drain
    assert_eq!(h.sent(), "");
    h.feed("MSG a 1 1\r\nx\r\nPONG\r\nMSG a 1 1\r\ny\r\n");
    assert_eq!(h.kinds(), vec![kind::MSG, kind::SUB_END]);
    assert_eq!(h.recs[0].f[3], "x");
    let e = h.cmd(|c, _| c.drain_subscription(sid)).unwrap_err();
    assert_eq!(e.code, ErrorCode::SubClosed);
}

#[test]
fn flushes_settle_in_ping_order_around_other_pings() {
    let mut o = opts(&[]);
    o.ping_interval = 1000;
    let mut h = H::connected(o);
    let f1 = h.cmd(|c, _| c.flush()).unwrap();
    h.advance(1000); // keepalive PING between the two flushes
    let f2 = h.cmd(|c, _| c.flush()).unwrap();
    assert_eq!(h.sent(), "PING\r\nPING\r\nPING\r\n");
    h.take_recs();
    h.feed("PONG\r\n");
    assert_eq!(only(&h.take_recs(), kind::FLUSH_END).id, f1);
    h.feed("PONG\r\n");
    assert!(h.take_recs().is_empty(), "the keepalive PONG settles no flush");
    h.feed("PONG\r\n");
    let end = only(&h.take_recs(), kind::FLUSH_END);
    assert_eq!((end.id, end.f[0].as_str()), (f2, ""));
}

#[test]
fn server_ping_is_answered_and_ok_ignored() {
    let mut h = H::connected(opts(&[]));
    h.feed("PING\r\n+OK\r\nPING\r\n");
    assert_eq!(h.sent(), "PONG\r\nPONG\r\n");
    assert!(h.recs.is_empty());
}

//! Connection drain order and close semantics.

use super::harness::*;
use crate::client::ReplyTo;
use crate::client::RequestManyStrategy;
use crate::client::batch::kind;
use crate::error::ErrorCode;

#[test]
fn drain_unsubscribes_delivers_in_flight_then_flushes_and_closes() {
    let mut h = H::connected(opts(&[]));
    let a = h.cmd(|c, now| c.subscribe("a", None, None, None, now)).unwrap();
    let b = h.cmd(|c, now| c.subscribe("b", None, None, None, now)).unwrap();
    h.sent();
    h.cmd(|c, now| c.drain(now)).unwrap();
    assert!(h.c.is_draining());
    assert_eq!(h.sent(), "UNSUB 1\r\nUNSUB 2\r\nPING\r\n");
    let e = h.cmd(|c, now| c.subscribe("c", None, None, None, now)).unwrap_err();
    assert_eq!(e.code, ErrorCode::ConnectionDraining);
    let e = h.cmd(|c, now| c.request("c", None, b"", 10, ReplyTo::Mux, now)).unwrap_err();
    assert_eq!(e.code, ErrorCode::ConnectionDraining);
    assert_eq!(h.cmd(|c, now| c.drain(now)).unwrap_err().code, ErrorCode::ConnectionDraining);
    h.cmd(|c, _| c.publish("p", None, None, b"still allowed")).unwrap();
    h.feed("MSG a 1 1\r\nx\r\n");
    h.feed("PONG\r\n");
    assert_eq!(h.kinds(), vec![kind::MSG, kind::SUB_END, kind::SUB_END, kind::SUBS_DRAINED]);
    assert_eq!((h.recs[1].id, h.recs[2].id), (a, b));
    h.cmd(|c, _| c.drain_continue());
    assert_eq!(h.sent(), "PUB p 13\r\nstill allowed\r\nPING\r\n");
    let e = h.cmd(|c, _| c.publish("p", None, None, b"")).unwrap_err();
    assert_eq!(e.code, ErrorCode::ConnectionDraining);
    h.take_recs();
    h.feed("PONG\r\n");
    assert_eq!(h.kinds(), vec![kind::DRAINED, kind::CLOSED]);
    assert_eq!(h.recs[1].f[0], "", "closed by the user");
    assert_eq!(h.take_cmds(), vec![close(1000, "")]);
    assert!(h.c.is_closed());
}

#[test]
fn drain_survives_a_disconnect_and_finishes_after_the_reconnect() {
    let mut o = opts(&[]);
    o.reconnect_time_wait = 0;
    let mut h = H::connected(o);
    h.cmd(|c, now| c.subscribe("a", None, None, None, now)).unwrap();
    h.cmd(|c, now| c.drain(now)).unwrap();
    assert_eq!(h.sent(), "SUB a 1\r\nUNSUB 1\r\nPING\r\n");
    h.server_closed(true, "");
    h.advance(1);
    assert_eq!(h.kinds(), vec![kind::STATUS, kind::SUB_END, kind::SUBS_DRAINED, kind::STATUS]);
    h.take_recs();
    h.cmd(|c, _| c.drain_continue());
    h.handshake(INFO);
    let sent = h.sent();
    assert_eq!(sent.split_once("PING\r\n").unwrap().1, "PING\r\n", "no resubscribe, just the final flush");
    h.take_recs();
    h.feed("PONG\r\n");
    assert_eq!(h.kinds(), vec![kind::DRAINED, kind::CLOSED]);
}

#[test]
fn drain_waits_for_the_application_after_the_subscriptions_end() {
    let mut h = H::connected(opts(&[]));
    h.cmd(|c, now| c.subscribe("svc", None, None, None, now)).unwrap();
    h.cmd(|c, _| c.drain_continue()); // not draining: nothing happens
    assert!(!h.c.is_draining());
    h.cmd(|c, now| c.drain(now)).unwrap();
    h.cmd(|c, _| c.drain_continue()); // the subscriptions are not done yet: nothing happens
    h.feed("MSG svc 1 _INBOX.r1 1\r\nq\r\nPONG\r\n");
    assert_eq!(h.kinds(), vec![kind::MSG, kind::SUB_END, kind::SUBS_DRAINED]);
    assert_eq!(h.sent(), "SUB svc 1\r\nUNSUB 1\r\nPING\r\n");
    h.take_recs();
    // The application still processes the queued request and responds to it.
    h.advance(60_000);
    assert!(h.c.is_draining() && !h.c.is_closed(), "no timer ends this stage");
    h.cmd(|c, _| c.publish("_INBOX.r1", None, None, b"ok")).unwrap();
    assert_eq!(
        h.cmd(|c, now| c.subscribe("x", None, None, None, now)).unwrap_err().code,
        ErrorCode::ConnectionDraining
    );
    assert_eq!(h.cmd(|c, now| c.drain(now)).unwrap_err().code, ErrorCode::ConnectionDraining);
    assert!(h.recs.is_empty());
    h.cmd(|c, _| c.drain_continue());
    h.cmd(|c, _| c.drain_continue()); // a second call does nothing
    assert_eq!(h.sent(), "PUB _INBOX.r1 2\r\nok\r\nPING\r\n", "the reply goes out before the final flush");
    let e = h.cmd(|c, _| c.publish("p", None, None, b"")).unwrap_err();
    assert_eq!(e.code, ErrorCode::ConnectionDraining);
    h.feed("PONG\r\n");
    assert_eq!(h.kinds(), vec![kind::DRAINED, kind::CLOSED]);
    assert!(h.c.is_closed());
}

#[test]
fn drain_without_subscriptions_still_waits_once_then_closes() {
    let mut h = H::connected(opts(&[]));
    h.cmd(|c, now| c.drain(now)).unwrap();
    assert_eq!(h.sent(), "PING\r\n");
    h.feed("PONG\r\n");
    assert_eq!(h.kinds(), vec![kind::SUBS_DRAINED]);
    h.take_recs();
    h.cmd(|c, _| c.drain_continue());
    h.feed("PONG\r\n");
    assert_eq!(h.kinds(), vec![kind::DRAINED, kind::CLOSED]);
}

#[test]
fn drain_waiting_for_the_application_survives_a_disconnect() {
    let mut o = opts(&[]);
    o.reconnect_time_wait = 0;
    let mut h = H::connected(o);
    h.cmd(|c, now| c.subscribe("a", None, None, None, now)).unwrap();
    h.cmd(|c, now| c.drain(now)).unwrap();
    h.feed("PONG\r\n");
    assert_eq!(h.kinds(), vec![kind::SUB_END, kind::SUBS_DRAINED]);
    h.take_recs();
    h.server_closed(true, "");
    h.advance(1);
    assert!(h.recs.iter().all(|r| r.is(kind::STATUS)), "no second SUBS_DRAINED: {:?}", h.kinds());
    h.take_recs();
    h.cmd(|c, _| c.drain_continue()); // while disconnected: the final flush follows the reconnect
    assert_eq!(
        h.cmd(|c, _| c.publish("p", None, None, b"")).unwrap_err().code,
        ErrorCode::ConnectionDraining
    );
    h.sent();
    h.handshake(INFO);
    assert!(h.sent().ends_with("PING\r\nPING\r\n"), "handshake PING, then the final flush");
    h.take_recs();
    h.feed("PONG\r\n");
    assert_eq!(h.kinds(), vec![kind::DRAINED, kind::CLOSED]);
}

#[test]
fn drain_while_disconnected_waits_for_the_application_at_once() {
    let mut o = opts(&[]);
    o.reconnect_time_wait = 10_000;
    let mut h = H::connected(o);
    let sid = h.cmd(|c, now| c.subscribe("a", None, None, None, now)).unwrap();
    h.server_closed(true, "");
    h.take_recs();
    h.cmd(|c, now| c.drain(now)).unwrap();
    assert_eq!(h.kinds(), vec![kind::SUB_END, kind::SUBS_DRAINED]);
    assert_eq!(h.recs[0].id, sid);
}

#[test]
fn close_while_waiting_for_the_application_still_closes() {
    let mut h = H::connected(opts(&[]));
    h.cmd(|c, now| c.subscribe("a", None, None, None, now)).unwrap();
    h.cmd(|c, now| c.drain(now)).unwrap();
    h.feed("PONG\r\n");
    h.take_recs();
    h.sent();
    h.cmd(|c, _| c.close());
    assert_eq!(h.kinds(), vec![kind::CLOSED]);
    assert!(h.c.is_closed());
    h.take_recs();
    h.cmd(|c, _| c.drain_continue());
    assert!(h.recs.is_empty() && h.sent().is_empty(), "nothing after close");
}

#[test]
fn close_ends_everything_once() {
    let mut h = H::connected(opts(&[]));
    let sid = h.cmd(|c, now| c.subscribe("a", None, None, None, now)).unwrap();
    let t = h.cmd(|c, now| c.request("r", None, b"", 1000, ReplyTo::Mux, now)).unwrap();
    let m = h
        .cmd(|c, now| c.request_many("r", None, b"", 1000, RequestManyStrategy::Timer, ReplyTo::Mux, now))
        .unwrap();
    let f = h.cmd(|c, _| c.flush()).unwrap();
    h.clear();
    h.cmd(|c, _| c.close());
    let got: Vec<(u32, u32, String)> = h.recs.iter().map(|r| (r.kind, r.id, r.f[0].clone())).collect();
    assert_eq!(
        got,
        vec![
            (kind::REQ_END, t, "CONNECTION_CLOSED".into()),
            (kind::REQ_END, m, "CONNECTION_CLOSED".into()),
            (kind::FLUSH_END, f, "CONNECTION_CLOSED".into()),
            (kind::SUB_END, sid, "".into()),
            (kind::CLOSED, 0, "".into()),
        ]
    );
    assert_eq!(h.take_cmds(), vec![close(1000, "")]);
    assert_eq!(h.c.poll_timeout(), None);
    assert_eq!(h.sent(), "", "queued bytes die with the socket");
    h.take_recs();
    h.cmd(|c, _| c.close());
    assert!(h.recs.is_empty() && h.cmds.is_empty(), "a second close does nothing");
    let closed = ErrorCode::ConnectionClosed;
    assert_eq!(h.cmd(|c, _| c.publish("a", None, None, b"")).unwrap_err().code, closed);
    assert_eq!(h.cmd(|c, now| c.subscribe("a", None, None, None, now)).unwrap_err().code, closed);
    assert_eq!(h.cmd(|c, now| c.request("a", None, b"", 5, ReplyTo::Mux, now)).unwrap_err().code, closed);
    assert_eq!(h.cmd(|c, _| c.flush()).unwrap_err().code, closed);
    assert_eq!(h.cmd(|c, now| c.drain(now)).unwrap_err().code, closed);
    assert_eq!(h.cmd(|c, _| c.drain_subscription(sid)).unwrap_err().code, closed);
    h.cmd(|c, _| c.unsubscribe(sid, None)).unwrap();
    h.feed("MSG a 1 1\r\nx\r\n");
    h.server_closed(true, "");
    h.advance(1_000_000);
    assert!(h.recs.is_empty() && h.cmds.is_empty(), "a closed engine ignores its inputs");
    assert_eq!(h.c.current_server(), "");
}

#[test]
fn close_while_reconnecting_stops_the_loop() {
    let mut h = H::connected(opts(&[]));
    h.server_closed(true, "");
    assert!(h.c.poll_timeout().is_some());
    h.take_cmds();
    h.cmd(|c, _| c.close());
    assert!(h.take_cmds().is_empty(), "no socket to close");
    assert_eq!(h.c.poll_timeout(), None);
    assert_eq!(h.kinds().last(), Some(&kind::CLOSED));
}

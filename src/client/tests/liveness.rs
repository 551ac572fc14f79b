//! Is the connection alive, and if it was lost, why: the connection check a driver runs when a
//! page becomes visible or the browser comes back online (`check_connection`), and the
//! explanation the `disconnect` status carries (stale, a close frame, `-ERR`, a silent end of
//! stream, Deno's "Frame too large" reported as a slow consumer).

use super::harness::*;
use crate::client::batch::kind;

const A: &str = "ws://a:1";
const B: &str = "ws://b:2";

/// Check deadline used by these tests, ms (the wasm driver uses its own constant).
const DEADLINE: u64 = 5000;

fn connected_pair() -> H {
    let mut o = opts(&[A, B]);
    o.ping_interval = 600_000; // far away: only the check can find a dead server here
    H::connected(o)
}

#[test]
fn a_check_sends_a_ping_and_a_pong_in_time_keeps_the_connection() {
    let mut h = connected_pair();
    assert!(h.cmd(|c, now| c.check_connection(now, DEADLINE)));
    assert_eq!(h.sent(), "PING\r\n");
    assert_eq!(h.c.poll_timeout(), Some(DEADLINE));
    h.advance(DEADLINE - 1);
    h.feed("PONG\r\n");
    h.advance(10 * DEADLINE);
    assert!(h.statuses().is_empty());
    assert!(h.cmds.is_empty());
    assert_eq!(h.c.poll_timeout(), Some(600_000), "only the keepalive timer is left");
}

#[test]
fn a_check_without_a_pong_makes_the_connection_stale_at_the_deadline() {
    let mut h = connected_pair();
    h.advance(1000);
    h.cmd(|c, now| c.check_connection(now, DEADLINE));
    h.advance(DEADLINE - 1);
    assert!(h.statuses().is_empty());
    h.advance(1);
    let why = "stale connection: no PONG in time for a connection check";
    assert_eq!(
        h.status_details()[..3],
        [
            ("staleConnection".into(), "".into(), why.into()),
            ("disconnect".into(), "a:1".into(), why.into()),
            ("reconnecting".into(), "b:2".into(), "".into()),
        ]
    );
    assert_eq!(h.take_cmds(), vec![close(1000, "stale connection"), dial("ws://b:2/")]);
}

#[test]
fn any_pong_settles_the_check_even_one_for_an_earlier_ping() {
    let mut h = connected_pair();
    let f = h.cmd(|c, _| c.flush()).unwrap();
    h.cmd(|c, now| c.check_connection(now, DEADLINE));
    assert_eq!(h.sent(), "PING\r\nPING\r\n");
    h.feed("PONG\r\n"); // answers the flush: the connection is alive
    assert_eq!(only(&h.recs, kind::FLUSH_END).id, f);
    h.advance(2 * DEADLINE);
    assert!(h.statuses().is_empty());
}

#[test]
fn a_second_check_while_one_is_pending_sends_nothing() {
    let mut h = connected_pair();
    assert!(h.cmd(|c, now| c.check_connection(now, DEADLINE)));
    h.advance(100);
    assert!(!h.cmd(|c, now| c.check_connection(now, DEADLINE)));
    assert_eq!(h.sent(), "PING\r\n");
    h.advance(DEADLINE - 100);
    assert!(h.statuses().iter().any(|s| s.0 == "staleConnection"), "the first deadline holds");
}

#[test]
fn a_check_while_waiting_to_redial_dials_at_once() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 60_000;
    let mut h = H::connected(o);
    h.server_closed(true, "");
    assert!(h.cmds.is_empty(), "A was dialled a moment ago: the redial waits a minute");
    assert!(h.cmd(|c, now| c.check_connection(now, DEADLINE)));
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    h.handshake(INFO);
    assert_eq!(only(&h.recs, kind::CONNECTED).extra, 0);
}

#[test]
fn a_check_while_dialling_idle_or_closed_does_nothing() {
    let mut h = H::new(opts(&[A]));
    assert!(!h.cmd(|c, now| c.check_connection(now, DEADLINE)), "idle");
    h.start();
    h.take_cmds();
    assert!(!h.cmd(|c, now| c.check_connection(now, DEADLINE)), "dialling");
    h.open();
    h.feed(INFO);
    h.sent();
    assert!(!h.cmd(|c, now| c.check_connection(now, DEADLINE)), "handshaking");
    assert_eq!(h.sent(), "");
    h.cmd(|c, _| c.close());
    assert!(!h.cmd(|c, now| c.check_connection(now, DEADLINE)), "closed");
    assert!(h.take_cmds().iter().all(|c| matches!(c, crate::client::TransportCmd::Close { .. })));
}

#[test]
fn a_check_timer_does_not_outlive_its_socket() {
    let mut h = connected_pair();
    h.cmd(|c, now| c.check_connection(now, DEADLINE));
    h.server_closed(true, "bye"); // lost before the deadline: the reconnect dials B
    h.handshake(INFO);
    h.take_recs();
    h.advance(2 * DEADLINE);
    assert!(h.statuses().is_empty(), "the old check does not make the new connection stale");
}

#[test]
fn stale_from_the_ping_timer_says_how_many_pings_went_unanswered() {
    let mut o = opts(&[A]);
    o.ping_interval = 1000;
    o.max_ping_out = 3;
    let mut h = H::connected(o);
    h.advance(4000);
    let stale = h.status_details().into_iter().find(|s| s.0 == "staleConnection").unwrap();
    assert_eq!(stale, ("staleConnection".into(), "".into(), "stale connection: 3 PINGs unanswered".into()));
}

#[test]
fn frame_too_large_is_reported_as_a_slow_consumer_before_the_disconnect() {
    let mut h = connected_pair();
    h.server_closed_code(true, 0, "Frame too large");
    let s = h.status_details();
    assert_eq!((s[0].0.as_str(), s[0].1.as_str()), ("error", "SLOW_CONSUMER"));
    assert!(s[0].2.contains("64 MiB") && s[0].2.contains("Frame too large"), "{}", s[0].2);
    assert_eq!((s[1].0.as_str(), s[1].1.as_str(), s[1].2.as_str()), ("disconnect", "a:1", s[0].2.as_str()));
    assert_eq!(h.take_cmds(), vec![dial("ws://b:2/")], "then the usual reconnect");
}

#[test]
fn a_silent_end_of_stream_says_what_most_likely_happened() {
    let mut h = connected_pair();
    h.server_closed_code(true, 0, "Unexpected EOF");
    let s = h.status_details();
    assert_eq!(s[0].0, "disconnect");
    assert!(s[0].2.starts_with("connection to a:1 ended without a close frame or -ERR (Unexpected EOF)"));
    assert!(s[0].2.contains("slow consumer"), "{}", s[0].2);
    assert!(!h.statuses().iter().any(|s| s.0 == "error"), "not claimed as an error: it may be a crash");
}

#[test]
fn an_err_before_the_close_is_the_reason_given() {
    let mut h = connected_pair();
    h.feed("-ERR 'Maximum Connections Exceeded'\r\n");
    let err = h.status_details()[0].clone();
    assert_eq!(err, ("error".into(), "NATS_PROTOCOL_ERR".into(), "Maximum Connections Exceeded".into()));
    h.take_recs();
    h.server_closed_code(true, 1006, "");
    let d = &h.status_details()[0];
    assert_eq!(d.2, "connection to a:1 closed by the server after -ERR 'Maximum Connections Exceeded'");
    // The -ERR belonged to that socket: the next connection's silent end is not blamed on it.
    h.handshake(INFO);
    h.take_recs();
    h.server_closed_code(true, 1006, "");
    assert!(h.status_details()[0].2.contains("without a close frame"));
}

#[test]
fn a_client_initiated_reconnect_says_so() {
    let mut h = connected_pair();
    h.cmd(|c, now| c.reconnect(now)).unwrap();
    let d = h.status_details().into_iter().find(|s| s.0 == "disconnect").unwrap();
    assert_eq!(d, ("disconnect".into(), "a:1".into(), "client initiated reconnect".into()));
}

#[test]
fn a_frame_ends_with_a_nudge_ping_up_to_eight_in_flight_and_their_pongs_settle_nothing() {
    let mut h = H::connected(opts(&[]));
    // nothing to send: nothing added
    h.c.prepare_transmit();
    assert_eq!(h.c.transmit(), b"");
    h.c.publish("a", None, None, b"x").unwrap();
    h.c.prepare_transmit();
    h.pump();
    assert_eq!(h.sent(), "PUB a 1\r\nx\r\nPING\r\n", "the frame draws an answer at once");
    // one in flight: the frame behind it is nudged too (a bare one would wait on a delayed ACK)
    h.c.publish("a", None, None, b"y").unwrap();
    h.c.prepare_transmit();
    h.pump();
    assert_eq!(h.sent(), "PUB a 1\r\ny\r\nPING\r\n");
    // up to 8 in flight; the 9th frame goes as it is
    for _ in 2..8 {
        h.c.publish("a", None, None, b"w").unwrap();
        h.c.prepare_transmit();
        h.pump();
        assert!(h.sent().ends_with("PING\r\n"));
    }
    h.c.publish("a", None, None, b"v").unwrap();
    h.c.prepare_transmit();
    h.pump();
    assert_eq!(h.sent(), "PUB a 1\r\nv\r\n");
    // a flush behind the nudges: the first 8 PONGs answer the nudges, the 9th the flush
    let id = h.cmd(|c, _| c.flush()).unwrap();
    assert_eq!(h.sent(), "PING\r\n");
    for _ in 0..8 {
        h.feed("PONG\r\n");
        assert!(h.take_recs().iter().all(|r| !r.is(kind::FLUSH_END)), "a nudge's PONG settles nothing");
    }
    h.feed("PONG\r\n");
    let end = only(&h.take_recs(), kind::FLUSH_END);
    assert_eq!((end.id, end.f[0].as_str()), (id, ""));
    // nothing in flight again: the next frame is nudged
    h.c.publish("a", None, None, b"z").unwrap();
    h.c.prepare_transmit();
    h.pump();
    assert_eq!(h.sent(), "PUB a 1\r\nz\r\nPING\r\n");
}

#[test]
fn a_frame_that_carries_a_request_is_not_nudged_its_reply_acknowledges_it() {
    let mut h = H::connected(opts(&[]));
    h.c.request("svc", None, b"q", 5000, crate::client::ReplyTo::Mux, h.now).unwrap();
    h.c.prepare_transmit();
    h.pump();
    let sent = h.sent();
    assert!(sent.contains("PUB svc _INBOX."), "{sent}");
    assert!(!sent.contains("PING"), "the reply acknowledges the frame: {sent}");
    // the next frame without a request is nudged again
    h.c.publish("a", None, None, b"x").unwrap();
    h.c.prepare_transmit();
    h.pump();
    assert_eq!(h.sent(), "PUB a 1\r\nx\r\nPING\r\n");
    // a request with a publish in the same frame: still not nudged
    h.feed("PONG\r\n");
    h.c.publish("a", None, None, b"y").unwrap();
    h.c.request("svc", None, b"q", 5000, crate::client::ReplyTo::Mux, h.now).unwrap();
    h.c.prepare_transmit();
    h.pump();
    assert!(!h.sent().contains("PING"));
}

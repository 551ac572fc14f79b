//! What survives a reconnect (docs/contract.md and docs/decisions.md "Publishing while
//! disconnected"): publishes held during the whole outage, handshake included, in order after the
//! resubscribe; the buffer's capacity coming back after each reconnect; requests through the mux
//! across a reconnect; subscriptions changed while disconnected; what `close()` does to the
//! buffer.

use super::harness::*;
use crate::client::ReplyTo;
use crate::client::batch::kind;
use crate::error::ErrorCode;

const A: &str = "ws://a:1";

fn nuid(n: u64) -> String {
    format!("N{n:021}")
}

/// A connection to A with no reconnect delay, then dropped by the server.
fn disconnected(buffer: usize) -> H {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 0;
    o.reconnect_buffer_size = buffer;
    let mut h = H::connected(o);
    h.server_closed(true, "");
    h
}

/// What the server received after the handshake's `PING`.
fn after_handshake(sent: &str) -> String {
    sent.split_once("PING\r\n").map(|(_, rest)| rest.to_string()).unwrap_or_default()
}

#[test]
fn publishes_made_during_the_handshake_wait_for_the_pong() {
    let mut h = disconnected(1024);
    h.advance(1);
    h.cmd(|c, _| c.publish("a", None, None, b"1")).unwrap(); // dialling
    h.open();
    h.cmd(|c, _| c.publish("b", None, None, b"2")).unwrap(); // socket open, no INFO yet
    h.feed(INFO);
    let handshake = h.sent();
    assert!(handshake.starts_with("CONNECT ") && handshake.ends_with("}\r\nPING\r\n"), "{handshake}");
    h.cmd(|c, _| c.publish("c", None, None, b"3")).unwrap(); // CONNECT sent, no PONG yet
    assert_eq!(h.sent(), "", "nothing but CONNECT + PING before the PONG");
    h.feed("PONG\r\n");
    assert_eq!(h.sent(), "PUB a 1\r\n1\r\nPUB b 1\r\n2\r\nPUB c 1\r\n3\r\nPING\r\n");
}

#[test]
fn the_buffer_is_empty_again_after_a_reconnect() {
    let mut h = disconnected(26); // room for exactly two 13-byte publishes
    for round in 0..3 {
        h.cmd(|c, _| c.publish("a", None, None, b"1")).unwrap();
        h.cmd(|c, _| c.publish("b", None, None, b"2")).unwrap();
        let e = h.cmd(|c, _| c.publish("c", None, None, b"3")).unwrap_err();
        assert_eq!(e.code, ErrorCode::Disconnect, "round {round}");
        h.advance(1);
        h.handshake(INFO);
        assert_eq!(after_handshake(&h.sent()), "PUB a 1\r\n1\r\nPUB b 1\r\n2\r\nPING\r\n", "round {round}");
        h.server_closed(true, "");
    }
}

#[test]
fn a_request_pending_across_a_reconnect_gets_its_reply() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 0;
    let mut h = H::connected(o);
    let t = h.cmd(|c, now| c.request("svc", None, b"q", 5000, ReplyTo::Mux, now)).unwrap();
    h.sent();
    h.server_closed(true, "");
    h.advance(1);
    h.handshake(INFO);
    let inbox = format!("_INBOX.{}", nuid(1));
    assert_eq!(after_handshake(&h.sent()), format!("SUB {inbox}.* 1\r\nPING\r\n"), "the mux inbox is back");
    h.feed(format!("MSG {inbox}.{} 1 1\r\nr\r\n", nuid(2)));
    let r = only(&h.recs, kind::REPLY);
    assert_eq!((r.id, r.f[3].as_str()), (t, "r"));
}

#[test]
fn a_request_made_while_disconnected_goes_out_after_the_mux_subscription() {
    let mut h = disconnected(1024);
    let t = h.cmd(|c, now| c.request("svc", None, b"q", 5000, ReplyTo::Mux, now)).unwrap();
    assert_eq!(h.sent(), "");
    h.advance(1);
    h.handshake(INFO);
    let inbox = format!("_INBOX.{}", nuid(1));
    assert_eq!(
        after_handshake(&h.sent()),
        format!("SUB {inbox}.* 1\r\nPUB svc {inbox}.{} 1\r\nq\r\nPING\r\n", nuid(2))
    );
    h.feed(format!("MSG {inbox}.{} 1 1\r\nr\r\n", nuid(2)));
    assert_eq!(only(&h.recs, kind::REPLY).id, t);
}

#[test]
fn a_request_made_while_disconnected_times_out_if_the_outage_lasts() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 10_000;
    let mut h = H::connected(o);
    h.advance(20_000);
    h.server_closed(true, "");
    h.server_closed(false, "refused"); // the immediate redial fails; the next is 10 s away
    let t = h.cmd(|c, now| c.request("svc", None, b"q", 1000, ReplyTo::Mux, now)).unwrap();
    h.advance(1000);
    let end = only(&h.recs, kind::REQ_END);
    assert_eq!((end.id, end.f[0].as_str()), (t, "TIMEOUT"));
}

#[test]
fn subscription_changes_made_while_disconnected_are_what_the_resubscribe_sends() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 0;
    let mut h = H::connected(o);
    let gone = h.cmd(|c, now| c.subscribe("gone", None, None, None, now)).unwrap();
    let capped = h.cmd(|c, now| c.subscribe("capped", None, None, None, now)).unwrap();
    h.feed(format!("MSG capped {capped} 1\r\nx\r\n"));
    h.server_closed(true, "");
    h.sent();
    h.cmd(|c, _| c.unsubscribe(gone, None)).unwrap();
    h.cmd(|c, _| c.unsubscribe(capped, Some(3))).unwrap();
    let fresh = h.cmd(|c, now| c.subscribe("fresh", Some("q"), None, None, now)).unwrap();
    assert_eq!(h.sent(), "", "nothing is written while disconnected");
    assert!(fresh > capped, "sids only increase");
    h.advance(1);
    h.handshake(INFO);
    assert_eq!(
        after_handshake(&h.sent()),
        format!("SUB capped {capped}\r\nUNSUB {capped} 2\r\nSUB fresh q {fresh}\r\nPING\r\n"),
        "same sids, the remaining max, nothing for the ended subscription"
    );
}

#[test]
fn close_discards_the_buffer_and_publishing_then_fails() {
    let mut h = disconnected(1024);
    h.cmd(|c, _| c.publish("a", None, None, b"1")).unwrap();
    h.cmd(|c, _| c.close());
    let e = h.cmd(|c, _| c.publish("a", None, None, b"1")).unwrap_err();
    assert_eq!(e.code, ErrorCode::ConnectionClosed);
    h.advance(1000);
    assert!(h.cmds.is_empty() && h.sent().is_empty());
}

#[test]
fn reconnect_off_closes_at_once_so_no_publish_is_held_silently() {
    let mut o = opts(&[A]);
    o.reconnect = false;
    let mut h = H::connected(o);
    h.server_closed(true, "");
    let e = h.cmd(|c, _| c.publish("a", None, None, b"1")).unwrap_err();
    assert_eq!(e.code, ErrorCode::ConnectionClosed);
}

#[test]
fn the_frame_after_a_reconnect_draws_an_immediate_reply() {
    // Without one, the next small frame waits for the server's delayed ACK (Nagle in Deno).
    let mut h = disconnected(1024);
    h.cmd(|c, now| c.subscribe("s", None, None, None, now)).unwrap();
    h.advance(1);
    h.handshake(INFO);
    assert_eq!(after_handshake(&h.sent()), "SUB s 1\r\nPING\r\n");
    h.take_recs();
    h.feed("PONG\r\n");
    assert!(h.recs.is_empty(), "its PONG settles nothing visible");
    // A frame that already ends with a PING (a deferred flush) gets no second one.
    h.server_closed(true, "");
    let f = h.cmd(|c, _| c.flush()).unwrap();
    h.advance(1);
    h.handshake(INFO);
    assert_eq!(after_handshake(&h.sent()), "SUB s 1\r\nPING\r\n");
    h.feed("PONG\r\n");
    assert_eq!(h.recs.iter().filter(|r| r.is(kind::FLUSH_END)).map(|r| r.id).collect::<Vec<_>>(), vec![f]);
    // Nothing to send after the handshake: nothing at all.
    let mut idle = disconnected(1024);
    idle.advance(1);
    idle.handshake(INFO);
    assert_eq!(after_handshake(&idle.sent()), "");
}

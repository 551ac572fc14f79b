//! Server errors: -ERR mapping, permission routing (subscription, mux inbox, publish), the
//! auth-error abort rule, stale -ERR, protocol errors.

use super::harness::*;
use crate::client::ReplyTo;
use crate::client::batch::kind;

const A: &str = "ws://a:1";

fn err_status(h: &H) -> Vec<(String, String, String)> {
    h.recs
        .iter()
        .filter(|r| r.is(kind::STATUS) && r.f[0] == "error")
        .map(|r| (r.f[0].clone(), r.f[1].clone(), r.f[2].clone()))
        .collect()
}

#[test]
fn err_texts_map_to_codes_and_become_the_last_error() {
    for (text, code) in [
        ("Unknown Protocol Operation", "NATS_PROTOCOL_ERR"),
        ("Authentication Timeout", "AUTHENTICATION_TIMEOUT"),
        ("Maximum Connections Exceeded", "NATS_PROTOCOL_ERR"),
    ] {
        let mut o = opts(&[A]);
        o.reconnect = false;
        let mut h = H::connected(o);
        h.feed(format!("-ERR '{text}'\r\n"));
        assert_eq!(err_status(&h), vec![("error".into(), code.into(), "".into())]);
        assert!(h.cmds.is_empty(), "the server closes the socket, not us");
        h.server_closed(true, "");
        let closed = only(&h.recs, kind::CLOSED);
        assert_eq!(closed.f[0], "DISCONNECT", "reconnect off: closed by the disconnect");
    }
}

#[test]
fn subscription_permission_violation_ends_the_matching_subscription_only() {
    let mut h = H::connected(opts(&[A]));
    let plain = h.cmd(|c, now| c.subscribe("foo", None, None, None, now)).unwrap();
    let queued = h.cmd(|c, now| c.subscribe("foo", Some("q"), None, None, now)).unwrap();
    h.feed("-ERR 'Permissions Violation for Subscription to \"foo\" using queue \"q\"'\r\n");
    let ctx = r#"{"operation":"subscription","subject":"foo","queue":"q"}"#;
    let end = only(&h.recs, kind::SUB_END);
    assert_eq!((end.id, end.f[0].as_str(), end.f[2].as_str()), (queued, "PERMISSIONS_VIOLATION", ctx));
    assert_eq!(err_status(&h), vec![("error".into(), "PERMISSIONS_VIOLATION".into(), ctx.into())]);
    assert!(h.c.subscription_counts(plain).is_some());
    assert!(h.cmds.is_empty() && !h.c.is_closed(), "the connection stays up");
    h.take_recs();
    h.feed("-ERR 'Permissions Violation for Subscription to \"foo\"'\r\n");
    assert_eq!(only(&h.recs, kind::SUB_END).id, plain);
}

#[test]
fn mux_inbox_violation_fails_every_request_and_resets_the_mux() {
    let mut h = H::connected(opts(&[A]));
    let t1 = h.cmd(|c, now| c.request("a", None, b"", 1000, ReplyTo::Mux, now)).unwrap();
    let t2 = h.cmd(|c, now| c.request("b", None, b"", 1000, ReplyTo::Mux, now)).unwrap();
    let mux = format!("_INBOX.N{:021}.*", 1);
    h.sent();
    h.feed(format!("-ERR 'Permissions Violation for Subscription to \"{mux}\"'\r\n"));
    let ends: Vec<(u32, String)> =
        h.recs.iter().filter(|r| r.is(kind::REQ_END)).map(|r| (r.id, r.f[0].clone())).collect();
    assert_eq!(ends, vec![(t1, "PERMISSIONS_VIOLATION".into()), (t2, "PERMISSIONS_VIOLATION".into())]);
    h.cmd(|c, now| c.request("a", None, b"", 1000, ReplyTo::Mux, now)).unwrap();
    assert!(h.sent().starts_with(&format!("SUB _INBOX.N{:021}.* 2\r\n", 4)), "a new mux inbox");
}

#[test]
fn publish_violation_fails_requests_to_that_subject() {
    let mut h = H::connected(opts(&[A]));
    let t1 = h.cmd(|c, now| c.request("secret", None, b"", 1000, ReplyTo::Mux, now)).unwrap();
    let _t2 = h.cmd(|c, now| c.request("open", None, b"", 1000, ReplyTo::Mux, now)).unwrap();
    h.feed("-ERR 'Permissions Violation for Publish to \"secret\"'\r\n");
    let end = only(&h.recs, kind::REQ_END);
    assert_eq!((end.id, end.f[0].as_str()), (t1, "PERMISSIONS_VIOLATION"));
    assert_eq!(end.f[2], r#"{"operation":"publish","subject":"secret"}"#);
}

#[test]
fn two_identical_auth_errors_in_a_row_close_the_connection() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 0;
    let mut h = H::connected(o);
    h.feed("-ERR 'Authorization Violation'\r\n");
    h.advance(1);
    assert_eq!(
        h.statuses(),
        vec![
            ("error".into(), "AUTHORIZATION_VIOLATION".into()),
            ("disconnect".into(), "a:1".into()),
            ("reconnecting".into(), "a:1".into())
        ]
    );
    assert_eq!(h.take_cmds(), vec![close(1000, "Authorization Violation"), dial("ws://a:1/")]);
    h.open();
    h.feed(INFO);
    h.feed("-ERR 'Authorization Violation'\r\n");
    let closed = only(&h.recs, kind::CLOSED);
    assert_eq!(closed.f[0], "AUTHORIZATION_VIOLATION");
    assert!(h.c.is_closed());
}

#[test]
fn ignore_auth_error_abort_keeps_reconnecting_and_other_errors_break_the_run() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 0;
    o.ignore_auth_error_abort = true;
    o.max_reconnect_attempts = -1;
    let mut h = H::connected(o);
    for _ in 0..5 {
        h.advance(1);
        h.open();
        h.feed(INFO);
        h.feed("-ERR 'User Authentication Expired'\r\n");
    }
    assert!(!h.c.is_closed());

    let mut o = opts(&[A]);
    o.reconnect_time_wait = 0;
    o.max_reconnect_attempts = -1;
    let mut h = H::connected(o);
    h.feed("-ERR 'Account Authentication Expired'\r\n");
    h.advance(1);
    h.server_closed(false, "refused"); // a different error in between: not two in a row
    h.advance(1);
    h.open();
    h.feed(INFO);
    h.feed("-ERR 'Account Authentication Expired'\r\n");
    assert!(!h.c.is_closed());
    h.advance(1);
    h.open();
    h.feed(INFO);
    h.feed("-ERR 'Account Authentication Expired'\r\n");
    assert_eq!(only(&h.recs, kind::CLOSED).f[0], "ACCOUNT_EXPIRED");
}

#[test]
fn stale_connection_err_reconnects() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 0;
    let mut h = H::connected(o);
    h.feed("-ERR 'Stale Connection'\r\n");
    assert_eq!(h.take_cmds(), vec![close(1000, "Stale Connection")]);
    h.advance(1);
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
}

#[test]
fn protocol_error_closes_with_1002_and_reconnects() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 0;
    let mut h = H::connected(o);
    let sid = h.cmd(|c, now| c.subscribe("a", None, None, None, now)).unwrap();
    h.feed(format!("MSG a {sid} 1\r\nx\r\nBOGUS\r\nMSG a {sid} 1\r\ny\r\n"));
    assert_eq!(h.kinds()[0], kind::MSG, "ops before the bad one are handled");
    assert_eq!(h.recs.iter().filter(|r| r.is(kind::MSG)).count(), 1, "nothing after it");
    assert_eq!(err_status(&h), vec![("error".into(), "NATS_PROTOCOL_ERR".into(), "".into())]);
    assert_eq!(h.take_cmds(), vec![close(1002, "unknown protocol operation")]);
    h.advance(1);
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    h.take_recs();
    h.handshake(INFO);
    assert_eq!(only(&h.recs, kind::CONNECTED).extra, 0);

    let mut o = opts(&[A]);
    o.reconnect = false;
    let mut h = H::connected(o);
    h.feed("INFO {not json}\r\n");
    assert_eq!(only(&h.recs, kind::CLOSED).f[0], "NATS_PROTOCOL_ERR");
    assert_eq!(h.cmds.len(), 1);
}

#[test]
fn an_info_max_payload_above_64_mib_does_not_lift_the_inbound_cap() {
    let mut h = H::new(opts(&[A]));
    h.start();
    h.handshake("INFO {\"server_id\":\"S\",\"headers\":true,\"max_payload\":1000000000000}\r\n");
    h.clear();
    let sid = h.cmd(|c, now| c.subscribe("a", None, None, None, now)).unwrap();
    // 3 GB announced: refused at the control line instead of being buffered.
    h.feed(format!("MSG a {sid} 3000000000\r\nxxxx"));
    assert_eq!(err_status(&h), vec![("error".into(), "NATS_PROTOCOL_ERR".into(), "".into())]);
    assert_eq!(h.take_cmds(), vec![close(1002, "message size exceeds the limit")]);
}

#[test]
fn the_engine_closes_with_the_full_reason_and_leaves_the_cut_to_the_driver() {
    let mut h = H::connected(opts(&[A]));
    let text = format!("Authorization Violation: {}", "é".repeat(100));
    h.feed(format!("-ERR '{text}'\r\n"));
    let cmds = h.take_cmds();
    assert_eq!(cmds[0], close(1000, &text), "over 123 bytes, not cut: the WebSocket limit is the driver's");
}

//! Handshake: the dial, CONNECT fields, CONNECT + PING in one transmit, CONNECTED, handshake
//! failures (first op not INFO, noEcho, authenticator error, -ERR, timeout).

use super::harness::*;
use crate::client::AuthFields;
use crate::client::batch::kind;

fn connect_json(frame: &[u8]) -> serde_json::Value {
    let text = std::str::from_utf8(frame).unwrap();
    let line = text.strip_prefix("CONNECT ").unwrap().split("\r\n").next().unwrap();
    serde_json::from_str(line).unwrap()
}

#[test]
fn connect_and_ping_go_out_in_one_transmit_with_the_documented_fields() {
    let mut o = opts(&[]);
    o.name = Some("me".into());
    let mut h = H::new(o);
    h.start();
    assert_eq!(h.take_cmds(), vec![dial("ws://127.0.0.1:4222/")]);
    assert_eq!(h.c.poll_timeout(), Some(20_000), "dial timer covers open + handshake");
    h.open();
    assert!(h.frames.is_empty(), "nothing is sent before INFO");
    h.feed(INFO);
    assert_eq!(h.frames.len(), 1);
    let frame = h.frames[0].clone();
    assert!(frame.ends_with(b"}\r\nPING\r\n"), "{}", String::from_utf8_lossy(&frame));
    let j = connect_json(&frame);
    assert_eq!(j["protocol"], 1);
    assert_eq!(j["lang"], "nats-wasm");
    assert_eq!(j["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(j["verbose"], false);
    assert_eq!(j["pedantic"], false);
    assert_eq!(j["headers"], true);
    assert_eq!(j["no_responders"], true);
    assert_eq!(j["name"], "me");
    for absent in ["echo", "tls_required", "user", "pass", "auth_token", "jwt", "nkey", "sig"] {
        assert!(j.get(absent).is_none(), "{absent} must be left out");
    }
    h.frames.clear();
    h.feed("PONG\r\n");
    let recs = h.take_recs();
    assert_eq!(recs.iter().map(|r| r.kind).collect::<Vec<_>>(), vec![kind::INFO, kind::CONNECTED]);
    assert!(recs[0].f[0].starts_with("{\"server_id\":\"S1\""));
    assert_eq!((recs[1].f[0].as_str(), recs[1].extra), ("127.0.0.1:4222", 1));
    assert_eq!(h.c.current_server(), "127.0.0.1:4222");
    assert!(h.c.info_json().unwrap().contains("S1"));
    assert_eq!(h.c.poll_timeout(), Some(120_000), "only the ping timer is left");
}

#[test]
fn optional_connect_fields_follow_options_and_info() {
    let mut o = opts(&[]);
    o.no_echo = true;
    o.tls_required = true;
    o.verbose = true;
    let fields = AuthFields { user: Some("u".into()), pass: Some("p".into()), ..Default::default() };
    let mut h = H::with_auth(o, Ok(fields));
    h.start();
    h.open();
    h.feed("INFO {\"server_id\":\"S\",\"proto\":1,\"nonce\":\"abc\"}\r\n");
    let j = connect_json(&h.frames[0]);
    assert_eq!(j["echo"], false);
    assert_eq!(j["tls_required"], true);
    assert_eq!(j["verbose"], true);
    assert_eq!(j["user"], "u");
    assert_eq!(j["pass"], "p");
    assert!(j.get("headers").is_none() && j.get("no_responders").is_none());
    assert_eq!(*h.nonces.borrow(), vec![Some("abc".to_string())]);
    h.feed("+OK\r\nPONG\r\n");
    assert_eq!(only(&h.recs, kind::CONNECTED).extra, 1);
}

#[test]
fn first_op_other_than_info_is_a_protocol_error() {
    let mut h = H::new(opts(&[]));
    h.start();
    h.open();
    h.take_cmds();
    h.feed("PING\r\n");
    assert_eq!(h.take_cmds(), vec![close(1002, "unexpected response from server: expected INFO")]);
    let closed = only(&h.recs, kind::CLOSED);
    assert_eq!(closed.f[0], "NATS_PROTOCOL_ERR");
    assert_eq!(h.statuses(), vec![("error".into(), "NATS_PROTOCOL_ERR".into())]);
    assert!(h.c.is_closed());
}

#[test]
fn no_echo_needs_proto_1() {
    let mut o = opts(&[]);
    o.no_echo = true;
    let mut h = H::new(o);
    h.start();
    h.open();
    h.feed("INFO {\"server_id\":\"S\",\"proto\":0}\r\n");
    let closed = only(&h.recs, kind::CLOSED);
    assert_eq!((closed.f[0].as_str(), closed.f[1].as_str()), ("SERVER_OPT_NA", "noEcho"));
    assert!(h.frames.is_empty(), "no CONNECT was sent");
}

#[test]
fn authenticator_error_fails_the_dial_with_its_code() {
    use crate::error::{ErrorCode, NatsError};
    for code in [ErrorCode::BadAuthentication, ErrorCode::BadCreds] {
        let mut h = H::with_auth(opts(&[]), Err(NatsError::new(code, "no creds")));
        h.start();
        h.open();
        h.feed(INFO);
        let closed = only(&h.recs, kind::CLOSED);
        assert_eq!((closed.f[0].as_str(), closed.f[1].as_str()), (code.as_str(), "no creds"));
        assert!(h.frames.is_empty(), "no CONNECT was sent");
    }
}

#[test]
fn err_during_handshake_fails_the_dial_with_the_mapped_code() {
    let mut h = H::new(opts(&[]));
    h.start();
    h.open();
    h.feed(INFO);
    h.feed("-ERR 'Authorization Violation'\r\n");
    assert_eq!(h.statuses(), vec![("error".into(), "AUTHORIZATION_VIOLATION".into())]);
    assert_eq!(only(&h.recs, kind::CLOSED).f[0], "AUTHORIZATION_VIOLATION");
    assert!(h.cmds.contains(&close(1000, "Authorization Violation")));
}

#[test]
fn dial_timer_fails_a_slow_handshake_with_timeout() {
    let mut o = opts(&[]);
    o.timeout = 500;
    let mut h = H::new(o);
    h.start();
    h.open();
    h.advance(499);
    assert!(h.recs.is_empty());
    h.advance(1);
    let closed = only(&h.recs, kind::CLOSED);
    assert_eq!(closed.f[0], "TIMEOUT");
    assert_eq!(h.cmds.last(), Some(&close(1000, "timeout connecting to 127.0.0.1:4222")));
}

#[test]
fn handshake_ops_may_arrive_split_across_frames_byte_by_byte() {
    let mut h = H::new(opts(&[]));
    h.start();
    h.open();
    for b in INFO.bytes() {
        h.feed([b]);
    }
    assert_eq!(h.frames.len(), 1);
    for b in b"PING\r\nPONG\r\n" {
        h.feed([*b]);
    }
    assert_eq!(only(&h.recs, kind::CONNECTED).extra, 1);
    assert!(h.sent().ends_with("PONG\r\n"), "the server PING is answered");
}

#[test]
fn subscriptions_and_publishes_made_before_the_first_connect_go_out_after_it() {
    let mut h = H::new(opts(&[]));
    h.start();
    let sid = h.cmd(|c, now| c.subscribe("foo", Some("q"), Some(3), None, now)).unwrap();
    h.cmd(|c, _| c.publish("foo", None, None, b"x")).unwrap();
    let f = h.cmd(|c, _| c.flush()).unwrap();
    h.handshake(INFO);
    let sent = h.sent();
    let after = sent.split_once("PING\r\n").unwrap().1;
    assert_eq!(after, format!("SUB foo q {sid}\r\nUNSUB {sid} 3\r\nPUB foo 1\r\nx\r\nPING\r\n"));
    h.feed("PONG\r\n");
    let end = only(&h.recs, kind::FLUSH_END);
    assert_eq!((end.id, end.f[0].as_str()), (f, ""));
}

//! Servers and reconnects: first-connect failure, waitOnFirstConnect, reconnect delay and
//! jitter, pool pruning, ping timer and stale, resubscribe, publish buffering while
//! disconnected, cluster updates, ldm, client-initiated reconnect.

use super::harness::*;
use crate::client::TransportCmd;
use crate::client::batch::kind;
use crate::error::ErrorCode;

const A: &str = "ws://a:1";
const B: &str = "ws://b:2";

#[test]
fn first_connect_tries_each_server_once_then_closes_refused() {
    let mut h = H::new(opts(&[A, B]));
    h.start();
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    h.server_closed(false, "refused");
    assert_eq!(h.take_cmds(), vec![dial("ws://b:2/")], "the next server is dialled at once");
    h.server_closed(false, "");
    assert!(h.take_cmds().is_empty());
    let closed = only(&h.recs, kind::CLOSED);
    assert_eq!(
        (closed.f[0].as_str(), closed.f[1].as_str()),
        ("CONNECTION_REFUSED", "could not connect to b:2")
    );
    assert!(h.statuses().is_empty(), "no reconnecting status before the first connect");
}

#[test]
fn wait_on_first_connect_retries_at_the_reconnect_delay_forever() {
    let mut o = opts(&[A]);
    o.wait_on_first_connect = true;
    o.reconnect_time_wait = 2000;
    let mut h = H::new(o);
    h.start();
    for _ in 0..20 {
        assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
        h.server_closed(false, "refused");
        assert!(h.take_cmds().is_empty());
        h.advance(1999);
        assert!(h.cmds.is_empty());
        h.advance(1);
    }
    assert!(!h.c.is_closed());
    h.handshake(INFO);
    assert_eq!(only(&h.recs, kind::CONNECTED).extra, 1);
}

#[test]
fn reconnect_delay_is_wait_plus_jitter_within_bounds() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 1000;
    o.reconnect_jitter = 100;
    o.max_reconnect_attempts = -1;
    let mut h = H::connected(o);
    // A server connected long ago is redialled at once after a disconnect.
    h.advance(10_000);
    h.server_closed(true, "bye");
    assert_eq!(
        h.statuses(),
        vec![("disconnect".into(), "a:1".into()), ("reconnecting".into(), "a:1".into())]
    );
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    // Refused at the same instant: the next dial waits for last dial + wait + jitter.
    h.script_random(&[250]); // 250 % 101 = 48 ms of jitter
    h.server_closed(false, "refused");
    h.advance(1047);
    assert!(h.cmds.is_empty());
    h.advance(1);
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    h.script_random(&[101 * 7 + 100]); // % 101 = 100: the largest jitter
    h.server_closed(false, "refused");
    h.advance(1099);
    assert!(h.cmds.is_empty(), "{:?} at {}", h.cmds, h.now);
    h.advance(1);
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
}

#[test]
fn delay_handler_replaces_wait_and_jitter() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 60_000;
    o.reconnect_jitter = 60_000;
    o.max_reconnect_attempts = -1;
    let mut h = H::connected(o);
    let calls = std::rc::Rc::new(std::cell::Cell::new(0u32));
    let seen = calls.clone();
    h.c.set_reconnect_delay_handler(Box::new(move || {
        seen.set(seen.get() + 1);
        250
    }));
    h.advance(10_000);
    h.server_closed(true, "bye");
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    h.server_closed(false, "refused");
    h.advance(249);
    assert!(h.cmds.is_empty(), "the handler's 250 ms, not the 60 s wait");
    h.advance(1);
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    assert!(calls.get() >= 2);
}

#[test]
fn tls_required_uses_the_tls_jitter() {
    let mut o = opts(&["wss://a:1"]);
    o.tls_required = true;
    o.reconnect_time_wait = 0;
    o.reconnect_jitter_tls = 1000;
    let mut h = H::connected(o);
    h.script_random(&[0]); // the redial right after the disconnect, 1 ms later
    h.server_closed(true, "");
    h.advance(1);
    assert_eq!(h.take_cmds(), vec![dial("wss://a:1/")]);
    h.script_random(&[999]);
    h.server_closed(false, "");
    h.advance(998);
    assert!(h.cmds.is_empty());
    h.advance(1);
    assert_eq!(h.take_cmds(), vec![dial("wss://a:1/")]);
}

#[test]
fn servers_are_pruned_after_max_reconnect_attempts() {
    let mut o = opts(&[A]);
    o.max_reconnect_attempts = 3;
    o.reconnect_time_wait = 10;
    let mut h = H::connected(o);
    h.server_closed(true, "");
    for _ in 0..3 {
        h.advance(10);
        assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
        h.server_closed(false, "refused");
    }
    h.advance(1000);
    assert!(h.cmds.is_empty());
    let closed = only(&h.recs, kind::CLOSED);
    assert_eq!(closed.f[0], "CONNECTION_REFUSED");
    let reconnecting = h.statuses().iter().filter(|s| s.0 == "reconnecting").count();
    assert_eq!(reconnecting, 3);
}

#[test]
fn a_successful_connect_resets_the_failure_count() {
    let mut o = opts(&[A]);
    o.max_reconnect_attempts = 2;
    o.reconnect_time_wait = 10;
    let mut h = H::connected(o);
    for _ in 0..5 {
        h.server_closed(true, "");
        h.advance(10);
        h.server_closed(false, "refused"); // one failure
        h.advance(10);
        h.handshake(INFO);
    }
    assert!(!h.c.is_closed());
    assert_eq!(h.recs.iter().filter(|r| r.is(kind::CONNECTED) && r.extra == 0).count(), 5);
}

/// With `reconnect: false`, the CLOSED after a lost connection: no error when the server ended it
/// cleanly (nats.deno resolves `closed()` with `undefined`), else the error that ended it.
fn closed_without_reconnect(end: impl FnOnce(&mut H)) -> (Vec<u32>, String, String) {
    let mut o = opts(&[A]);
    o.reconnect = false;
    o.ping_interval = 1000;
    o.max_ping_out = 0;
    let mut h = H::connected(o);
    end(&mut h);
    let closed = only(&h.recs, kind::CLOSED);
    let disconnect = h.status_details().into_iter().find(|s| s.0 == "disconnect").expect("disconnect");
    assert!(h.cmds.iter().all(|c| !matches!(c, TransportCmd::Dial { .. })), "no redial");
    (h.kinds(), closed.f[0].clone(), disconnect.2)
}

#[test]
fn reconnect_off_closes_without_error_after_a_clean_server_close() {
    let (kinds, code, why) = closed_without_reconnect(|h| h.server_closed(true, "going away"));
    assert_eq!(kinds, vec![kind::STATUS, kind::CLOSED]);
    assert_eq!(code, "", "a close frame 1000 is clean");
    assert!(why.contains("(1000 going away)"), "the disconnect still says why: {why}");
    let (_, code, _) = closed_without_reconnect(|h| h.server_closed_code(true, 1001, "Server Shutdown"));
    assert_eq!(code, "", "nats-server's shutdown close (1001) is clean");
    let (_, code, _) = closed_without_reconnect(|h| h.server_closed_code(true, 1006, ""));
    assert_eq!(code, "", "an end of stream without any error text is clean");
}

#[test]
fn reconnect_off_closes_with_the_error_that_ended_the_connection() {
    let (_, code, _) = closed_without_reconnect(|h| h.server_closed_code(true, 1006, "Unexpected EOF"));
    assert_eq!(code, "DISCONNECT", "an abnormal close with an error text");
    let (_, code, _) = closed_without_reconnect(|h| {
        h.feed("-ERR 'Maximum Connections Exceeded'\r\n");
        h.server_closed(true, "bye");
    });
    assert_eq!(code, "DISCONNECT", "a close frame after an -ERR");
    let (_, code, _) = closed_without_reconnect(|h| h.feed("BOGUS\r\n"));
    assert_eq!(code, "NATS_PROTOCOL_ERR");
    let (_, code, _) = closed_without_reconnect(|h| h.advance(1000));
    assert_eq!(code, "DISCONNECT", "stale");
    let (_, code, _) = closed_without_reconnect(|h| h.feed("-ERR 'Authorization Violation'\r\n"));
    assert_eq!(code, "AUTHORIZATION_VIOLATION");
}

#[test]
fn ping_timer_counts_outstanding_and_stale_reconnects() {
    let mut o = opts(&[A]);
    o.ping_interval = 1000;
    o.max_ping_out = 2;
    let mut h = H::connected(o);
    h.advance(1000);
    h.advance(1000);
    assert_eq!(h.sent(), "PING\r\nPING\r\n");
    h.feed("PONG\r\n"); // any PONG resets the outstanding count
    h.advance(1000);
    h.advance(1000);
    h.advance(1000);
    let s = h.statuses();
    let timers: Vec<&str> = s.iter().filter(|s| s.0 == "pingTimer").map(|s| s.1.as_str()).collect();
    assert_eq!(timers, vec!["1", "2", "1", "2", "3"]);
    // staleConnection data is "" as in nats.deno (docs/contract.md "Public surface"); it was host:port.
    assert!(s.contains(&("staleConnection".into(), "".into())));
    assert!(s.contains(&("disconnect".into(), "a:1".into())));
    assert_eq!(h.take_cmds(), vec![close(1000, "stale connection"), dial("ws://a:1/")]);
}

#[test]
fn pending_flushes_fail_with_disconnect_and_resubscribe_keeps_the_remaining_max() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 0;
    let mut h = H::connected(o);
    let sid = h.cmd(|c, now| c.subscribe("a", Some("q"), Some(5), None, now)).unwrap();
    let plain = h.cmd(|c, now| c.subscribe("b", None, None, None, now)).unwrap();
    h.feed(format!("MSG a {sid} 1\r\nx\r\nMSG a {sid} 1\r\nx\r\n"));
    let f = h.cmd(|c, _| c.flush()).unwrap();
    h.sent();
    h.take_recs();
    h.server_closed(true, "");
    let end = only(&h.recs, kind::FLUSH_END);
    assert_eq!((end.id, end.f[0].as_str()), (f, "DISCONNECT"));
    h.advance(1);
    h.handshake(INFO);
    let sent = h.sent();
    let after = sent.split_once("PING\r\n").unwrap().1;
    assert_eq!(after, format!("SUB a q {sid}\r\nUNSUB {sid} 3\r\nSUB b {plain}\r\nPING\r\n"));
    let c = only(&h.recs, kind::CONNECTED);
    assert_eq!((c.f[0].as_str(), c.extra), ("a:1", 0));
    assert!(h.statuses().contains(&("reconnect".into(), "a:1".into())));
}

#[test]
fn publishes_while_disconnected_are_held_in_order_and_sent_after_the_resubscribe() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 0;
    o.reconnect_buffer_size = 40;
    let mut h = H::connected(o);
    h.cmd(|c, now| c.subscribe("s", None, None, None, now)).unwrap();
    h.server_closed(true, "");
    h.sent();
    h.cmd(|c, _| c.publish("a", None, None, b"1")).unwrap(); // 13 bytes encoded
    h.cmd(|c, _| c.publish("b", None, None, b"2")).unwrap(); // 26
    h.cmd(|c, _| c.publish("c", None, None, b"3")).unwrap(); // 39
    let e = h.cmd(|c, _| c.publish("d", None, None, b"4")).unwrap_err();
    assert_eq!(e.code, ErrorCode::Disconnect);
    assert!(e.message.contains("reconnect buffer is full"), "{}", e.message);
    assert_eq!(h.sent(), "", "nothing goes out while disconnected");
    let f = h.cmd(|c, _| c.flush()).unwrap();
    h.advance(1);
    h.handshake(INFO);
    let sent = h.sent();
    let after = sent.split_once("PING\r\n").unwrap().1;
    assert_eq!(after, "SUB s 1\r\nPUB a 1\r\n1\r\nPUB b 1\r\n2\r\nPUB c 1\r\n3\r\nPING\r\n");
    h.feed("PONG\r\n");
    assert_eq!(only(&h.recs, kind::FLUSH_END).id, f);
    assert_eq!(h.c.stats().1, 3);
}

#[test]
fn connect_urls_merge_reports_only_changes_with_the_current_scheme() {
    let mut h = H::connected(opts(&[A]));
    h.feed("INFO {\"server_id\":\"S\",\"connect_urls\":[\"a:1\",\"c:3\",\"d:4\"]}\r\n");
    let s = h.statuses();
    assert_eq!(s, vec![("update".into(), r#"{"added":["c:3","d:4"],"deleted":[]}"#.into())]);
    assert_eq!(h.kinds(), vec![kind::INFO, kind::STATUS]);
    h.take_recs();
    h.feed("INFO {\"server_id\":\"S\",\"connect_urls\":[\"d:4\",\"c:3\"]}\r\n");
    assert!(h.statuses().is_empty());
    h.feed("INFO {\"server_id\":\"S\",\"connect_urls\":[\"c:3\"]}\r\n");
    assert_eq!(h.statuses(), vec![("update".into(), r#"{"added":[],"deleted":["d:4"]}"#.into())]);
    // The gossiped server is dialled with the scheme of the connection that announced it, and
    // before `a`: the server just lost goes last in the rotation.
    h.advance(10_000);
    h.server_closed(true, "");
    assert_eq!(h.take_cmds(), vec![dial("ws://c:3/")]);
    h.server_closed(false, "refused");
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);

    let mut o = opts(&[A]);
    o.ignore_cluster_updates = true;
    let mut h = H::connected(o);
    h.feed("INFO {\"server_id\":\"S\",\"connect_urls\":[\"c:3\"]}\r\n");
    assert!(h.statuses().is_empty());
}

#[test]
fn ldm_is_reported_without_reconnecting() {
    let mut h = H::connected(opts(&[A]));
    h.feed("INFO {\"server_id\":\"S\",\"ldm\":true}\r\n");
    assert_eq!(h.statuses(), vec![("ldm".into(), "a:1".into())]);
    assert!(h.cmds.is_empty());
    assert!(h.c.info_json().unwrap().contains("ldm"));
}

#[test]
fn client_initiated_reconnect_redials_at_once() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 60_000;
    let mut h = H::connected(o);
    h.cmd(|c, now| c.reconnect(now)).unwrap();
    assert_eq!(h.statuses()[0], ("client initiated reconnect".into(), "".into()));
    assert!(h.statuses().contains(&("disconnect".into(), "a:1".into())));
    assert_eq!(h.take_cmds(), vec![close(1000, "client initiated reconnect"), dial("ws://a:1/")]);
    h.handshake(INFO);
    assert_eq!(only(&h.recs, kind::CONNECTED).extra, 0);
    h.cmd(|c, now| c.drain(now)).unwrap();
    assert_eq!(h.cmd(|c, now| c.reconnect(now)).unwrap_err().code, ErrorCode::ConnectionDraining);
    h.cmd(|c, _| c.close());
    assert_eq!(h.cmd(|c, now| c.reconnect(now)).unwrap_err().code, ErrorCode::ConnectionClosed);
}

#[test]
fn inbound_limit_follows_info_but_never_below_one_mib() {
    let mut h = H::new(opts(&[A]));
    h.start();
    h.handshake("INFO {\"server_id\":\"S\",\"max_payload\":10}\r\n");
    let sid = h.cmd(|c, now| c.subscribe("a", None, None, None, now)).unwrap();
    let big = "x".repeat(1024 * 1024);
    h.feed(format!("MSG a {sid} {}\r\n{big}\r\n", big.len()));
    assert_eq!(h.recs.last().map(|r| r.kind), Some(kind::MSG));
    h.feed(format!("MSG a {sid} {}\r\n", big.len() + 1));
    assert!(h.statuses().contains(&("error".into(), "NATS_PROTOCOL_ERR".into())));
    assert_eq!(h.cmds.last(), Some(&close(1002, "message size exceeds the limit")));
}

#[test]
fn a_zero_delay_never_redials_the_same_server_within_the_same_call() {
    let mut o = opts(&[A]);
    o.wait_on_first_connect = true;
    o.reconnect_time_wait = 0;
    let mut h = H::new(o);
    h.start();
    h.take_cmds();
    h.server_closed(false, "refused synchronously");
    assert!(h.take_cmds().is_empty(), "the redial goes through the timer");
    assert_eq!(h.c.poll_timeout(), Some(1));
    h.advance(1);
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
}

#[test]
fn a_huge_connect_urls_list_is_capped() {
    let mut h = H::connected(opts(&[A]));
    // As many as fit in one 64 KiB INFO line.
    let urls: Vec<String> = (0..5_000).map(|i| format!("\"h{i}:1\"")).collect();
    h.feed(format!("INFO {{\"server_id\":\"S\",\"connect_urls\":[{}]}}\r\n", urls.join(",")));
    let (kind, data) = h.statuses().remove(0);
    assert_eq!(kind, "update");
    let v: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(v["added"].as_array().unwrap().len(), 256, "only the first 256 entries join the pool");
}

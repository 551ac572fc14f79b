//! The reconnect loop across several servers (docs/contract.md "Connect, servers, reconnect"):
//! which server is dialled when, the per-server delay, jitter bounds over many attempts, attempt
//! counting and pruning per server, unlimited attempts, dial timeouts as failures,
//! waitOnFirstConnect followed by normal counting, and close() stopping the loop.

use super::harness::*;
use crate::client::batch::kind;

const A: &str = "ws://a:1";
const B: &str = "ws://b:2";

fn reconnecting(h: &H) -> Vec<String> {
    h.statuses().into_iter().filter(|s| s.0 == "reconnecting").map(|s| s.1).collect()
}

#[test]
fn a_disconnect_dials_the_next_server_at_once_and_a_recent_one_only_after_its_delay() {
    let mut o = opts(&[A, B]);
    o.reconnect_time_wait = 1000;
    o.max_reconnect_attempts = -1;
    let mut h = H::connected(o); // A dialled at t=0
    h.advance(100);
    h.server_closed(true, "");
    assert_eq!(h.take_cmds(), vec![dial("ws://b:2/")], "B was never dialled: no wait");
    h.server_closed(false, "refused"); // t=100
    h.advance(899);
    assert!(h.cmds.is_empty(), "A was dialled at t=0: not before t=1000");
    h.advance(1);
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    h.server_closed(false, "refused"); // t=1000: B was dialled at t=100
    h.advance(99);
    assert!(h.cmds.is_empty());
    h.advance(1);
    assert_eq!(h.take_cmds(), vec![dial("ws://b:2/")]);
    assert_eq!(reconnecting(&h), vec!["b:2", "a:1", "b:2"], "one reconnecting per dial");
}

#[test]
fn every_redial_waits_exactly_wait_plus_random_jitter_and_stays_in_bounds() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 500;
    o.reconnect_jitter = 50;
    o.max_reconnect_attempts = -1;
    let mut h = H::connected(o);
    h.advance(10_000);
    h.server_closed(true, "");
    h.take_cmds();
    let (mut lo, mut hi) = (u64::MAX, 0);
    for i in 0..200u64 {
        let r = i.wrapping_mul(0x9E37_79B9_7F4A_7C15); // spread over the u64 range
        h.script_random(&[r]);
        let dialled_at = h.now;
        h.server_closed(false, "refused");
        let expected = 500 + r % 51;
        h.advance(expected - 1);
        assert!(h.cmds.is_empty(), "attempt {i}: redial before {expected} ms");
        h.advance(1);
        assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")], "attempt {i}");
        let gap = h.now - dialled_at;
        lo = lo.min(gap);
        hi = hi.max(gap);
    }
    assert!((500..=550).contains(&lo) && (500..=550).contains(&hi), "{lo}..{hi}");
    assert!(hi - lo > 25, "jitter is actually applied: {lo}..{hi}");
}

#[test]
fn max_reconnect_attempts_is_counted_per_server_then_the_client_closes() {
    let mut o = opts(&[A, B]);
    o.max_reconnect_attempts = 2;
    o.reconnect_time_wait = 10;
    let mut h = H::connected(o);
    h.server_closed(true, "");
    let mut dials = Vec::new();
    for _ in 0..10 {
        for c in h.take_cmds() {
            dials.push(c);
            h.server_closed(false, "refused");
        }
        h.advance(10);
    }
    let urls = ["ws://b:2/", "ws://a:1/", "ws://b:2/", "ws://a:1/"];
    assert_eq!(dials, urls.iter().map(|u| dial(u)).collect::<Vec<_>>());
    assert_eq!(reconnecting(&h), vec!["b:2", "a:1", "b:2", "a:1"]);
    let closed = only(&h.recs, kind::CLOSED);
    assert_eq!(
        (closed.f[0].as_str(), closed.f[1].as_str()),
        ("CONNECTION_REFUSED", "could not connect to a:1: refused")
    );
}

#[test]
fn max_reconnect_attempts_zero_drops_a_server_at_its_first_failure() {
    let mut o = opts(&[A]);
    o.max_reconnect_attempts = 0;
    let mut h = H::connected(o);
    h.advance(10_000);
    h.server_closed(true, "");
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    h.server_closed(false, "refused");
    assert_eq!(only(&h.recs, kind::CLOSED).f[0], "CONNECTION_REFUSED");
}

#[test]
fn unlimited_attempts_never_give_up() {
    let mut o = opts(&[A, B]);
    o.max_reconnect_attempts = -1;
    o.reconnect_time_wait = 10;
    let mut h = H::connected(o);
    h.server_closed(true, "");
    let mut n = 0;
    while n < 500 {
        for _ in h.take_cmds() {
            n += 1;
            h.server_closed(false, "refused");
        }
        h.advance(10);
    }
    assert!(!h.c.is_closed());
    assert!(!h.kinds().contains(&kind::CLOSED));
    h.advance(10);
    h.handshake(INFO);
    assert_eq!(only(&h.recs, kind::CONNECTED).extra, 0);
}

#[test]
fn a_dial_timeout_is_a_failed_attempt_and_the_next_server_is_tried() {
    let mut o = opts(&[A, B]);
    o.timeout = 500;
    o.max_reconnect_attempts = 1;
    o.reconnect_time_wait = 10;
    let mut h = H::connected(o);
    h.advance(1000);
    h.server_closed(true, "");
    assert_eq!(h.take_cmds(), vec![dial("ws://b:2/")]);
    h.open(); // the socket opens (a frozen server's kernel still accepts), but no INFO comes
    h.advance(499);
    assert!(h.cmds.is_empty());
    h.advance(1);
    assert_eq!(h.take_cmds(), vec![close(1000, "timeout connecting to b:2"), dial("ws://a:1/")]);
    h.handshake(INFO);
    assert_eq!(only(&h.recs, kind::CONNECTED).f[0], "a:1");
    // B failed once with max 1: it left the pool, so losing A leaves only A to dial.
    h.advance(1000);
    h.server_closed(true, "");
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
}

#[test]
fn wait_on_first_connect_failures_do_not_count_but_later_ones_do() {
    let mut o = opts(&[A]);
    o.wait_on_first_connect = true;
    o.max_reconnect_attempts = 2;
    o.reconnect_time_wait = 10;
    let mut h = H::new(o);
    h.start();
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    for _ in 0..5 {
        h.server_closed(false, "refused");
        h.advance(10);
        assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    }
    h.handshake(INFO);
    assert_eq!(only(&h.recs, kind::CONNECTED).extra, 1);
    h.advance(100);
    h.server_closed(true, "");
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    h.server_closed(false, "refused");
    assert!(!h.c.is_closed());
    h.advance(10);
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    h.server_closed(false, "refused");
    assert!(h.c.is_closed(), "two failures after the first connect prune the only server");
}

#[test]
fn close_during_the_reconnect_wait_stops_the_loop() {
    let mut o = opts(&[A]);
    o.reconnect_time_wait = 1000;
    let mut h = H::connected(o);
    h.server_closed(true, "");
    h.advance(1000);
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    h.server_closed(false, "refused");
    h.take_recs();
    h.cmd(|c, _| c.close());
    let closed = only(&h.recs, kind::CLOSED);
    assert_eq!(closed.f[0], "", "closed by the user, not by the failed dials");
    h.advance(60_000);
    assert!(h.cmds.is_empty(), "no dial after close");
    assert_eq!(h.c.poll_timeout(), None, "no timer left");
}

#[test]
fn close_while_dialling_closes_that_socket_and_dials_nothing_more() {
    let mut h = H::connected(opts(&[A, B]));
    h.server_closed(true, "");
    assert_eq!(h.take_cmds(), vec![dial("ws://b:2/")]);
    h.cmd(|c, _| c.close());
    assert_eq!(h.take_cmds(), vec![close(1000, "")]);
    h.server_closed(true, "late close event of the abandoned socket");
    h.advance(60_000);
    assert!(h.cmds.is_empty());
    assert_eq!(h.recs.iter().filter(|r| r.is(kind::CLOSED)).count(), 1);
}

#[test]
fn servers_are_shuffled_unless_no_randomize() {
    let first_dials = |no_randomize: bool| {
        let mut o = opts(&[A, B, "ws://c:3"]);
        o.no_randomize = no_randomize;
        let mut h = H::new(o);
        h.start();
        let mut urls = Vec::new();
        while let Some(crate::client::TransportCmd::Dial { url }) = h.take_cmds().pop() {
            urls.push(url);
            h.server_closed(false, "refused"); // first connect: each server once
        }
        urls
    };
    assert_eq!(first_dials(true), vec!["ws://a:1/", "ws://b:2/", "ws://c:3/"]);
    // The test entropy counts 1, 2, ...: Fisher-Yates swaps (2,1) then (1,0).
    assert_eq!(first_dials(false), vec!["ws://c:3/", "ws://a:1/", "ws://b:2/"]);
}

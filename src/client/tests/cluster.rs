//! Cluster discovery and lame-duck mode (docs/contract.md "INFO handling", docs/websocket.md
//! "Cluster discovery"): gossiped `connect_urls` join the pool with the scheme of the connection that
//! announced them, `update` only when the pool changed, configured and current servers are never
//! deleted, `ignoreClusterUpdates` keeps the pool as configured, and `ldm` is reported without a
//! reconnect, the client moving on when the server then closes it.

use super::harness::*;
use crate::client::batch::kind;

const A: &str = "ws://a:1";

fn info_with_urls(urls: &[&str]) -> String {
    let list: Vec<String> = urls.iter().map(|u| format!("\"{u}\"")).collect();
    format!("INFO {{\"server_id\":\"S\",\"headers\":true,\"connect_urls\":[{}]}}\r\n", list.join(","))
}

#[test]
fn gossiped_servers_take_wss_from_a_secure_connection() {
    let mut h = H::connected(opts(&["wss://a:1"]));
    h.feed(info_with_urls(&["a:1", "b:2"]));
    assert_eq!(h.statuses(), vec![("update".into(), r#"{"added":["b:2"],"deleted":[]}"#.into())]);
    h.advance(10_000);
    h.server_closed(true, "");
    assert_eq!(h.take_cmds(), vec![dial("wss://b:2/")], "a gossiped server is dialled as wss");
}

#[test]
fn gossip_never_deletes_configured_servers_or_the_current_one() {
    let mut h = H::connected(opts(&[A, "ws://b:2"]));
    h.feed(info_with_urls(&["c:3"]));
    assert_eq!(h.statuses(), vec![("update".into(), r#"{"added":["c:3"],"deleted":[]}"#.into())]);
    h.take_recs();
    h.feed(info_with_urls(&[]));
    assert_eq!(h.statuses(), vec![("update".into(), r#"{"added":[],"deleted":["c:3"]}"#.into())]);
    h.take_recs();
    // Move to a gossiped server, then let its INFO leave itself out: it stays (it is current).
    h.feed(info_with_urls(&["c:3"]));
    h.take_recs();
    h.advance(10_000);
    h.server_closed(true, "");
    assert_eq!(h.take_cmds(), vec![dial("ws://b:2/")]);
    h.server_closed(false, "refused");
    assert_eq!(h.take_cmds(), vec![dial("ws://c:3/")], "a:1, just lost, comes last");
    h.handshake(&info_with_urls(&["b:2"]));
    let updates: Vec<_> = h.statuses().into_iter().filter(|s| s.0 == "update").collect();
    assert!(updates.is_empty(), "nothing deleted, b:2 already known: {updates:?}");
    assert_eq!(only(&h.recs, kind::CONNECTED).f[0], "c:3");
}

#[test]
fn gossip_is_normalised_so_the_same_server_is_never_reported_twice() {
    let mut h = H::connected(opts(&[A]));
    h.feed(info_with_urls(&["b:2", "B:2", "b:2/", "a:1"]));
    assert_eq!(h.statuses(), vec![("update".into(), r#"{"added":["b:2"],"deleted":[]}"#.into())]);
    h.take_recs();
    for _ in 0..3 {
        h.feed(info_with_urls(&["a:1", "b:2"]));
    }
    assert!(h.statuses().is_empty(), "an unchanged list is not an update");
}

#[test]
fn ignore_cluster_updates_never_dials_a_gossiped_server() {
    let mut o = opts(&[A]);
    o.ignore_cluster_updates = true;
    o.max_reconnect_attempts = 1;
    let mut h = H::connected(o);
    h.feed(info_with_urls(&["b:2", "c:3"]));
    assert!(h.statuses().is_empty());
    assert!(h.c.info_json().unwrap().contains("c:3"), "INFO itself is still kept");
    h.advance(10_000);
    h.server_closed(true, "");
    assert_eq!(h.take_cmds(), vec![dial("ws://a:1/")]);
    h.server_closed(false, "refused");
    assert!(h.take_cmds().is_empty());
    assert!(h.c.is_closed(), "only the configured server was ever in the pool");
}

#[test]
fn lame_duck_is_reported_then_the_servers_close_moves_the_client_on() {
    let mut h = H::connected(opts(&[A]));
    h.feed(info_with_urls(&["a:1", "b:2"]));
    h.take_recs();
    h.feed("INFO {\"server_id\":\"S\",\"ldm\":true,\"connect_urls\":[\"a:1\",\"b:2\"]}\r\n");
    assert_eq!(h.statuses(), vec![("ldm".into(), "a:1".into())]);
    assert!(h.cmds.is_empty(), "no reconnect of its own (ADR-5)");
    h.cmd(|c, _| c.publish("x", None, None, b"still connected")).unwrap();
    assert_eq!(h.sent(), "PUB x 15\r\nstill connected\r\n");
    h.take_recs();
    h.advance(10_000);
    h.server_closed_code(true, 1001, "Server Shutdown");
    assert_eq!(
        h.status_details()[0],
        (
            "disconnect".into(),
            "a:1".into(),
            "connection to a:1 closed by the server (1001 Server Shutdown)".into()
        )
    );
    assert_eq!(h.take_cmds(), vec![dial("ws://b:2/")]);
    h.handshake(INFO);
    assert!(h.statuses().contains(&("reconnect".into(), "b:2".into())));
}

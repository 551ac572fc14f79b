//! The Rust API's KV (cargo feature `jetstream`) in headless Chromium against the JetStream
//! nats-server the test runner starts (tests/nats/jetstream.conf, WebSocket on 127.0.0.1:14285):
//! creating and binding buckets, put/get with revisions over direct get and over
//! `STREAM.MSG.GET`, delete, watch (current values, then live updates with their operations), and
//! refused keys. Each test deletes its buckets' streams first, so a rerun starts clean.
#![cfg(all(target_arch = "wasm32", feature = "jetstream"))]

use std::future::poll_fn;
use std::pin::Pin;

use futures_core::Stream;
use nats_wasm::error::ErrorCode;
use nats_wasm::{Client, ConnectOptions, JetStream, Kv, KvConfig, KvEntry, KvOperation, KvStorage, KvWatch};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const URL: &str = "ws://127.0.0.1:14285";

/// How far a stored entry's time may be from the browser's clock, ms (same machine; generous).
const CLOCK_SLACK_MS: f64 = 60_000.0;

async fn client() -> Client {
    Client::connect(ConnectOptions::new([URL]).name("browser-rust-kv")).await.expect("connect")
}

async fn next(w: &mut KvWatch) -> KvEntry {
    poll_fn(|cx| Pin::new(&mut *w).poll_next(cx)).await.expect("watch ended").expect("watch error")
}

/// A fresh memory bucket keeping `history` revisions per key.
async fn bucket(nc: &Client, js: &JetStream, name: &str, history: u64) -> Kv {
    let _ = nc.request(&format!("$JS.API.STREAM.DELETE.KV_{name}"), "").await;
    let config = KvConfig { history, storage: KvStorage::Memory, ..KvConfig::default() };
    js.create_kv(name, &config).await.expect("create bucket")
}

/// A bucket stream made through the raw API without `allow_direct`: `get` must use MSG.GET.
async fn bucket_without_direct(nc: &Client, js: &JetStream, name: &str) -> Kv {
    let _ = nc.request(&format!("$JS.API.STREAM.DELETE.KV_{name}"), "").await;
    let body = format!(
        r#"{{"name":"KV_{name}","subjects":["$KV.{name}.>"],"storage":"memory","max_msgs_per_subject":5,"allow_rollup_hdrs":true,"allow_direct":false}}"#
    );
    let r = nc.request(&format!("$JS.API.STREAM.CREATE.KV_{name}"), body).await.expect("create");
    let text = String::from_utf8_lossy(&r.payload).into_owned();
    assert!(!text.contains("\"error\""), "{text}");
    js.kv(name).await.expect("bind")
}

fn assert_recent(e: &KvEntry) {
    let created_ms = (e.created_nanos / 1_000_000) as f64;
    let now = js_sys::Date::now();
    assert!((now - created_ms).abs() < CLOCK_SLACK_MS, "created {created_ms} ms, now {now} ms");
}

/// put/get round trips with revisions, the same through a bound handle, and a missing key.
async fn round_trip(kv: &Kv, bound: &Kv) {
    assert_eq!(kv.put("a", "1").await.expect("put"), 1);
    assert_eq!(kv.put("b.c", "x").await.expect("put"), 2);
    assert_eq!(kv.put("a", "2").await.expect("put"), 3);
    for handle in [kv, bound] {
        let a = handle.get("a").await.expect("get").expect("a is set");
        assert_eq!((a.key.as_str(), a.value.as_slice(), a.revision), ("a", b"2".as_slice(), 3));
        assert_eq!((a.operation, a.delta, a.bucket.as_str()), (KvOperation::Put, 0, kv.bucket()));
        assert_recent(&a);
        let bc = handle.get("b.c").await.expect("get").expect("b.c is set");
        assert_eq!((bc.value.as_slice(), bc.revision), (b"x".as_slice(), 2));
        assert_eq!(handle.get("nope").await.expect("get"), None);
    }
}

#[wasm_bindgen_test]
async fn put_get_round_trip_with_revisions() {
    let nc = client().await;
    let js = nc.jetstream();
    let kv = bucket(&nc, &js, "RKV_GET", 5).await;
    let bound = js.kv("RKV_GET").await.expect("bind");
    round_trip(&kv, &bound).await;
    // the same over STREAM.MSG.GET (a stream without direct get)
    let plain = bucket_without_direct(&nc, &js, "RKV_MSGGET").await;
    round_trip(&plain, &plain).await;
    let err = js.kv("RKV_MISSING").await.err().expect("no such bucket");
    assert_eq!((err.code, err.message.as_str()), (ErrorCode::ApiError, "KV bucket 'RKV_MISSING' not found"));
    // the same config again returns the bucket; another one is the server's refusal
    assert!(
        js.create_kv("RKV_GET", &KvConfig { history: 5, storage: KvStorage::Memory, ..KvConfig::default() })
            .await
            .is_ok()
    );
    let err = js.create_kv("RKV_GET", &KvConfig::default()).await.err().expect("other config");
    assert_eq!(err.code, ErrorCode::ApiError);
    nc.close().await;
}

#[wasm_bindgen_test]
async fn delete_makes_get_none() {
    let nc = client().await;
    let js = nc.jetstream();
    let direct = bucket(&nc, &js, "RKV_DEL", 5).await;
    let plain = bucket_without_direct(&nc, &js, "RKV_DEL_MSGGET").await;
    for kv in [&direct, &plain] {
        assert_eq!(kv.put("k", "v").await.unwrap(), 1);
        assert_eq!(kv.delete("k").await.expect("delete"), 2);
        assert_eq!(kv.get("k").await.expect("get"), None, "{}: a deleted key reads as absent", kv.bucket());
        assert_eq!(kv.put("k", "again").await.unwrap(), 3);
        assert_eq!(kv.get("k").await.unwrap().expect("put again").value, b"again");
    }
    nc.close().await;
}

#[wasm_bindgen_test]
async fn watch_delivers_current_values_then_updates() {
    let nc = client().await;
    let js = nc.jetstream();
    let kv = bucket(&nc, &js, "RKV_WATCH", 5).await;
    let mut fresh = kv.watch("new.*").expect("watch of nothing yet");
    kv.put("a", "1").await.unwrap();
    kv.put("b", "1").await.unwrap();
    kv.put("a", "2").await.unwrap();
    let mut all = kv.watch(">").expect("watch");
    let mut only_a = kv.watch("a").expect("watch a");
    // current values: the latest revision of each key, in stream order
    let b = next(&mut all).await;
    assert_eq!(
        (b.key.as_str(), b.value.as_slice(), b.revision, b.operation),
        ("b", b"1".as_slice(), 2, KvOperation::Put)
    );
    let a = next(&mut all).await;
    assert_eq!((a.key.as_str(), a.value.as_slice(), a.revision, a.delta), ("a", b"2".as_slice(), 3, 0));
    // the watch's time (the ack subject's ns) and get's (the Nats-Time-Stamp text) agree
    assert_eq!(kv.get("a").await.unwrap().unwrap().created_nanos, a.created_nanos);
    assert_recent(&a);
    assert_eq!(next(&mut only_a).await.revision, 3);
    // live updates, deletes included
    kv.put("c", "3").await.unwrap();
    kv.delete("a").await.unwrap();
    kv.put("new.x", "n").await.unwrap();
    let seen: Vec<(String, u64, KvOperation)> =
        [next(&mut all).await, next(&mut all).await, next(&mut all).await]
            .into_iter()
            .map(|e| (e.key, e.revision, e.operation))
            .collect();
    assert_eq!(
        seen,
        [
            ("c".into(), 4, KvOperation::Put),
            ("a".into(), 5, KvOperation::Del),
            ("new.x".into(), 6, KvOperation::Put)
        ]
    );
    let del = next(&mut only_a).await;
    assert_eq!((del.revision, del.operation, del.value.len()), (5, KvOperation::Del, 0));
    let n = next(&mut fresh).await;
    assert_eq!((n.key.as_str(), n.value.as_slice(), n.revision), ("new.x", b"n".as_slice(), 6));
    all.stop();
    assert!(poll_fn(|cx| Pin::new(&mut all).poll_next(cx)).await.is_none(), "a stopped watch ends");
    nc.close().await;
}

#[wasm_bindgen_test]
async fn bad_keys_and_buckets_are_refused() {
    let nc = client().await;
    let js = nc.jetstream();
    let kv = bucket(&nc, &js, "RKV_BAD", 1).await;
    for key in ["", ".a", "a.", "a..b", "a b", "_kv.x", "a*", "*", ">", "ä"] {
        let err = kv.put(key, "x").await.err().unwrap_or_else(|| panic!("put '{key}' accepted"));
        assert_eq!(err.code, ErrorCode::BadSubject, "{key}");
        assert!(err.message.starts_with(&format!("invalid key '{key}'")), "{err}");
        assert_eq!(kv.get(key).await.expect_err("get refused").code, ErrorCode::BadSubject);
        assert_eq!(kv.delete(key).await.expect_err("delete refused").code, ErrorCode::BadSubject);
    }
    for filter in ["a.>.b", "a*", ".>", "_kv.>", "a..*"] {
        let err = kv.watch(filter).err().unwrap_or_else(|| panic!("watch '{filter}' accepted"));
        assert!(err.message.starts_with(&format!("invalid key filter '{filter}'")), "{err}");
    }
    // nothing refused reached the bucket
    assert_eq!(kv.put("ok/-_=.Z9", "x").await.expect("a valid key"), 1);
    for bucket in ["a.b", "", "a*"] {
        assert_eq!(js.kv(bucket).await.err().expect("bad bucket").code, ErrorCode::BadSubject);
    }
    let none = KvConfig { history: 0, ..KvConfig::default() };
    assert_eq!(js.create_kv("RKV_BAD2", &none).await.err().unwrap().code, ErrorCode::InvalidOption);
    let many = KvConfig { history: 65, ..KvConfig::default() };
    assert_eq!(js.create_kv("RKV_BAD2", &many).await.err().unwrap().code, ErrorCode::InvalidOption);
    nc.close().await;
}

//! The Rust API's JetStream (cargo feature `jetstream`) in headless Chromium against the
//! JetStream nats-server the test runner starts (tests/nats/jetstream.conf, WebSocket on
//! 127.0.0.1:14285): publish with `PubAck`, API errors, consume with acks, an ordered consumer,
//! fetch, nak and ack_ack. Each test makes its own stream (deleted first, so a rerun starts clean).
#![cfg(all(target_arch = "wasm32", feature = "jetstream"))]

use std::future::poll_fn;
use std::pin::Pin;

use futures_core::Stream;
use nats_wasm::error::ErrorCode;
use nats_wasm::jetstream::ordered::OrderedOptions;
use nats_wasm::jetstream::pull_options::PullOptions;
use nats_wasm::{Client, ConnectOptions, JetStream, JsMessage, JsMessages, PublishOptions};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const URL: &str = "ws://127.0.0.1:14285";

async fn client() -> Client {
    Client::connect(ConnectOptions::new([URL]).name("browser-rust-js")).await.expect("connect")
}

async fn next(msgs: &mut JsMessages) -> Option<JsMessage> {
    poll_fn(|cx| Pin::new(&mut *msgs).poll_next(cx)).await.map(|r| r.expect("consumer error"))
}

/// A fresh memory stream `name` on subjects `<subject>.>`, through the raw API.
async fn stream(nc: &Client, name: &str, subject: &str) {
    let _ = nc.request(&format!("$JS.API.STREAM.DELETE.{name}"), "").await;
    let body = format!(r#"{{"name":"{name}","subjects":["{subject}.>"],"storage":"memory"}}"#);
    let r = nc.request(&format!("$JS.API.STREAM.CREATE.{name}"), body).await.expect("stream create");
    let text = String::from_utf8_lossy(&r.payload).into_owned();
    assert!(!text.contains("\"error\""), "{text}");
}

/// A durable pull consumer with explicit acks, through the raw API.
async fn consumer(nc: &Client, stream: &str, name: &str) {
    let body = format!(
        r#"{{"stream_name":"{stream}","config":{{"durable_name":"{name}","ack_policy":"explicit"}},"action":"create"}}"#
    );
    let r = nc.request(&format!("$JS.API.CONSUMER.CREATE.{stream}.{name}"), body).await.expect("create");
    let text = String::from_utf8_lossy(&r.payload).into_owned();
    assert!(!text.contains("\"error\""), "{text}");
}

async fn publish_n(js: &JetStream, subject: &str, n: u64) {
    for i in 1..=n {
        let ack = js.publish(subject, format!("m{i}")).await.expect("publish");
        assert_eq!(ack.seq, i);
    }
}

#[wasm_bindgen_test]
async fn publish_acks_and_api_errors() {
    let nc = client().await;
    stream(&nc, "RJS_PUB", "rjs.pub").await;
    let js = nc.jetstream();
    for i in 1..=10u64 {
        let ack = js.publish("rjs.pub.a", format!("m{i}")).await.expect("publish");
        assert_eq!((ack.stream.as_str(), ack.seq, ack.duplicate, ack.domain), ("RJS_PUB", i, false, None));
    }
    let id = PublishOptions { msg_id: Some("once".into()), ..Default::default() };
    assert!(!js.publish_with("rjs.pub.a", None, "x", &id).await.unwrap().duplicate);
    let again = js.publish_with("rjs.pub.a", None, "x", &id).await.unwrap();
    assert!(again.duplicate);
    assert_eq!(again.seq, 11);
    // a failed expectation is the API's error reply, with its description
    let wrong = PublishOptions { expect_last_sequence: Some(3), ..Default::default() };
    let err = js.publish_with("rjs.pub.a", None, "x", &wrong).await.expect_err("wrong last sequence");
    assert_eq!(err.code, ErrorCode::ApiError);
    assert!(err.message.contains("wrong last sequence"), "{err}");
    // no stream on the subject: nothing answers
    let err = js.publish("rjs.nostream", "x").await.expect_err("no stream");
    assert_eq!((err.code, err.message.as_str()), (ErrorCode::NoResponders, "JetStream not enabled"));
    nc.close().await;
}

#[wasm_bindgen_test]
async fn consume_delivers_all_and_acks_them() {
    let nc = client().await;
    stream(&nc, "RJS_CONSUME", "rjs.consume").await;
    consumer(&nc, "RJS_CONSUME", "C").await;
    let js = nc.jetstream();
    publish_n(&js, "rjs.consume.x", 25).await;
    // 5 per pull: the run has to pull again (and again) as the messages are taken
    let opts = PullOptions { max_messages: 5, ..Default::default() };
    let mut msgs = js.consume("RJS_CONSUME", "C", &opts).expect("consume");
    for i in 1..=25u64 {
        let m = next(&mut msgs).await.expect("message");
        assert_eq!(m.payload, format!("m{i}").into_bytes());
        let info = m.info().expect("ack subject");
        assert_eq!((info.stream, info.consumer, info.stream_seq, info.delivered), ("RJS_CONSUME", "C", i, 1));
        if i < 25 {
            m.ack().unwrap();
        } else {
            // the server confirms the last ack, so every ack before it is processed too
            assert!(m.ack_ack().await.expect("ack confirmed"));
        }
    }
    msgs.stop();
    assert!(next(&mut msgs).await.is_none(), "a stopped run ends");
    let r = nc.request("$JS.API.CONSUMER.INFO.RJS_CONSUME.C", "").await.unwrap();
    let text = String::from_utf8_lossy(&r.payload).into_owned();
    assert!(text.contains(r#""num_ack_pending":0"#) && text.contains(r#""num_pending":0"#), "{text}");
    nc.close().await;
}

#[wasm_bindgen_test]
async fn ordered_consumer_delivers_one_to_n() {
    let nc = client().await;
    stream(&nc, "RJS_ORDERED", "rjs.ordered").await;
    let js = nc.jetstream();
    publish_n(&js, "rjs.ordered.x", 30).await;
    let mut msgs =
        js.ordered("RJS_ORDERED", &OrderedOptions::default(), &PullOptions::default()).expect("ordered");
    for i in 1..=30u64 {
        let m = next(&mut msgs).await.expect("message");
        assert_eq!(m.info().unwrap().stream_seq, i);
        assert_eq!(m.payload, format!("m{i}").into_bytes());
    }
    drop(msgs);
    nc.close().await;
}

#[wasm_bindgen_test]
async fn fetch_of_five_ends_with_five() {
    let nc = client().await;
    stream(&nc, "RJS_FETCH", "rjs.fetch").await;
    consumer(&nc, "RJS_FETCH", "F").await;
    let js = nc.jetstream();
    publish_n(&js, "rjs.fetch.x", 10).await;
    let mut msgs = js.fetch("RJS_FETCH", "F", 5, 5_000).expect("fetch");
    let mut seqs = Vec::new();
    while let Some(m) = next(&mut msgs).await {
        seqs.push(m.info().unwrap().stream_seq);
        m.ack().unwrap();
    }
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    // the next fetch continues where this one stopped
    let mut more = js.fetch("RJS_FETCH", "F", 5, 5_000).expect("fetch");
    assert_eq!(next(&mut more).await.expect("message").info().unwrap().stream_seq, 6);
    nc.close().await;
}

#[wasm_bindgen_test]
async fn nak_redelivers_and_ack_ack_confirms_once() {
    let nc = client().await;
    stream(&nc, "RJS_NAK", "rjs.nak").await;
    consumer(&nc, "RJS_NAK", "N").await;
    let js = nc.jetstream();
    publish_n(&js, "rjs.nak.x", 1).await;
    let mut first = js.fetch("RJS_NAK", "N", 1, 5_000).unwrap();
    let m = next(&mut first).await.expect("message");
    assert_eq!(m.info().unwrap().delivered, 1);
    m.nak(0).unwrap();
    m.ack().unwrap(); // after the nak: not sent (the first answer is final)
    let mut second = js.fetch("RJS_NAK", "N", 1, 5_000).unwrap();
    let m = next(&mut second).await.expect("redelivered");
    let info = m.info().unwrap();
    assert_eq!((info.stream_seq, info.delivered, info.redelivered()), (1, 2, true));
    assert!(m.ack_ack().await.expect("confirmed"));
    assert!(!m.ack_ack().await.unwrap(), "already acknowledged");
    nc.close().await;
}

#[wasm_bindgen_test]
async fn bad_names_and_options_are_refused() {
    let nc = client().await;
    let js = nc.jetstream();
    assert_eq!(js.consume("A.B", "C", &PullOptions::default()).err().unwrap().code, ErrorCode::InvalidOption);
    assert_eq!(js.fetch("S", "", 1, 0).err().unwrap().code, ErrorCode::InvalidOption);
    let short = PullOptions { expires_ms: 10, ..Default::default() };
    let err = js.consume("S", "C", &short).err().unwrap();
    assert_eq!(
        (err.code, err.message.as_str()),
        (ErrorCode::InvalidOption, "expires should be at least 1000ms")
    );
    nc.close().await;
}

//! The Rust API in headless Chromium against the real nats-server started by the test runner
//! (WebSocket on 127.0.0.1:14280): connect, publish/subscribe as a `Stream`, request/reply,
//! no responders, flush, max auto-unsubscribe, drain and close, the pending limit of a stream.
#![cfg(target_arch = "wasm32")]

use std::future::poll_fn;
use std::pin::Pin;

use futures_core::Stream;
use nats_wasm::error::ErrorCode;
use nats_wasm::{Client, ConnectOptions, Subscriber};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const URL: &str = "ws://127.0.0.1:14280";

async fn next(sub: &mut Subscriber) -> Option<nats_wasm::Message> {
    poll_fn(|cx| Pin::new(&mut *sub).poll_next(cx)).await.map(|r| r.expect("subscription error"))
}

async fn client() -> Client {
    Client::connect(ConnectOptions::new([URL]).name("browser-rust")).await.expect("connect")
}

#[wasm_bindgen_test]
async fn publish_subscribe_in_order() {
    let nc = client().await;
    let mut sub = nc.subscribe("rust.browser.pubsub").unwrap();
    nc.flush().await.unwrap();
    for i in 0..100 {
        nc.publish("rust.browser.pubsub", format!("m{i}")).unwrap();
    }
    for i in 0..100 {
        let m = next(&mut sub).await.expect("message");
        assert_eq!(m.subject, "rust.browser.pubsub");
        assert_eq!(m.payload, format!("m{i}").into_bytes());
    }
    nc.close().await;
    assert!(nc.is_closed());
}

#[wasm_bindgen_test]
async fn request_reply_and_no_responders() {
    let nc = client().await;
    let responder = nc.clone();
    let mut service = nc.subscribe("rust.browser.echo").unwrap();
    nc.flush().await.unwrap();
    wasm_bindgen_futures::spawn_local(async move {
        while let Some(m) = next(&mut service).await {
            let reply = m.reply.clone().expect("reply subject");
            let mut answer = b"echo:".to_vec();
            answer.extend_from_slice(&m.payload);
            responder.publish(&reply, answer).unwrap();
        }
    });
    let r = nc.request("rust.browser.echo", "hi").await.expect("reply");
    assert_eq!(r.payload, b"echo:hi");
    let err = nc.request("rust.browser.nobody", "x").await.expect_err("no responders");
    assert_eq!(err.code, ErrorCode::NoResponders);
    nc.close().await;
}

#[wasm_bindgen_test]
async fn max_ends_subscription_and_drain_closes() {
    let nc = client().await;
    let mut sub = nc.subscribe_with("rust.browser.max", None, Some(3)).unwrap();
    nc.flush().await.unwrap();
    for _ in 0..10 {
        nc.publish("rust.browser.max", "x").unwrap();
    }
    let mut n = 0;
    while next(&mut sub).await.is_some() {
        n += 1;
    }
    assert_eq!(n, 3);
    nc.drain().await.expect("drain");
    assert!(nc.is_closed());
    assert_eq!(nc.publish("rust.browser.max", "late").unwrap_err().code, ErrorCode::ConnectionClosed);
}

#[wasm_bindgen_test]
async fn refused_dial_is_connection_refused() {
    let mut opts = ConnectOptions::new(["ws://127.0.0.1:1"]);
    opts.options.reconnect = false;
    let err = Client::connect(opts).await.err().expect("must fail");
    assert_eq!(err.code, ErrorCode::ConnectionRefused);
}

#[wasm_bindgen_test]
async fn a_stream_that_is_not_polled_is_bounded_and_says_so() {
    let nc = client().await;
    let mut sub = nc.subscribe("rust.browser.slow").unwrap();
    // 70,000 messages arrive while nobody polls the stream: nats.go's limit is 65,536
    for i in 0..70_000u32 {
        nc.publish("rust.browser.slow", i.to_string()).unwrap();
    }
    nc.flush().await.unwrap();
    assert_eq!(sub.dropped(), 70_000 - 65_536);
    for i in 0..65_536u32 {
        assert_eq!(next(&mut sub).await.expect("message").payload, i.to_string().into_bytes());
    }
    let gap = poll_fn(|cx| Pin::new(&mut sub).poll_next(cx)).await.expect("an item");
    assert_eq!(gap.expect_err("the slow-consumer error").code, ErrorCode::SlowConsumer);
    // the stream goes on
    nc.publish("rust.browser.slow", "after").unwrap();
    assert_eq!(next(&mut sub).await.expect("message").payload, b"after");
    nc.close().await;
}

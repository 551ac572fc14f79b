//! `JsMessages`: one pull consumer run (`consume`, `ordered`, `fetch`) as a `Stream` of
//! `JsMessage`. The run itself (pull accounting, heartbeats, ordered sequencing, when to stop) is
//! the engine's `ConsumerRun`, hooked on this stream's inbox subscription; this side carries out
//! its events (docs/jetstream.md "Consumer runs"): a `pull` is published when the stream reaches
//! it (behind the messages before it, so pulls follow the reader's pace), a `check` or `create`
//! goes through the JetStream API in a spawned task and is answered with `hook_input`.
//!
//! Must not: count what the server owes, run timers or decide when the run ends (the engine
//! does, and ends the inbox subscription), or call the driver from the routes' callbacks (they run
//! inside the sink: work that needs the driver is queued or spawned).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures_core::Stream;

use super::Message;
use super::jetstream::{ApiFailure, JetStream};
use super::js_message::JsMessage;
use super::routes::HookedSub;
use crate::error::{ErrorCode, NatsError};
use crate::jetstream::run::{ConsumerRun, event, input};
use crate::proto::json::ObjectWriter;
use crate::wasm::driver::{Driver, Origin};

/// JetStream API `err_code`s of a missing stream and a missing consumer (ADR-7).
const ERR_STREAM_NOT_FOUND: u64 = 10059;
const ERR_CONSUMER_NOT_FOUND: u64 = 10014;

/// A fetch whose expires is at least this many ms fails on missed heartbeats (nats.deno: a
/// shorter one just ends with its timer).
const FETCH_HEARTBEAT_CHECK_MS: u64 = 60_000;

/// The run's status type for missed heartbeats (`run.rs`).
const HEARTBEATS_MISSED: &str = "heartbeats_missed";

enum Item {
    Msg(Message),
    /// Publish `body` to `subject` with the inbox as reply once the reader gets here.
    Pull {
        subject: String,
        body: Vec<u8>,
    },
    /// Yield the error and end the run.
    Stop(NatsError),
    /// Yield the error that ended the run.
    Error(NatsError),
}

#[derive(Default)]
struct RunState {
    items: VecDeque<Item>,
    /// The inbox subscription ended: the queued items are the last.
    ended: bool,
    waker: Option<Waker>,
}

impl RunState {
    fn push(&mut self, item: Item) {
        self.items.push_back(item);
        if let Some(w) = self.waker.take() {
            w.wake();
        }
    }
}

type SharedState = Rc<RefCell<RunState>>;

/// The routes' side of a run: fills the state, spawns the API requests.
struct RunSink {
    state: SharedState,
    js: JetStream,
    stream: String,
    sid: u32,
    fetch: bool,
    expires_ms: u64,
}

impl HookedSub for RunSink {
    fn message(&mut self, m: Message) {
        self.state.borrow_mut().push(Item::Msg(m));
    }

    fn event(&mut self, kind: &str, name: &str, data: &str, body: &[u8]) {
        match kind {
            event::PULL => {
                self.state.borrow_mut().push(Item::Pull { subject: data.to_owned(), body: body.to_vec() });
            }
            event::STATUS
                if self.fetch && name == HEARTBEATS_MISSED && self.expires_ms >= FETCH_HEARTBEAT_CHECK_MS =>
            {
                let e = NatsError::new(ErrorCode::Timeout, format!("{data} heartbeats missed"));
                self.state.borrow_mut().push(Item::Stop(e));
            }
            event::CHECK => {
                let api = format!("CONSUMER.INFO.{}.{name}", self.stream);
                let (js, sid) = (self.js.clone(), self.sid);
                wasm_bindgen_futures::spawn_local(async move {
                    let result = js.api(&api, b"").await;
                    answer(&js, sid, result);
                });
            }
            event::CREATE => self.create(name, data, body),
            // other statuses are for a `status()` listener this API does not have yet
            _ => {}
        }
    }

    fn end(&mut self, err: Option<NatsError>) {
        let mut s = self.state.borrow_mut();
        if let Some(e) = err {
            s.push(Item::Error(e));
        }
        s.ended = true;
        if let Some(w) = s.waker.take() {
            w.wake();
        }
    }
}

impl RunSink {
    /// Ordered: deletes the previous consumer (best effort) and creates the next from its config.
    fn create(&self, name: &str, previous: &str, config: &[u8]) {
        if !previous.is_empty() {
            let js = self.js.clone();
            let api = format!("CONSUMER.DELETE.{}.{previous}", self.stream);
            wasm_bindgen_futures::spawn_local(async move {
                let _ = js.api(&api, b"").await;
            });
        }
        let config = String::from_utf8_lossy(config);
        let body = ObjectWriter::default()
            .str("stream_name", &self.stream)
            .raw("config", &config)
            .str("action", "create")
            .finish();
        let api = format!("CONSUMER.CREATE.{}.{name}", self.stream);
        let (js, sid) = (self.js.clone(), self.sid);
        wasm_bindgen_futures::spawn_local(async move {
            let result = js.api(&api, body.as_bytes()).await;
            answer(&js, sid, result);
        });
    }
}

/// Answers a check or a create with its `run::input` code (and the error's text).
fn answer(js: &JetStream, sid: u32, result: Result<(), ApiFailure>) {
    let (code, data) = match result {
        Ok(()) => (input::OK, String::new()),
        Err(f) if f.err_code == ERR_STREAM_NOT_FOUND => (input::STREAM_NOT_FOUND, f.error.message),
        Err(f) if f.err_code == ERR_CONSUMER_NOT_FOUND => (input::CONSUMER_NOT_FOUND, f.error.message),
        Err(f) => (input::FAILED, f.error.message),
    };
    // a run that has ended has no hook left: the engine ignores the answer
    Driver::command_or_defer(&js.client.driver, move |e, now| e.hook_input(sid, code, &data, now));
}

/// A pull consumer run as a `Stream` of messages to acknowledge. It ends when the run ends (a
/// fetch is done, the run gave up, `stop`, the connection closed); an error that ended it is
/// yielded once before the end. Dropping it stops the run.
pub struct JsMessages {
    sid: u32,
    inbox: String,
    state: SharedState,
    js: JetStream,
}

impl JsMessages {
    /// Subscribes a fresh inbox, routes it here and hooks the run `make_run` builds onto it.
    pub(super) fn start(
        js: &JetStream,
        stream: &str,
        fetch: bool,
        expires_ms: u64,
        make_run: impl FnOnce(u64) -> ConsumerRun,
    ) -> Result<JsMessages, NatsError> {
        let client = &js.client;
        let inbox = format!("{}.{}", client.inbox_prefix, nuid::next());
        let sid = Driver::try_command(&client.driver, |e, now| e.subscribe(&inbox, None, None, None, now))?;
        let state = SharedState::default();
        let sink = RunSink {
            state: state.clone(),
            js: js.clone(),
            stream: stream.to_owned(),
            sid,
            fetch,
            expires_ms,
        };
        client.routes.borrow_mut().hooked.insert(sid, Box::new(sink));
        let run = JsMessages { sid, inbox, state, js: js.clone() };
        let attached = Driver::command(&client.driver, |e, now| e.attach_hook(sid, Box::new(make_run(now))));
        if let Ok(true) = attached {
            return Ok(run);
        }
        // `run` drops here and unsubscribes what is left; the route goes now (it holds the client)
        client.routes.borrow_mut().hooked.remove(&sid);
        Err(attached.err().unwrap_or_else(|| NatsError::new(ErrorCode::SubClosed, "subscription closed")))
    }

    /// Ends the run now; messages already queued are still yielded.
    pub fn stop(&self) {
        let sid = self.sid;
        Driver::command_or_defer(&self.js.client.driver, move |e, _| {
            let _ = e.unsubscribe(sid, None);
        });
    }
}

impl Stream for JsMessages {
    type Item = Result<JsMessage, NatsError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            let (item, ended) = {
                let mut s = self.state.borrow_mut();
                match s.items.pop_front() {
                    Some(item) => (item, s.ended),
                    None if s.ended => return Poll::Ready(None),
                    None => {
                        s.waker = Some(cx.waker().clone());
                        return Poll::Pending;
                    }
                }
            };
            match item {
                Item::Msg(m) => return Poll::Ready(Some(Ok(JsMessage::new(m, &self.js)))),
                // a pull for a run that has ended would go to an inbox nobody listens on
                Item::Pull { .. } if ended => {}
                Item::Pull { subject, body } => {
                    let inbox = self.inbox.as_str();
                    // closed or draining: the run ends with its subscription
                    let _ = Driver::try_command(&self.js.client.driver, |e, _| {
                        e.publish(&subject, Some(inbox), None, &body)
                    });
                }
                Item::Stop(e) => {
                    self.stop();
                    return Poll::Ready(Some(Err(e)));
                }
                Item::Error(e) => return Poll::Ready(Some(Err(e))),
            }
        }
    }
}

impl Drop for JsMessages {
    fn drop(&mut self) {
        if self.state.borrow().ended {
            return;
        }
        // As `Subscriber`'s drop: the sink never runs user code, so the driver is free here.
        let driver = &self.js.client.driver;
        let unsubscribed = match driver.try_borrow_mut() {
            Ok(mut d) => !d.engine.is_closed() && d.engine.unsubscribe(self.sid, None).is_ok(),
            Err(_) => false,
        };
        if unsubscribed {
            Driver::pump(driver, Origin::Command);
        }
    }
}

//! The async Rust API for Rust apps compiled to wasm32 (Leptos, Yew, Dioxus, plain
//! wasm-bindgen): `Client::connect`, `publish`, `subscribe` returning a `Stream`, `request`,
//! `flush`, `drain`, `close`. It drives the same engine and driver as the JS API; records are
//! routed to per-subscription queues and per-request slots instead of a JS callback.
//!
//! Must not: block (there is one thread), or hold the driver borrowed across an `.await`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll};

use futures_core::Stream;

use super::backlog::{SharedBacklog, SubItem, backlog};
use super::driver::{Deferred, Driver, SharedDriver, Sink};
use super::env::HostEntropy;
use super::sync::{Slot, slot};
use crate::auth::authenticators::Credentials;
use crate::client::batch::{Record, kind};
use crate::client::servers::normalize_url;
use crate::client::{Authenticator, Batch, Connection, Options};
use crate::error::{ErrorCode, NatsError};
use crate::proto::{Headers, ServerInfo};

/// How to connect. `options` holds every engine setting (servers are normalised by `connect`);
/// `credentials` what CONNECT carries (evaluated, and the nonce signed, at each handshake).
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub options: Options,
    pub credentials: Credentials,
}

impl ConnectOptions {
    /// Options for one or more server URLs (`ws://host:port`, `wss://...`, or `host:port`).
    pub fn new<S: Into<String>>(servers: impl IntoIterator<Item = S>) -> Self {
        let mut o = ConnectOptions::default();
        o.options.servers = servers.into_iter().map(Into::into).collect();
        o
    }

    pub fn user_and_password(mut self, user: &str, pass: &str) -> Self {
        self.credentials.user = Some(user.to_string());
        self.credentials.pass = Some(pass.to_string());
        self
    }

    pub fn token(mut self, token: &str) -> Self {
        self.credentials.token = Some(token.to_string());
        self
    }

    /// An nkey user: the seed (`SU…`) signs the server's nonce.
    pub fn nkey(mut self, seed: &str) -> Self {
        self.credentials.seed = Some(seed.to_string());
        self
    }

    /// A user JWT, signed with `seed` (or a bearer JWT without one).
    pub fn jwt(mut self, jwt: &str, seed: Option<&str>) -> Self {
        self.credentials.jwt = Some(jwt.to_string());
        self.credentials.seed = seed.map(str::to_string);
        self
    }

    /// The contents of a `.creds` file; a malformed one fails the connect with `BAD_CREDS`.
    pub fn creds(mut self, creds: impl Into<Vec<u8>>) -> Self {
        self.credentials.creds = Some(creds.into());
        self
    }

    pub fn name(mut self, name: &str) -> Self {
        self.options.name = Some(name.to_string());
        self
    }
}

/// A received message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub reply: Option<String>,
    pub headers: Option<Headers>,
    pub payload: Vec<u8>,
    /// Inline status code of the header block (503, 408...), 0 when none.
    pub status: u16,
}

impl Message {
    fn from_record(r: &Record<'_>) -> Message {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        Message {
            subject: text(r.fields[0]),
            reply: (!r.fields[1].is_empty()).then(|| text(r.fields[1])),
            headers: (!r.fields[2].is_empty()).then(|| Headers::decode(r.fields[2]).ok()).flatten(),
            payload: r.fields[3].to_vec(),
            status: r.extra as u16,
        }
    }
}

/// The error carried by an end record, `None` for a clean end.
fn record_error(r: &Record<'_>) -> Option<NatsError> {
    if r.fields[0].is_empty() {
        return None;
    }
    let code = std::str::from_utf8(r.fields[0]).ok().and_then(ErrorCode::parse).unwrap_or(ErrorCode::Unknown);
    Some(NatsError::new(code, String::from_utf8_lossy(r.fields[1]).into_owned()))
}

/// Where records go: filled by the sink, read by futures and streams.
#[derive(Default)]
struct Routes {
    /// Each subscription's backlog and subject (for the slow-consumer error).
    subs: HashMap<u32, (SharedBacklog, String)>,
    requests: HashMap<u32, Slot<Result<Message, NatsError>>>,
    flushes: HashMap<u32, Slot<Result<(), NatsError>>>,
    /// Request and flush outcomes that arrived before their waiter registered.
    early_replies: HashMap<u32, Result<Message, NatsError>>,
    early_flushes: HashMap<u32, Result<(), NatsError>>,
    connected: Option<Slot<Result<(), NatsError>>>,
    closed_waiters: Vec<Slot<Option<NatsError>>>,
    closed: Option<Option<NatsError>>,
    /// A SUBS_DRAINED record was routed: the sink tells the engine to go on with the drain.
    subs_drained: bool,
    /// The driver, for that call (set by `Client::connect`).
    driver: Weak<RefCell<Driver>>,
}

struct RustSink {
    routes: Rc<RefCell<Routes>>,
}

impl Sink for RustSink {
    fn take(&mut self, batch: &Batch) -> Option<Deferred> {
        let mut routes = self.routes.borrow_mut();
        for r in batch.iter() {
            routes.route(&r);
        }
        if !std::mem::take(&mut routes.subs_drained) {
            return None;
        }
        // A connection drain waits for the application after its subscriptions ended. Here the
        // streams have already received every message (they sit in the streams' backlogs), so the
        // drain goes on at once: blocking publishing, flushing, closing. Run with the driver
        // released.
        let driver = routes.driver.clone();
        Some(Box::new(move || {
            if let Some(d) = driver.upgrade() {
                Driver::command_or_defer(&d, |e, _| e.drain_continue());
            }
        }))
    }
}

impl Routes {
    fn route(&mut self, r: &Record<'_>) {
        match r.kind {
            kind::MSG => {
                if let Some((q, subject)) = self.subs.get(&r.id) {
                    q.borrow_mut().offer(subject, Message::from_record(r));
                }
            }
            kind::SUB_END => {
                if let Some((q, _)) = self.subs.remove(&r.id) {
                    let mut q = q.borrow_mut();
                    if let Some(e) = record_error(r) {
                        q.push_error(e);
                    }
                    q.end();
                }
            }
            kind::REPLY => self.settle_request(r.id, Ok(Message::from_record(r))),
            kind::REQ_END => {
                let e = record_error(r)
                    .unwrap_or_else(|| NatsError::new(ErrorCode::RequestError, "request ended"));
                self.settle_request(r.id, Err(e));
            }
            kind::FLUSH_END => {
                let result = record_error(r).map_or(Ok(()), Err);
                match self.flushes.remove(&r.id) {
                    Some(s) => s.set(result),
                    None => {
                        self.early_flushes.insert(r.id, result);
                    }
                }
            }
            kind::CONNECTED => {
                if let Some(s) = self.connected.take() {
                    s.set(Ok(()));
                }
            }
            kind::CLOSED => {
                let err = record_error(r);
                if let Some(s) = self.connected.take() {
                    s.set(Err(err
                        .clone()
                        .unwrap_or_else(|| NatsError::new(ErrorCode::ConnectionClosed, "closed"))));
                }
                for (_, (q, _)) in self.subs.drain() {
                    q.borrow_mut().end();
                }
                let closed_err = NatsError::new(ErrorCode::ConnectionClosed, "connection closed");
                for (_, s) in self.requests.drain() {
                    s.set(Err(closed_err.clone()));
                }
                for (_, s) in self.flushes.drain() {
                    s.set(Err(closed_err.clone()));
                }
                for s in self.closed_waiters.drain(..) {
                    s.set(err.clone());
                }
                self.closed = Some(err);
            }
            kind::SUBS_DRAINED => self.subs_drained = true,
            _ => {}
        }
    }

    fn settle_request(&mut self, token: u32, result: Result<Message, NatsError>) {
        match self.requests.remove(&token) {
            Some(s) => s.set(result),
            None => {
                self.early_replies.entry(token).or_insert(result);
            }
        }
    }
}

/// A NATS connection for Rust code running in wasm32. Cloning shares the connection.
#[derive(Clone)]
pub struct Client {
    driver: SharedDriver,
    routes: Rc<RefCell<Routes>>,
}

/// The default request timeout, ms, as in nats.deno.
const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 1000;

impl Client {
    /// Connects and completes the handshake; fails with the last dial error.
    pub async fn connect(opts: ConnectOptions) -> Result<Client, NatsError> {
        let mut options = opts.options;
        options.servers = options.servers.iter().map(|s| normalize_url(s)).collect::<Result<_, _>>()?;
        if options.servers.is_empty() {
            options.servers = Options::default().servers;
        }
        let creds = opts.credentials;
        let auth: Option<Box<dyn Authenticator>> =
            (!creds.is_empty()).then(|| Box::new(creds) as Box<dyn Authenticator>);
        let routes = Rc::new(RefCell::new(Routes::default()));
        let engine = Connection::new(options, Box::new(HostEntropy::new()), auth);
        let driver = Driver::new(engine, Box::new(RustSink { routes: routes.clone() }));
        routes.borrow_mut().driver = Rc::downgrade(&driver);
        let (tx, rx) = slot();
        routes.borrow_mut().connected = Some(tx);
        Driver::command(&driver, |e, now| e.start(now))?;
        rx.await?;
        Ok(Client { driver, routes })
    }

    pub fn publish(&self, subject: &str, payload: impl AsRef<[u8]>) -> Result<(), NatsError> {
        Driver::try_command(&self.driver, |e, _| e.publish(subject, None, None, payload.as_ref()))
    }

    pub fn publish_with_reply(
        &self,
        subject: &str,
        reply: &str,
        payload: impl AsRef<[u8]>,
    ) -> Result<(), NatsError> {
        Driver::try_command(&self.driver, |e, _| e.publish(subject, Some(reply), None, payload.as_ref()))
    }

    pub fn publish_with_headers(
        &self,
        subject: &str,
        headers: &Headers,
        payload: impl AsRef<[u8]>,
    ) -> Result<(), NatsError> {
        let mut block = Vec::new();
        headers.encode(&mut block).map_err(|e| NatsError::new(ErrorCode::BadHeader, format!("{e:?}")))?;
        Driver::try_command(&self.driver, |e, _| e.publish(subject, None, Some(&block), payload.as_ref()))
    }

    pub fn subscribe(&self, subject: &str) -> Result<Subscriber, NatsError> {
        self.subscribe_with(subject, None, None)
    }

    pub fn queue_subscribe(&self, subject: &str, queue_group: &str) -> Result<Subscriber, NatsError> {
        self.subscribe_with(subject, Some(queue_group), None)
    }

    /// Subscribes with an optional queue group and an optional message limit.
    pub fn subscribe_with(
        &self,
        subject: &str,
        queue_group: Option<&str>,
        max: Option<u64>,
    ) -> Result<Subscriber, NatsError> {
        let sid =
            Driver::try_command(&self.driver, |e, now| e.subscribe(subject, queue_group, max, None, now))?;
        let q = backlog();
        self.routes.borrow_mut().subs.insert(sid, (q.clone(), subject.to_string()));
        Ok(Subscriber { sid, queue: q, driver: self.driver.clone() })
    }

    /// A request with the default 1 s timeout; `503` (no responders) and `TIMEOUT` are errors.
    pub async fn request(&self, subject: &str, payload: impl AsRef<[u8]>) -> Result<Message, NatsError> {
        self.request_with_timeout(subject, payload, DEFAULT_REQUEST_TIMEOUT_MS).await
    }

    pub async fn request_with_timeout(
        &self,
        subject: &str,
        payload: impl AsRef<[u8]>,
        timeout_ms: u64,
    ) -> Result<Message, NatsError> {
        let token = Driver::try_command(&self.driver, |e, now| {
            e.request(subject, None, payload.as_ref(), timeout_ms, now)
        })?;
        let rx = {
            let mut routes = self.routes.borrow_mut();
            if let Some(done) = routes.early_replies.remove(&token) {
                return done;
            }
            let (tx, rx) = slot();
            routes.requests.insert(token, tx);
            rx
        };
        rx.await
    }

    /// Round trip to the server: resolves when the PONG for our PING arrives.
    pub async fn flush(&self) -> Result<(), NatsError> {
        let id = Driver::try_command(&self.driver, |e, _| e.flush())?;
        let rx = {
            let mut routes = self.routes.borrow_mut();
            if let Some(done) = routes.early_flushes.remove(&id) {
                return done;
            }
            let (tx, rx) = slot();
            routes.flushes.insert(id, tx);
            rx
        };
        rx.await
    }

    /// Drains every subscription, flushes, closes; resolves once closed.
    pub async fn drain(&self) -> Result<(), NatsError> {
        Driver::try_command(&self.driver, |e, now| e.drain(now))?;
        match self.closed().await {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    pub async fn close(&self) {
        Driver::command_or_defer(&self.driver, |e, _| e.close());
        self.closed().await;
    }

    /// Resolves when the connection is closed: `None` after `close`/`drain`, else the error.
    pub async fn closed(&self) -> Option<NatsError> {
        let rx = {
            let mut routes = self.routes.borrow_mut();
            if let Some(done) = &routes.closed {
                return done.clone();
            }
            let (tx, rx) = slot();
            routes.closed_waiters.push(tx);
            rx
        };
        rx.await
    }

    /// The last INFO the server sent.
    pub fn server_info(&self) -> Option<ServerInfo> {
        let d = self.driver.borrow();
        d.engine.info_json().and_then(|j| ServerInfo::parse(j.as_bytes()).ok())
    }

    pub fn is_closed(&self) -> bool {
        self.driver.borrow().engine.is_closed()
    }
}

/// A subscription as a `Stream` of messages; it ends when unsubscribed, at `max`, or on close.
/// An error (e.g. a permissions violation) is yielded once before the end. A stream that is not
/// polled holds at most 65,536 messages / 64 MiB (nats.go's limits): past them it drops new
/// messages (see `dropped`) and yields one `SLOW_CONSUMER` error in their place, then goes on.
/// Dropping it unsubscribes.
pub struct Subscriber {
    sid: u32,
    queue: SharedBacklog,
    driver: SharedDriver,
}

impl Subscriber {
    pub fn sid(&self) -> u32 {
        self.sid
    }

    /// Messages dropped because the stream was past its pending limits.
    pub fn dropped(&self) -> u64 {
        self.queue.borrow().dropped()
    }

    /// Ends the subscription now; messages already queued are still yielded.
    pub fn unsubscribe(&self) -> Result<(), NatsError> {
        Driver::try_command(&self.driver, |e, _| e.unsubscribe(self.sid, None))
    }

    /// Ends the subscription after `max` messages in total.
    pub fn unsubscribe_after(&self, max: u64) -> Result<(), NatsError> {
        Driver::try_command(&self.driver, |e, _| e.unsubscribe(self.sid, Some(max)))
    }
}

impl Stream for Subscriber {
    type Item = SubItem;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<SubItem>> {
        self.queue.borrow_mut().poll_next(cx)
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        // Dropping inside a driver callback cannot happen (the sink never runs user code), so
        // the borrow is free; an already-ended subscription just reports an error we ignore.
        let unsubscribed = match self.driver.try_borrow_mut() {
            Ok(mut d) => !d.engine.is_closed() && d.engine.unsubscribe(self.sid, None).is_ok(),
            Err(_) => false,
        };
        if unsubscribed {
            Driver::pump(&self.driver, false);
        }
    }
}

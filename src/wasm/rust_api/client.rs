//! `Client`: the commands of the Rust API (connect, publish, subscribe, request, flush, drain,
//! close). Each runs one engine command through the driver and, for those with an outcome,
//! registers a slot under the returned id that the routes settle.
//!
//! Must not: block or hold the driver or the routes borrowed across an `.await`.

use std::cell::RefCell;
use std::rc::Rc;

use super::routes::{Routes, RustSink};
use super::subscriber::Subscriber;
use super::{ConnectOptions, Message};
use crate::client::servers::normalize_url;
use crate::client::{Authenticator, Connection, Options, ReplyTo};
use crate::error::{ErrorCode, NatsError};
use crate::proto::{Headers, ServerInfo};
use crate::wasm::backlog::backlog;
use crate::wasm::driver::{Driver, SharedDriver};
use crate::wasm::env::HostEntropy;
use crate::wasm::sync::slot;

/// A NATS connection for Rust code running in wasm32. Cloning shares the connection.
#[derive(Clone)]
pub struct Client {
    pub(super) driver: SharedDriver,
    pub(super) routes: Rc<RefCell<Routes>>,
    /// `Options::inbox_prefix`, for the inboxes the API makes itself (JetStream pulls).
    #[cfg(feature = "jetstream")]
    pub(super) inbox_prefix: Rc<str>,
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
        #[cfg(feature = "jetstream")]
        let inbox_prefix: Rc<str> = options.inbox_prefix.as_str().into();
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
        Ok(Client {
            driver,
            routes,
            #[cfg(feature = "jetstream")]
            inbox_prefix,
        })
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
        Ok(Subscriber::new(sid, q, self.driver.clone()))
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
        self.request_raw(subject, None, payload.as_ref(), timeout_ms).await
    }

    /// A request with an encoded header block (`Headers::encode`).
    pub(super) async fn request_raw(
        &self,
        subject: &str,
        headers: Option<&[u8]>,
        payload: &[u8],
        timeout_ms: u64,
    ) -> Result<Message, NatsError> {
        let token = Driver::try_command(&self.driver, |e, now| {
            e.request(subject, headers, payload, timeout_ms, ReplyTo::Mux, now)
        })?;
        let (tx, rx) = slot();
        self.routes.borrow_mut().requests.insert(token, tx);
        rx.await
    }

    /// Round trip to the server: resolves when the PONG for our PING arrives.
    pub async fn flush(&self) -> Result<(), NatsError> {
        let id = Driver::try_command(&self.driver, |e, _| e.flush())?;
        let (tx, rx) = slot();
        self.routes.borrow_mut().flushes.insert(id, tx);
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

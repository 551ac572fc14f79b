//! Routing of the engine's records for the Rust API: the [`RustSink`] the driver hands each batch
//! to, and [`Routes`], the per-connection table of waiters (subscription backlogs, hooked
//! subscriptions, request and flush slots, connect and close waiters) it fills.
//!
//! Must not: run application code (it runs with the driver borrowed) or hold a record past the
//! sink call (the batch is cleared afterwards). It keeps no early results: the driver delivers a
//! command's records only after the command returned the id its waiter is registered under.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use js_sys::Uint8Array;

use super::Message;
use crate::client::Batch;
use crate::client::batch::{Record, kind};
use crate::error::{ErrorCode, NatsError};
use crate::proto::Headers;
use crate::wasm::backlog::SharedBacklog;
use crate::wasm::driver::{Deferred, Driver, Sink};
use crate::wasm::sync::Slot;

impl Message {
    pub(super) fn from_record(r: &Record<'_>) -> Message {
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

/// A subscription whose records another module reads (a JetStream consumer run): it takes the
/// sid's messages, its SUB_EVENT records (fields kind, name, data, body) and its end.
pub(super) trait HookedSub {
    fn message(&mut self, m: Message);
    fn event(&mut self, kind: &str, name: &str, data: &str, body: &[u8]);
    /// The subscription ended: cleanly (`None`), with its error, or with the connection.
    fn end(&mut self, err: Option<NatsError>);
}

/// Where records go: filled by the sink, read by futures and streams.
#[derive(Default)]
pub(super) struct Routes {
    /// Each subscription's backlog and subject (for the slow-consumer error).
    pub(super) subs: HashMap<u32, (SharedBacklog, String)>,
    pub(super) hooked: HashMap<u32, Box<dyn HookedSub>>,
    pub(super) requests: HashMap<u32, Slot<Result<Message, NatsError>>>,
    pub(super) flushes: HashMap<u32, Slot<Result<(), NatsError>>>,
    pub(super) connected: Option<Slot<Result<(), NatsError>>>,
    pub(super) closed_waiters: Vec<Slot<Option<NatsError>>>,
    pub(super) closed: Option<Option<NatsError>>,
    /// A SUBS_DRAINED record was routed: the sink tells the engine to go on with the drain.
    subs_drained: bool,
    /// The driver, for that call (set by `Client::connect`).
    pub(super) driver: Weak<RefCell<Driver>>,
}

pub(super) struct RustSink {
    pub(super) routes: Rc<RefCell<Routes>>,
}

impl Sink for RustSink {
    /// The engine of a Rust client copies every body into the arena (it is never asked to keep
    /// them in frames), so `frame` is always `None` here.
    fn take(&mut self, batch: &Batch, _frame: Option<Uint8Array>) -> Option<Deferred> {
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
    pub(super) fn route(&mut self, r: &Record<'_>) {
        match r.kind {
            kind::MSG => {
                if let Some((q, subject)) = self.subs.get(&r.id) {
                    q.borrow_mut().offer(subject, Message::from_record(r));
                } else if let Some(h) = self.hooked.get_mut(&r.id) {
                    h.message(Message::from_record(r));
                }
            }
            kind::SUB_EVENT => {
                if let Some(h) = self.hooked.get_mut(&r.id) {
                    let text = |b| std::str::from_utf8(b).unwrap_or("");
                    h.event(text(r.fields[0]), text(r.fields[1]), text(r.fields[2]), r.fields[3]);
                }
            }
            kind::SUB_END => {
                if let Some((q, _)) = self.subs.remove(&r.id) {
                    let mut q = q.borrow_mut();
                    if let Some(e) = record_error(r) {
                        q.push_error(e);
                    }
                    q.end();
                } else if let Some(mut h) = self.hooked.remove(&r.id) {
                    h.end(record_error(r));
                }
            }
            kind::REPLY => self.settle_request(r.id, Ok(Message::from_record(r))),
            kind::REQ_END => {
                let e = record_error(r)
                    .unwrap_or_else(|| NatsError::new(ErrorCode::RequestError, "request ended"));
                self.settle_request(r.id, Err(e));
            }
            kind::FLUSH_END => {
                if let Some(s) = self.flushes.remove(&r.id) {
                    s.set(record_error(r).map_or(Ok(()), Err));
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
                for (_, mut h) in self.hooked.drain() {
                    h.end(None);
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
        if let Some(s) = self.requests.remove(&token) {
            s.set(result);
        }
    }
}

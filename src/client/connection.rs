//! `Connection`: the state machine of one NATS client connection. Inputs are commands from the
//! application and `handle_*` calls from the driver, each with `now_ms`; outputs are drained with
//! `poll_transport`, `transmit`, `batch` and `poll_timeout` (the order in `docs/design.md`).

use super::batch::Batch;
use super::options::{Authenticator, Entropy, Options, RequestManyStrategy};
use crate::error::NatsError;

/// What the driver must do with the transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportCmd {
    /// Open a WebSocket to this URL; report `handle_transport_open`, `handle_bytes`,
    /// `handle_transport_closed` for it.
    Dial { url: String },
    /// Close the current socket (code 1000 for a clean close, 1002 after a protocol error).
    /// The engine no longer expects events from it.
    Close { code: u16, reason: String },
}

/// One NATS connection, sans IO.
pub struct Connection {
    _todo: (),
}

impl Connection {
    /// Creates the engine. Nothing happens until `start`.
    pub fn new(options: Options, entropy: Box<dyn Entropy>, auth: Option<Box<dyn Authenticator>>) -> Self {
        let _ = (options, entropy, auth);
        todo!("engine helper")
    }

    /// Begins connecting (the first `Dial`).
    pub fn start(&mut self, now_ms: u64) {
        let _ = now_ms;
        todo!("engine helper")
    }

    // ---- driver inputs ----

    /// The socket asked for by the last `Dial` is open.
    pub fn handle_transport_open(&mut self, now_ms: u64) {
        let _ = now_ms;
        todo!()
    }

    /// Bytes received from the server (one WebSocket frame; ops may span frames).
    pub fn handle_bytes(&mut self, bytes: &[u8], now_ms: u64) {
        let _ = (bytes, now_ms);
        todo!()
    }

    /// The socket failed or closed. `opened` says whether it had ever opened (a socket that
    /// fails before opening is a refused dial); `reason` is the close reason text, if any.
    pub fn handle_transport_closed(&mut self, opened: bool, reason: &str, now_ms: u64) {
        let _ = (opened, reason, now_ms);
        todo!()
    }

    /// The deadline returned by `poll_timeout` has passed.
    pub fn handle_timeout(&mut self, now_ms: u64) {
        let _ = now_ms;
        todo!()
    }

    // ---- driver outputs ----

    pub fn poll_transport(&mut self) -> Option<TransportCmd> {
        todo!()
    }

    /// Bytes waiting to be sent as one frame (empty when none).
    pub fn transmit(&self) -> &[u8] {
        todo!()
    }

    /// The driver sent everything `transmit` returned.
    pub fn consume_transmit(&mut self) {
        todo!()
    }

    /// Output records produced so far (see `docs/design.md`).
    pub fn batch(&self) -> &Batch {
        todo!()
    }

    pub fn clear_batch(&mut self) {
        todo!()
    }

    /// The earliest moment `handle_timeout` must be called, ms on the driver's clock.
    pub fn poll_timeout(&self) -> Option<u64> {
        todo!()
    }

    // ---- application commands ----

    /// Publishes; `headers` is an encoded header block (`proto::Headers::encode`).
    pub fn publish(
        &mut self,
        subject: &str,
        reply: Option<&str>,
        headers: Option<&[u8]>,
        payload: &[u8],
    ) -> Result<(), NatsError> {
        let _ = (subject, reply, headers, payload);
        todo!()
    }

    /// Subscribes; returns the sid. `max` sends `UNSUB sid max` right after the SUB; `timeout_ms`
    /// ends the subscription with `TIMEOUT` if no message arrives in time.
    pub fn subscribe(
        &mut self,
        subject: &str,
        queue: Option<&str>,
        max: Option<u64>,
        timeout_ms: Option<u64>,
        now_ms: u64,
    ) -> Result<u32, NatsError> {
        let _ = (subject, queue, max, timeout_ms, now_ms);
        todo!()
    }

    /// `max = None`: ends the subscription now (SUB_END follows). `Some(n)`: ends it after `n`
    /// messages in total.
    pub fn unsubscribe(&mut self, sid: u32, max: Option<u64>) -> Result<(), NatsError> {
        let _ = (sid, max);
        todo!()
    }

    /// Subscription drain: UNSUB, then a PING; SUB_END once its PONG arrives.
    pub fn drain_subscription(&mut self, sid: u32) -> Result<(), NatsError> {
        let _ = sid;
        todo!()
    }

    /// A request through the shared mux inbox: returns its token (REPLY then nothing, or REQ_END
    /// with an error such as `TIMEOUT` or `503`).
    pub fn request(
        &mut self,
        subject: &str,
        headers: Option<&[u8]>,
        payload: &[u8],
        timeout_ms: u64,
        now_ms: u64,
    ) -> Result<u32, NatsError> {
        let _ = (subject, headers, payload, timeout_ms, now_ms);
        todo!()
    }

    /// A request that gathers replies until `strategy` says done: REPLY records, then REQ_END.
    pub fn request_many(
        &mut self,
        subject: &str,
        headers: Option<&[u8]>,
        payload: &[u8],
        max_wait_ms: u64,
        strategy: RequestManyStrategy,
        now_ms: u64,
    ) -> Result<u32, NatsError> {
        let _ = (subject, headers, payload, max_wait_ms, strategy, now_ms);
        todo!()
    }

    /// Cancels a pending request: REQ_END with `CANCELLED`.
    pub fn cancel_request(&mut self, token: u32) {
        let _ = token;
        todo!()
    }

    /// Sends a PING; FLUSH_END with this id when its PONG arrives.
    pub fn flush(&mut self) -> Result<u32, NatsError> {
        todo!()
    }

    /// Connection drain (order in api-contract §2); DRAINED then CLOSED when done.
    pub fn drain(&mut self, now_ms: u64) -> Result<(), NatsError> {
        let _ = now_ms;
        todo!()
    }

    /// Closes now: pending requests and flushes end with errors, subscriptions end cleanly,
    /// CLOSED is emitted. A second call does nothing.
    pub fn close(&mut self) {
        todo!()
    }

    /// Drops the current transport and reconnects (`client initiated reconnect`).
    pub fn reconnect(&mut self, now_ms: u64) -> Result<(), NatsError> {
        let _ = now_ms;
        todo!()
    }

    // ---- queries ----

    pub fn is_closed(&self) -> bool {
        todo!()
    }

    pub fn is_draining(&self) -> bool {
        todo!()
    }

    /// `host:port` of the current server, "" when not connected.
    pub fn current_server(&self) -> String {
        todo!()
    }

    /// Last INFO JSON text received, if any.
    pub fn info_json(&self) -> Option<&str> {
        todo!()
    }

    /// (in_msgs, out_msgs, in_bytes, out_bytes): messages and their header+payload bytes.
    pub fn stats(&self) -> (u64, u64, u64, u64) {
        todo!()
    }

    /// Counters of one subscription: (received, max or 0), `None` if it is gone.
    pub fn subscription_counts(&self, sid: u32) -> Option<(u64, u64)> {
        let _ = sid;
        todo!()
    }
}

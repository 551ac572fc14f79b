//! `Connection`: the state machine of one NATS client connection. Inputs are commands from the
//! application and `handle_*` calls from the driver, each with `now_ms`; outputs are drained with
//! `poll_transport`, `transmit`, `batch` and `poll_timeout` (the order in `docs/design.md`).
//!
//! This file is the façade: the struct, its state enums and the public methods, each delegating
//! to the module that owns the concern (`handshake`, `inbound`, `lifecycle`, `outbound` (the one
//! write path), `pings`, `guards`, `sids`, `subscriptions`, `requests`). Must not: do I/O, read a clock, draw randomness other than
//! through [`Entropy`], or panic on anything the server or the user sends.

use std::collections::VecDeque;

use super::batch::Batch;
use super::hooks::SubHook;
use super::idmap::IdMap;
use super::inbound::FrameWindow;
use super::input::InputBuffer;
use super::options::{Authenticator, Entropy, Options, RequestManyStrategy};
use super::outbound::Outbound;
use super::pings::Pings;
use super::pool::Pool;
use super::requests::{Mode, ReplyTo, Requests};
use super::sids::Sids;
use super::subscriptions::Subs;
use super::timers::Timers;
use crate::error::{ErrorCode, NatsError};
use crate::proto::{Limits, ServerInfo};

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

/// Where the connection is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// Created, `start` not called yet.
    Idle,
    /// A `Dial` was issued; waiting for the socket to open.
    Dialing,
    /// Socket open; waiting for the server's INFO.
    AwaitInfo,
    /// CONNECT + PING sent; waiting for the PONG that completes the handshake.
    AwaitPong,
    Connected,
    /// No transport: waiting for the reconnect timer before the next dial.
    Waiting,
    Closed,
}

/// Progress of a connection drain (docs/contract.md "Connection drain order").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DrainStage {
    None,
    /// Every subscription got UNSUB; waiting for the PONG of the PING after them.
    Subs,
    /// The subscriptions have ended (SUBS_DRAINED emitted); waiting for the application to
    /// process what they had queued and call `drain_continue`. Publishing is still allowed, so
    /// that handlers can respond to the requests they were given.
    Application,
    /// Publishing is blocked; waiting for the final flush PONG (`ping_sent` false while
    /// disconnected: the PING goes out after the reconnect).
    Flush {
        ping_sent: bool,
    },
}

/// Message and byte counters (`stats()`).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Stats {
    pub(super) in_msgs: u64,
    pub(super) out_msgs: u64,
    pub(super) in_bytes: u64,
    pub(super) out_bytes: u64,
}

/// One NATS connection, sans IO.
pub struct Connection {
    pub(super) opts: Options,
    pub(super) entropy: Box<dyn Entropy>,
    pub(super) auth: Option<Box<dyn Authenticator>>,
    /// Replaces the reconnect delay formula when set (nats.deno `reconnectDelayHandler`).
    pub(super) delay_handler: Option<Box<dyn FnMut() -> u64>>,
    pub(super) phase: Phase,
    pub(super) pool: Pool,
    /// `host:port` of the server of the current (or last) transport.
    pub(super) server: String,
    /// Whether the current transport's URL is `wss`: gossiped URLs take its scheme.
    pub(super) secure: bool,
    pub(super) timers: Timers,
    pub(super) sids: Sids,
    pub(super) subs: Subs,
    /// Subscription hooks by sid (`hooks.rs`).
    pub(super) hooks: IdMap<u32, Box<dyn SubHook>>,
    pub(super) reqs: Requests,
    pub(super) out: Outbound,
    pub(super) pings: Pings,
    pub(super) batch: Batch,
    pub(super) commands: VecDeque<TransportCmd>,
    /// Received bytes not yet parsed (ops span WebSocket frames).
    pub(super) inbuf: InputBuffer,
    /// Largest length `inbuf` reached (tests check that it stays bounded).
    #[cfg(test)]
    pub(super) inbuf_peak: usize,
    /// Records may leave bodies in frames (`keep_bodies_in_frames`).
    pub(super) frame_bodies: bool,
    /// Frames received so far (`frame_number`).
    pub(super) frame_number: u64,
    /// The frame being parsed, while its ops are handled (`inbound.rs`).
    pub(super) frame_window: Option<FrameWindow>,
    pub(super) limits: Limits,
    pub(super) info: Option<ServerInfo>,
    pub(super) info_json: Option<String>,
    pub(super) connected_once: bool,
    /// The error a CLOSED after an exhausted pool reports; also the auth-abort memory.
    pub(super) last_error: Option<NatsError>,
    /// Two identical auth errors in a row: the next dial attempt closes instead.
    pub(super) abort_reconnect: bool,
    pub(super) drain: DrainStage,
    /// The last `-ERR` (other than a permission error) the server sent on the current socket:
    /// it explains a close that follows.
    pub(super) server_err: Option<NatsError>,
    pub(super) stats: Stats,
    pub(super) next_flush_id: u32,
    /// Bumped whenever a transport is abandoned, so a parse loop notices mid-buffer.
    pub(super) transport_gen: u64,
}

impl Connection {
    /// Creates the engine. Nothing happens until `start`.
    pub fn new(
        options: Options,
        mut entropy: Box<dyn Entropy>,
        auth: Option<Box<dyn Authenticator>>,
    ) -> Self {
        let pool = Pool::new(&options.servers, !options.no_randomize, entropy.as_mut());
        Connection {
            opts: options,
            entropy,
            auth,
            delay_handler: None,
            phase: Phase::Idle,
            pool,
            server: String::new(),
            secure: false,
            timers: Timers::default(),
            sids: Sids::default(),
            hooks: IdMap::default(),
            subs: Subs::default(),
            reqs: Requests::default(),
            out: Outbound::default(),
            pings: Pings::default(),
            batch: Batch::default(),
            commands: VecDeque::new(),
            inbuf: InputBuffer::default(),
            #[cfg(test)]
            inbuf_peak: 0,
            frame_bodies: false,
            frame_number: 0,
            frame_window: None,
            limits: Limits::default(),
            info: None,
            info_json: None,
            connected_once: false,
            last_error: None,
            abort_reconnect: false,
            drain: DrainStage::None,
            server_err: None,
            stats: Stats::default(),
            next_flush_id: 0,
            transport_gen: 0,
        }
    }

    /// Lets the application decide the pause before each redial, ms, instead of
    /// `reconnect_time_wait` + jitter.
    pub fn set_reconnect_delay_handler(&mut self, handler: Box<dyn FnMut() -> u64>) {
        self.delay_handler = Some(handler);
    }

    /// Begins connecting (the first `Dial`).
    pub fn start(&mut self, now_ms: u64) {
        if self.phase == Phase::Idle {
            self.phase = Phase::Waiting;
            self.dial_next(now_ms, false);
        }
    }

    // ---- driver inputs ----

    /// The socket asked for by the last `Dial` is open.
    pub fn handle_transport_open(&mut self, now_ms: u64) {
        let _ = now_ms;
        if self.phase == Phase::Dialing {
            self.phase = Phase::AwaitInfo;
        }
    }

    /// Bytes received from the server (one WebSocket frame; ops may span frames).
    pub fn handle_bytes(&mut self, bytes: &[u8], now_ms: u64) {
        let mut fill = |from: usize, dst: &mut [u8]| dst.copy_from_slice(&bytes[from..from + dst.len()]);
        self.on_frame(bytes.len(), &mut fill, false, now_ms);
    }

    /// A frame of `len` bytes received from the server. `fill(from, dst)` copies its bytes
    /// `from..from + dst.len()` into `dst`, a part of the input buffer (it is called for one chunk
    /// at a time, in order). After `keep_bodies_in_frames`, the MSG and REPLY records of this
    /// frame may point into it (`Batch::frame` is then `frame_number()`), so the driver must keep
    /// the host's copy unchanged while they live.
    pub fn handle_frame(&mut self, len: usize, mut fill: impl FnMut(usize, &mut [u8]), now_ms: u64) {
        self.on_frame(len, &mut fill, true, now_ms);
    }

    /// Lets MSG and REPLY records leave their header block and payload in the frame passed to
    /// `handle_frame` (`Batch::push_message`), for a driver that hands that frame to the host with
    /// the records: a payload then crosses with no copy but the one into the input buffer.
    pub fn keep_bodies_in_frames(&mut self) {
        self.frame_bodies = true;
    }

    /// The number of the last frame received (1 for the first; `handle_bytes` counts too).
    pub fn frame_number(&self) -> u64 {
        self.frame_number
    }

    /// The socket failed or closed. `opened` says whether it had ever opened (a socket that
    /// fails before opening is a refused dial); `code` is the WebSocket close code (0, 1005 or
    /// 1006 when no close frame arrived); `reason` is the close reason, or, when the close
    /// carried none, the runtime's error text (Deno's "Frame too large", "Unexpected EOF"), which
    /// the `disconnect` status uses to say what most likely happened.
    pub fn handle_transport_closed(&mut self, opened: bool, code: u16, reason: &str, now_ms: u64) {
        self.on_transport_closed(opened, code, reason, now_ms);
    }

    /// The deadline returned by `poll_timeout` has passed.
    pub fn handle_timeout(&mut self, now_ms: u64) {
        self.on_timeout(now_ms);
    }

    // ---- driver outputs ----

    pub fn poll_transport(&mut self) -> Option<TransportCmd> {
        self.commands.pop_front()
    }

    /// Called by the driver right before it sends `transmit()`: may end the frame with a PING
    /// (`pings.rs` `nudge` says why).
    pub fn prepare_transmit(&mut self) {
        self.nudge();
    }

    /// Bytes waiting to be sent as one frame (empty when none).
    pub fn transmit(&self) -> &[u8] {
        self.out.wire()
    }

    /// The driver sent everything `transmit` returned.
    pub fn consume_transmit(&mut self) {
        self.out.consume();
    }

    /// Output records produced so far (see `docs/design.md`).
    pub fn batch(&self) -> &Batch {
        &self.batch
    }

    pub fn clear_batch(&mut self) {
        self.batch.clear();
    }

    /// The earliest moment `handle_timeout` must be called, ms on the driver's clock.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.timers.earliest()
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
        self.cmd_publish(subject, reply, headers, payload)
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
        self.cmd_subscribe(subject, queue, max, timeout_ms, now_ms)
    }

    /// Attaches a hook to subscription `sid` (`hooks.rs`): it sees the sid's messages first, and
    /// its events come out as SUB_EVENT records. False when `sid` is not a live subscription.
    pub fn attach_hook(&mut self, sid: u32, hook: Box<dyn SubHook>) -> bool {
        self.cmd_attach_hook(sid, hook)
    }

    /// Passes the application's answer to the hook of `sid` (ignored when it has none).
    pub fn hook_input(&mut self, sid: u32, code: u32, data: &str, now_ms: u64) {
        self.cmd_hook_input(sid, code, data, now_ms);
    }

    /// `max = None`: ends the subscription now (SUB_END follows). `Some(n)`: ends it after `n`
    /// messages in total.
    pub fn unsubscribe(&mut self, sid: u32, max: Option<u64>) -> Result<(), NatsError> {
        self.cmd_unsubscribe(sid, max)
    }

    /// Subscription drain: UNSUB, then a PING; SUB_END once its PONG arrives.
    pub fn drain_subscription(&mut self, sid: u32) -> Result<(), NatsError> {
        self.cmd_drain_subscription(sid)
    }

    /// A request: returns its token; one REPLY ends it, else one REQ_END with an error such as
    /// `TIMEOUT`, `503`, `CANCELLED`, `PERMISSIONS_VIOLATION` or `CONNECTION_CLOSED`. `reply`
    /// says where replies come back: the shared mux inbox, or the request's own subscription
    /// (nats.deno `noMux`, optionally on the given reply subject).
    pub fn request(
        &mut self,
        subject: &str,
        headers: Option<&[u8]>,
        payload: &[u8],
        timeout_ms: u64,
        reply: ReplyTo,
        now_ms: u64,
    ) -> Result<u32, NatsError> {
        self.start_request(subject, headers, payload, timeout_ms, Mode::Single, reply, now_ms)
    }

    /// A request that gathers replies until `strategy` says done (or `max_wait_ms` passes): REPLY
    /// records, then REQ_END ("" = clean end, or an error as for `request`).
    #[allow(clippy::too_many_arguments)] // the request's parts, as nats.deno's options spell them
    pub fn request_many(
        &mut self,
        subject: &str,
        headers: Option<&[u8]>,
        payload: &[u8],
        max_wait_ms: u64,
        strategy: RequestManyStrategy,
        reply: ReplyTo,
        now_ms: u64,
    ) -> Result<u32, NatsError> {
        self.start_request(subject, headers, payload, max_wait_ms, Mode::Many(strategy), reply, now_ms)
    }

    /// Cancels a pending request: REQ_END with `CANCELLED`.
    pub fn cancel_request(&mut self, token: u32) {
        let err = NatsError::new(ErrorCode::Cancelled, "request cancelled");
        self.end_request(token, Some(&err), "");
    }

    /// Sends a PING; FLUSH_END with this id when its PONG arrives.
    pub fn flush(&mut self) -> Result<u32, NatsError> {
        self.cmd_flush()
    }

    /// Connection drain (order: docs/contract.md "Connection drain order"); DRAINED then CLOSED when done.
    pub fn drain(&mut self, now_ms: u64) -> Result<(), NatsError> {
        self.cmd_drain(now_ms)
    }

    /// Connection drain, after its SUBS_DRAINED record: the application has processed the
    /// messages its subscriptions had queued; block publishing, flush, then DRAINED and CLOSED.
    /// Does nothing at any other time.
    pub fn drain_continue(&mut self) {
        self.cmd_drain_continue();
    }

    /// Closes now: pending requests and flushes end with errors, subscriptions end cleanly,
    /// CLOSED is emitted. A second call does nothing.
    pub fn close(&mut self) {
        self.close_with(None);
    }

    /// Drops the current transport and reconnects (`client initiated reconnect`).
    pub fn reconnect(&mut self, now_ms: u64) -> Result<(), NatsError> {
        self.cmd_reconnect(now_ms)
    }

    /// Checks the connection now instead of waiting for the ping timer (the driver calls it
    /// when a page becomes visible again or the browser comes back online). Connected: a PING
    /// goes out, and without any PONG within `deadline_ms` the connection is stale and left.
    /// Waiting to redial: the pending dial happens now. Otherwise nothing. Returns whether it
    /// did something.
    pub fn check_connection(&mut self, now_ms: u64, deadline_ms: u64) -> bool {
        self.cmd_check_connection(now_ms, deadline_ms)
    }

    // ---- queries ----

    pub fn is_closed(&self) -> bool {
        self.phase == Phase::Closed
    }

    pub fn is_draining(&self) -> bool {
        self.drain != DrainStage::None
    }

    /// `host:port` of the current server, "" when not connected.
    pub fn current_server(&self) -> String {
        if self.phase == Phase::Connected { self.server.clone() } else { String::new() }
    }

    /// Last INFO JSON text received, if any.
    pub fn info_json(&self) -> Option<&str> {
        self.info_json.as_deref()
    }

    /// (in_msgs, out_msgs, in_bytes, out_bytes): messages and their header+payload bytes.
    pub fn stats(&self) -> (u64, u64, u64, u64) {
        let s = self.stats;
        (s.in_msgs, s.out_msgs, s.in_bytes, s.out_bytes)
    }

    /// Counters of one subscription: (received, max or 0), `None` if it is gone.
    pub fn subscription_counts(&self, sid: u32) -> Option<(u64, u64)> {
        self.subs.get(sid).map(|s| (s.received, s.max.unwrap_or(0)))
    }

    // ---- shared helpers ----

    /// True when ops can be written for the current server (handshake complete).
    pub(super) fn is_connected(&self) -> bool {
        self.phase == Phase::Connected
    }

    /// A socket exists (being opened, handshaking or connected).
    pub(super) fn has_transport(&self) -> bool {
        matches!(self.phase, Phase::Dialing | Phase::AwaitInfo | Phase::AwaitPong | Phase::Connected)
    }

    /// Queues a `Close` for the current socket with the full reason (the driver fits it to the
    /// WebSocket API's limit).
    pub(super) fn push_close(&mut self, code: u16, reason: &str) {
        self.commands.push_back(TransportCmd::Close { code, reason: reason.to_string() });
    }

    /// Length of the input buffer (bytes received, not yet parsed).
    #[cfg(test)]
    pub(super) fn inbuf_len(&self) -> usize {
        self.inbuf.len()
    }
}

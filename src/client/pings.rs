//! PING/PONG bookkeeping: the FIFO of PINGs awaiting their PONG (the server answers in order),
//! what each one settles ([`PingKind`]), the keepalive timer with its unanswered count and the
//! stale rule, and connection checks (docs/contract.md "Ping / stale", "Flush").
//!
//! Every outstanding PING ends through [`Connection::settle_ping`], exactly once: answered by a
//! PONG, lost with its socket, or abandoned at close.
//!
//! Must not: write a PING outside [`Connection::send_ping`] / [`Connection::send_handshake_ping`],
//! or decide what a lost connection leads to (reconnect or close is `lifecycle.rs`'s).

use std::collections::VecDeque;

use super::connection::{Connection, DrainStage, Phase};
use super::guards::closed_error;
use super::records::status;
use super::timers::TimerKey;
use crate::error::{ErrorCode, NatsError};
use crate::proto::encode;
use crate::text::cat;

/// What a PONG answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PingKind {
    /// The PING after CONNECT: its PONG completes the handshake.
    Handshake,
    /// The keepalive timer's PING.
    Keepalive,
    /// A connection check's PING (`check_connection`).
    Check,
    /// A user `flush()`, by flush id.
    Flush(u32),
    /// A subscription drain, by sid.
    SubDrain(u32),
    /// Connection drain, after every subscription's UNSUB.
    DrainSubs,
    /// Connection drain, the final flush.
    DrainFlush,
    /// Ends a frame so that the server answers, and so acknowledges it, at once
    /// (`prepare_transmit`); its PONG settles nothing.
    Nudge,
}

/// How an outstanding PING ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PingEnd {
    /// Its PONG arrived.
    Pong,
    /// Its socket was lost (the server forgot it with the socket).
    Lost,
    /// The connection was closed for good.
    Closed,
}

/// PINGs in flight below which a frame still ends with a nudge PING: 8 bounds the PINGs to 8 per
/// round trip however many frames leave, while a frame sent behind a nudge draws its own answer
/// (`nudge`). Past 8 frames per round trip the frames are back to back and Nagle coalesces them.
const NUDGES_IN_FLIGHT: usize = 8;

#[derive(Debug, Default)]
pub(super) struct Pings {
    /// PINGs in flight on the current socket, oldest first.
    queue: VecDeque<PingKind>,
    /// Keepalive PINGs sent since the last PONG.
    unanswered: u32,
}

impl Connection {
    /// Writes a PING and remembers what its PONG settles; `false` (nothing sent) when the socket
    /// is not open.
    pub(super) fn send_ping(&mut self, kind: PingKind) -> bool {
        let sent = self.out.op(encode::ping);
        if sent {
            self.pings.queue.push_back(kind);
        }
        sent
    }

    /// CONNECT's PING: written before the socket is open, as the handshake's last byte.
    pub(super) fn send_handshake_ping(&mut self) {
        self.out.handshake(encode::ping);
        self.pings.queue.push_back(PingKind::Handshake);
    }

    /// A PONG answers the oldest PING; any PONG also proves the connection alive (so it settles
    /// the keepalive count and a pending connection check).
    pub(super) fn on_pong(&mut self, now_ms: u64) {
        self.pings.unanswered = 0;
        self.timers.cancel(TimerKey::Check);
        if let Some(kind) = self.pings.queue.pop_front() {
            self.settle_ping(kind, PingEnd::Pong, now_ms);
        }
    }

    /// Ends every outstanding PING (socket lost or connection closed).
    pub(super) fn settle_all_pings(&mut self, end: PingEnd, now_ms: u64) {
        self.pings.unanswered = 0;
        for kind in std::mem::take(&mut self.pings.queue) {
            self.settle_ping(kind, end, now_ms);
        }
    }

    /// The one place that says what an ended PING means. A lost socket: flushes fail with
    /// DISCONNECT, subscription drains count as done (the server forgot those subscriptions), a
    /// connection drain waiting for its subscriptions moves on to waiting for the application,
    /// and its final flush goes out after the reconnect. A close: flushes fail with
    /// CONNECTION_CLOSED; the close itself ends subscriptions and the drain.
    fn settle_ping(&mut self, kind: PingKind, end: PingEnd, now_ms: u64) {
        match (kind, end) {
            (PingKind::Handshake, PingEnd::Pong) => {
                if self.phase == Phase::AwaitPong {
                    self.complete_handshake(now_ms);
                }
            }
            (PingKind::Handshake | PingKind::Keepalive | PingKind::Check | PingKind::Nudge, _) => {}
            (PingKind::Flush(id), PingEnd::Pong) => self.batch.flush_end(id, None),
            (PingKind::Flush(id), PingEnd::Lost) => {
                let err = NatsError::new(ErrorCode::Disconnect, "disconnected before the flush completed");
                self.batch.flush_end(id, Some(&err));
            }
            (PingKind::Flush(id), PingEnd::Closed) => self.batch.flush_end(id, Some(&closed_error())),
            (PingKind::SubDrain(sid), PingEnd::Pong | PingEnd::Lost) => self.end_sub(sid, None, ""),
            (PingKind::DrainSubs, PingEnd::Pong | PingEnd::Lost) => self.subs_drained(),
            (PingKind::DrainFlush, PingEnd::Pong) => {
                self.batch.drained();
                self.close_with(None);
            }
            (PingKind::DrainFlush, PingEnd::Lost) => self.drain = DrainStage::Flush { ping_sent: false },
            (PingKind::SubDrain(_) | PingKind::DrainSubs | PingKind::DrainFlush, PingEnd::Closed) => {}
        }
    }

    /// Keepalive: `pingTimer`, then either a PING or, at `max_ping_out` unanswered, stale.
    pub(super) fn on_ping_timer(&mut self, now_ms: u64) {
        if self.phase != Phase::Connected {
            return;
        }
        let n = cat!(self.pings.unanswered.saturating_add(1));
        self.batch.status(status::PING_TIMER, &n, "");
        if self.pings.unanswered >= self.opts.max_ping_out {
            let why = cat!("stale connection: ", self.pings.unanswered, " PINGs unanswered");
            self.go_stale(&why, now_ms);
            return;
        }
        self.pings.unanswered += 1;
        self.send_ping(PingKind::Keepalive);
        self.timers.set(TimerKey::Ping, now_ms.saturating_add(self.opts.ping_interval));
    }

    /// The connection check's deadline passed without any PONG.
    pub(super) fn on_check_timer(&mut self, now_ms: u64) {
        if self.phase == Phase::Connected {
            self.go_stale("stale connection: no PONG in time for a connection check", now_ms);
        }
    }

    /// The server stopped answering: `staleConnection` (data "" as nats.deno), then the
    /// connection is dropped and the reconnect starts.
    fn go_stale(&mut self, why: &str, now_ms: u64) {
        self.batch.status_with(status::STALE, "", "", why);
        let err = NatsError::new(ErrorCode::Disconnect, why);
        self.lose_transport(Some((1000, "stale connection")), Some(err), false, now_ms, false);
    }

    /// See `Connection::check_connection`.
    pub(super) fn cmd_check_connection(&mut self, now_ms: u64, deadline_ms: u64) -> bool {
        match self.phase {
            Phase::Connected => {
                if self.timers.is_set(TimerKey::Check) {
                    return false; // a check is already waiting for its PONG
                }
                self.send_ping(PingKind::Check);
                self.timers.set(TimerKey::Check, now_ms.saturating_add(deadline_ms));
                true
            }
            Phase::Waiting if self.timers.is_set(TimerKey::Reconnect) => {
                // The network is probably back: redial now instead of sitting out the delay.
                self.timers.cancel(TimerKey::Reconnect);
                self.dial_current(now_ms);
                true
            }
            _ => false,
        }
    }

    /// Whether no PING awaits its PONG (the handshake adds one so the server acks its frame).
    pub(super) fn no_ping_outstanding(&self) -> bool {
        self.pings.queue.is_empty()
    }

    /// Before a frame leaves: when connected and fewer than [`NUDGES_IN_FLIGHT`] PINGs are in
    /// flight, end it with one. The server answers a PING at once, and that answer acknowledges
    /// the frame at the TCP level. Without it a frame that draws no reply (acks, an UNSUB, plain
    /// publishes, a pull that will not be answered) holds the next small write until the server's
    /// delayed ACK (~40 ms on Linux): Deno's WebSocket leaves Nagle on. With one PING in flight at
    /// a time, the frame sent behind it went bare, and the write after that waited: a fetch loop
    /// or the end of an ObjectStore get followed by anything paid 40 ms. A frame that carries a
    /// request is not nudged: its reply acknowledges it (a PONG more per request doubled the
    /// inbound frames of a request loop). Behind a slow reply, the next small write may wait on
    /// the delayed ACK once, as every client without the nudge does; its own frame is nudged.
    pub(super) fn nudge(&mut self) {
        if self.phase == Phase::Connected
            && !self.out.wire().is_empty()
            && !self.out.awaits_reply
            && self.pings.queue.len() < NUDGES_IN_FLIGHT
        {
            self.send_ping(PingKind::Nudge);
        }
    }
}

//! Connection lifecycle policy: which server to dial and when (reconnect delay per server,
//! pruning after `max_reconnect_attempts`, first-connect rules), dial failures, losing a
//! connected transport, the auth-error abort rule, timers firing, drain, client-initiated
//! reconnect and close (docs/contract.md "Connect, servers, reconnect", "Ping / stale",
//! "Connection drain order").
//!
//! Must not: wait on anything but timers in the table (no sleeping, no clock), or emit CLOSED
//! twice: `close_with` is the only way into `Phase::Closed`.

use super::connection::{Connection, DrainStage, Phase, TransportCmd};
use super::disconnect::{SocketEnd, explain};
use super::guards::closed_error;
use super::pings::{PingEnd, PingKind};
use super::pool::reconnect_delay;
use super::records::status;
use super::timers::TimerKey;
use crate::error::{ErrorCode, NatsError};
use crate::proto::encode;
use crate::text::cat;

/// Smallest pause between two dials of the same server, ms (see `dial_next`).
const MIN_REDIAL_GAP_MS: u64 = 1;

impl Connection {
    /// Picks the next server in rotation and dials it now, or arms the reconnect timer for when
    /// its last dial + the reconnect delay has passed. `immediate` skips the delay (client
    /// initiated reconnect). An empty pool or an auth abort closes with the last error.
    pub(super) fn dial_next(&mut self, now_ms: u64, immediate: bool) {
        if self.abort_reconnect || self.pool.is_empty() {
            let err = self.last_error.clone().unwrap_or_else(|| {
                NatsError::new(ErrorCode::ConnectionRefused, "no server available to connect to")
            });
            return self.close_with(Some(err));
        }
        let jitter =
            if self.opts.tls_required { self.opts.reconnect_jitter_tls } else { self.opts.reconnect_jitter };
        let delay = match self.delay_handler.as_mut() {
            Some(handler) => handler(),
            None => reconnect_delay(self.opts.reconnect_time_wait, jitter, self.entropy.as_mut()),
        };
        let Some(server) = self.pool.select_next() else { return };
        // A redial of the same server is at least `MIN_REDIAL_GAP_MS` after its last dial even
        // with a zero delay: a driver may report a refused socket synchronously from inside
        // its `Dial`, and redialling in the same call would spin without ever yielding.
        let ready = match server.last_attempt {
            Some(t) if !immediate => t.saturating_add(delay.max(MIN_REDIAL_GAP_MS)),
            _ => now_ms,
        };
        if ready <= now_ms {
            self.dial_current(now_ms);
        } else {
            self.phase = Phase::Waiting;
            self.timers.set(TimerKey::Reconnect, ready);
        }
    }

    /// Issues the `Dial` for the pool's current server.
    pub(super) fn dial_current(&mut self, now_ms: u64) {
        let Some(server) = self.pool.current_mut() else {
            return self.dial_next(now_ms, false);
        };
        server.last_attempt = Some(now_ms);
        let url = server.url.clone();
        self.server = server.host_port.clone();
        self.secure = url.starts_with("wss://");
        self.reset_transport_state();
        if self.connected_once {
            let server = self.server.clone();
            self.batch.status(status::RECONNECTING, &server, "");
        }
        self.commands.push_back(TransportCmd::Dial { url });
        self.phase = Phase::Dialing;
        if self.opts.timeout > 0 {
            self.timers.set(TimerKey::Dial, now_ms.saturating_add(self.opts.timeout));
        }
    }

    /// Forgets everything tied to the current socket.
    fn reset_transport_state(&mut self) {
        self.transport_gen += 1;
        self.timers.cancel(TimerKey::Dial);
        self.timers.cancel(TimerKey::Ping);
        self.timers.cancel(TimerKey::Check);
        self.out.socket_gone();
        self.inbuf.clear();
        self.server_err = None;
    }

    /// Remembers `err` as the last error; the second auth error in a row with the same code
    /// stops reconnecting (unless `ignore_auth_error_abort`).
    pub(super) fn note_error(&mut self, err: NatsError) {
        let same = self.last_error.as_ref().is_some_and(|e| e.code == err.code);
        if err.code.is_auth_error() && same && !self.opts.ignore_auth_error_abort {
            self.abort_reconnect = true;
        }
        self.last_error = Some(err);
    }

    /// A dial (socket open + handshake) failed: count it against the server, then try the next.
    pub(super) fn fail_dial(&mut self, err: NatsError, close_code: Option<u16>, now_ms: u64) {
        if let Some(code) = close_code {
            self.push_close(code, &err.message);
        }
        self.reset_transport_state();
        self.settle_pings_after_loss(now_ms);
        self.phase = Phase::Waiting;
        self.note_error(err);
        if !self.connected_once {
            // First connect: each server once, unless waiting for it (then failures don't count).
            if !self.opts.wait_on_first_connect {
                self.pool.remove_current();
            }
        } else if let Some(server) = self.pool.current_mut() {
            server.failed = server.failed.saturating_add(1);
            let max = self.opts.max_reconnect_attempts;
            if max >= 0 && server.failed >= max as u32 {
                self.pool.remove_current();
            }
        }
        self.dial_next(now_ms, false);
    }

    /// The connected transport is gone (closed by the server, stale, protocol or auth error,
    /// client reconnect): `disconnect` status (its detail says why: `cause`), pending flushes
    /// fail, then reconnect or close. `close` is the `Close` to send when the engine itself
    /// drops the socket. Without reconnecting, CLOSED carries `cause`, unless the server ended
    /// the connection `clean`ly (then no error, as nats.deno's `closed()` resolves `undefined`).
    pub(super) fn lose_transport(
        &mut self,
        close: Option<(u16, &str)>,
        cause: Option<NatsError>,
        clean: bool,
        now_ms: u64,
        immediate: bool,
    ) {
        if self.phase != Phase::Connected {
            if self.has_transport() {
                let err = cause.unwrap_or_else(|| NatsError::new(ErrorCode::Disconnect, "disconnected"));
                self.fail_dial(err, close.map(|(code, _)| code), now_ms);
            }
            return;
        }
        if let Some((code, reason)) = close {
            self.push_close(code, reason);
        }
        self.reset_transport_state();
        self.phase = Phase::Waiting;
        let server = self.server.clone();
        let why = match (&cause, close) {
            (Some(e), _) => e.message.clone(),
            (None, Some((_, reason))) => reason.to_string(),
            (None, None) => String::new(),
        };
        self.batch.status_with(status::DISCONNECT, &server, "", &why);
        self.settle_pings_after_loss(now_ms);
        self.hooks_connection(false, now_ms);
        if immediate {
            self.dial_next(now_ms, true);
        } else if self.opts.reconnect {
            self.dial_next(now_ms, false);
        } else if clean {
            self.close_with(None);
        } else {
            let err = cause.unwrap_or_else(|| NatsError::new(ErrorCode::Disconnect, "connection lost"));
            self.close_with(Some(err));
        }
    }

    /// PINGs of a lost socket will never be answered (`pings.rs` says what each one meant); a
    /// subscription still marked draining has lost its PONG with the socket.
    fn settle_pings_after_loss(&mut self, now_ms: u64) {
        self.settle_all_pings(PingEnd::Lost, now_ms);
        let draining: Vec<u32> = self.subs.iter().filter(|(_, s)| s.draining).map(|(sid, _)| *sid).collect();
        for sid in draining {
            self.end_sub(sid, None, "");
        }
    }

    /// A malformed byte stream: STATUS error, `Close` 1002, then the dial fails or we reconnect.
    pub(super) fn protocol_error(&mut self, why: &str, now_ms: u64) {
        let err = NatsError::new(ErrorCode::ProtocolError, why);
        self.batch.status_with(status::ERROR, err.code.as_str(), "", why);
        if self.phase == Phase::Connected {
            self.note_error(err.clone());
            self.lose_transport(Some((1002, why)), Some(err), false, now_ms, false);
        } else if self.has_transport() {
            self.fail_dial(err, Some(1002), now_ms);
        }
    }

    pub(super) fn on_transport_closed(&mut self, opened: bool, code: u16, reason: &str, now_ms: u64) {
        let colon = if reason.is_empty() { "" } else { ": " };
        match self.phase {
            Phase::Dialing | Phase::AwaitInfo | Phase::AwaitPong => {
                let err = if opened {
                    let msg =
                        cat!("connection to ", self.server, " closed during the handshake", colon, reason);
                    NatsError::new(ErrorCode::Disconnect, msg)
                } else {
                    NatsError::new(
                        ErrorCode::ConnectionRefused,
                        cat!("could not connect to ", self.server, colon, reason),
                    )
                };
                self.fail_dial(err, None, now_ms);
            }
            Phase::Connected => {
                let end = SocketEnd { code, reason };
                let explained = explain(&self.server, end, self.server_err.as_ref());
                if let Some(sc) = explained.slow_consumer {
                    self.batch.status_with(status::ERROR, sc.code.as_str(), "", &sc.message);
                }
                self.lose_transport(None, Some(explained.cause), explained.clean, now_ms, false);
            }
            // Events of a socket already abandoned are not expected; ignore them.
            Phase::Idle | Phase::Waiting | Phase::Closed => {}
        }
    }

    pub(super) fn on_timeout(&mut self, now_ms: u64) {
        while let Some(key) = self.timers.pop_due(now_ms) {
            match key {
                TimerKey::Dial => {
                    if self.has_transport() && self.phase != Phase::Connected {
                        let err =
                            NatsError::new(ErrorCode::Timeout, cat!("timeout connecting to ", self.server));
                        self.fail_dial(err, Some(1000), now_ms);
                    }
                }
                TimerKey::Reconnect => {
                    if self.phase == Phase::Waiting {
                        self.dial_current(now_ms);
                    }
                }
                TimerKey::Ping => self.on_ping_timer(now_ms),
                TimerKey::Check => self.on_check_timer(now_ms),
                TimerKey::Sub(sid) => self.on_sub_timeout(sid),
                TimerKey::Request(token) => self.on_request_timeout(token),
                TimerKey::Hook(sid) => self.on_hook_timer(sid, now_ms),
            }
        }
    }

    pub(super) fn cmd_drain(&mut self, now_ms: u64) -> Result<(), NatsError> {
        let _ = now_ms;
        self.check_running()?;
        if self.phase == Phase::Idle {
            self.drain = DrainStage::Flush { ping_sent: true };
            self.batch.drained();
            self.close_with(None);
            return Ok(());
        }
        if self.is_connected() {
            self.drain = DrainStage::Subs;
            for sid in self.subs.sids() {
                if let Some(sub) = self.subs.get_mut(sid)
                    && !sub.draining
                {
                    sub.draining = true;
                    self.out.op(|w| encode::unsubscribe(w, u64::from(sid), None));
                }
            }
            self.send_ping(PingKind::DrainSubs);
        } else {
            // No server holds our subscriptions now; the final flush follows the reconnect.
            self.subs_drained();
        }
        Ok(())
    }

    /// Every subscription of a connection drain is done on the server side: end them, then let
    /// the application process what they queued (its handlers may still respond) before
    /// `drain_continue` blocks publishing (docs/contract.md "Connection drain order").
    pub(super) fn subs_drained(&mut self) {
        self.end_all_subs();
        self.drain = DrainStage::Application;
        self.batch.subs_drained();
    }

    pub(super) fn cmd_drain_continue(&mut self) {
        if self.drain != DrainStage::Application || self.is_closed() {
            return;
        }
        // Disconnected, the PING is refused: the final flush goes out after the reconnect.
        let ping_sent = self.send_ping(PingKind::DrainFlush);
        self.drain = DrainStage::Flush { ping_sent };
    }

    pub(super) fn cmd_reconnect(&mut self, now_ms: u64) -> Result<(), NatsError> {
        self.check_running()?;
        self.batch.status(status::CLIENT_RECONNECT, "", "");
        match self.phase {
            Phase::Idle => self.start(now_ms),
            Phase::Connected => {
                self.lose_transport(Some((1000, "client initiated reconnect")), None, false, now_ms, true);
            }
            Phase::Dialing | Phase::AwaitInfo | Phase::AwaitPong => {
                // Abandon this dial without counting it as the server's failure.
                self.push_close(1000, "client initiated reconnect");
                self.reset_transport_state();
                self.settle_pings_after_loss(now_ms);
                self.phase = Phase::Waiting;
                self.dial_next(now_ms, true);
            }
            Phase::Waiting => {
                self.timers.cancel(TimerKey::Reconnect);
                self.dial_current(now_ms);
            }
            Phase::Closed => {}
        }
        Ok(())
    }

    /// Closes for good: requests and flushes end with CONNECTION_CLOSED, subscriptions end
    /// cleanly, the socket is closed, CLOSED carries `err` ("" = closed by the user).
    /// Bytes not yet taken by the driver are discarded with the socket.
    pub(super) fn close_with(&mut self, err: Option<NatsError>) {
        if self.phase == Phase::Closed {
            return;
        }
        if self.has_transport() {
            let reason = err.as_ref().map(|e| e.message.clone()).unwrap_or_default();
            self.push_close(1000, &reason);
        }
        self.transport_gen += 1;
        self.timers.clear();
        // Nothing is written any more (the UNSUBs of ending requests included).
        self.out.discard_all();
        // Upstream rejects pending mux requests with TIMEOUT here; CONNECTION_CLOSED says why.
        let closed = closed_error();
        self.fail_all_requests(&closed, "");
        // `now_ms` only matters to a handshake PONG, which a close never is.
        self.settle_all_pings(PingEnd::Closed, 0);
        self.fail_deferred_flushes(&closed);
        self.end_all_subs();
        self.pool.clear();
        self.inbuf.clear();
        self.phase = Phase::Closed;
        self.batch.closed(err.as_ref());
    }
}

//! Inbound side: the input buffer and parse loop (ops span and share WebSocket frames), and the
//! dispatch of each op once connected: MSG to a user subscription or a request (the mux or an own
//! inbox), PING/PONG, INFO, and `-ERR` with its routing (docs/contract.md "Permission errors
//! routing", "-ERR mapping"). What stays buffered between frames is one partial op, bounded by
//! the control-line limit plus the INFO's `max_payload`: the parser refuses a larger MSG at its
//! control line, before its payload arrives.
//!
//! Must not: panic or loop on any input (a parse error is a protocol error, then a reconnect),
//! or keep parsing bytes of a transport that an op just abandoned.

use super::connection::{Connection, Phase};
use super::errors::{PermOp, PermissionContext, classify};
use super::records::{Delivery, status};
use crate::error::{ErrorCode, NatsError};
use crate::proto::{self, Headers, ServerOp, encode};

impl Connection {
    pub(super) fn on_bytes(&mut self, bytes: &[u8], now_ms: u64) {
        if !matches!(self.phase, Phase::AwaitInfo | Phase::AwaitPong | Phase::Connected) {
            return;
        }
        self.inbuf.extend_from_slice(bytes);
        #[cfg(test)]
        {
            self.inbuf_peak = self.inbuf_peak.max(self.inbuf.len());
        }
        // Parse from a taken buffer: ops borrow it while handlers need `&mut self`.
        let mut buf = std::mem::take(&mut self.inbuf);
        let generation = self.transport_gen;
        let mut pos = 0;
        loop {
            match proto::parse(&buf[pos..], &self.limits) {
                Ok(Some((op, used))) => {
                    if used == 0 || used > buf.len() - pos {
                        return self.protocol_error("parser made no progress", now_ms);
                    }
                    pos += used;
                    self.on_op(op, now_ms);
                    if self.transport_gen != generation {
                        return; // the transport is gone: its remaining bytes mean nothing
                    }
                }
                Ok(None) => break,
                Err(e) => return self.protocol_error(e.as_str(), now_ms),
            }
        }
        buf.drain(..pos);
        self.inbuf = buf;
    }

    fn on_op(&mut self, op: ServerOp<'_>, now_ms: u64) {
        if self.phase != Phase::Connected {
            return self.handshake_op(op, now_ms);
        }
        match op {
            ServerOp::Msg { subject, sid, reply, headers, payload } => {
                let status = headers.map_or(0, |h| u32::from(Headers::status_code(h)));
                let m = Delivery { subject, reply, headers, payload, status };
                // Our sids are u32; anything larger is not ours and is dropped.
                let Ok(sid) = u32::try_from(sid) else { return };
                if self.reqs.mux_sid() == Some(sid) {
                    self.on_mux_reply(&m, now_ms);
                } else if let Some(token) = self.reqs.token_for_sid(sid) {
                    self.on_reply(token, &m, now_ms);
                } else {
                    self.deliver(sid, &m, now_ms);
                }
            }
            ServerOp::Ping => {
                self.out.op(encode::pong);
            }
            ServerOp::Pong => self.on_pong(now_ms),
            ServerOp::Ok => {}
            ServerOp::Info(json) => {
                if let Err(e) = self.apply_info(json) {
                    self.protocol_error(&e.message, now_ms);
                }
            }
            ServerOp::Err(text) => self.on_server_error(text, now_ms),
        }
    }

    /// `-ERR`: permission errors are routed and keep the connection; others become the last
    /// error, fail a dial in progress, and auth / stale errors drop the connection.
    pub(super) fn on_server_error(&mut self, text: &[u8], now_ms: u64) {
        let text = String::from_utf8_lossy(text);
        let classified = classify(&text);
        let err = classified.error;
        if err.code == ErrorCode::PermissionsViolation {
            let context = classified.permission.as_ref().map(PermissionContext::to_json).unwrap_or_default();
            if let Some(p) = &classified.permission {
                self.route_permission(p, &err, &context);
            }
            self.batch.status_with(status::ERROR, err.code.as_str(), &context, &err.message);
            return;
        }
        self.batch.status_with(status::ERROR, err.code.as_str(), "", &err.message);
        self.server_err = Some(err.clone());
        match self.phase {
            Phase::AwaitInfo | Phase::AwaitPong | Phase::Dialing => self.fail_dial(err, Some(1000), now_ms),
            Phase::Connected if err.code.is_auth_error() || classified.stale => {
                let reason = err.message.clone();
                self.note_error(err.clone());
                self.lose_transport(Some((1000, &reason)), Some(err), false, now_ms, false);
            }
            // The server usually closes the socket next, which starts the reconnect.
            _ => self.note_error(err),
        }
    }

    /// Ends what a permission error refers to (docs/contract.md "Permission errors routing"):
    /// a subscription (the mux's, an own inbox's or a user's), or every request published there.
    fn route_permission(&mut self, p: &PermissionContext, err: &NatsError, context: &str) {
        match p.operation {
            PermOp::Subscription => {
                let user = self.subs.find(&p.subject, p.queue.as_deref());
                if !self.deny_request_subscription(p, user, err, context)
                    && let Some(sid) = user
                {
                    self.end_sub(sid, Some(err), context);
                }
            }
            PermOp::Publish => self.deny_request_publish(&p.subject, err, context),
        }
    }
}

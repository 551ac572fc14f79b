//! Inbound side: the input buffer and parse loop (ops span and share WebSocket frames), and the
//! dispatch of each op once connected: MSG to a user subscription or a request (the mux or an own
//! inbox), PING/PONG, INFO, and `-ERR` with its routing (docs/contract.md "Permission errors
//! routing", "-ERR mapping"). What stays buffered between frames is one partial op, bounded by
//! the control-line limit plus the INFO's `max_payload`: the parser refuses a larger MSG at its
//! control line, before its payload arrives.
//!
//! Must not: panic or loop on any input (a parse error is a protocol error, then a reconnect),
//! or keep parsing bytes of a transport that an op just abandoned.

use super::batch::FrameBody;
use super::connection::{Connection, Phase};
use super::errors::{PermOp, PermissionContext, classify};
use super::records::{Delivery, status};
use crate::error::{ErrorCode, NatsError};
use crate::proto::{self, Headers, ServerOp, encode};

/// Bytes of a frame copied into the input buffer and parsed at a time. nats-server writes a
/// backlog as one WebSocket frame of up to tens of MB (20 MB measured while 100 MB of 1 KiB
/// messages flowed); copied whole, the frame would grow wasm memory, which never shrinks, by that
/// much. In chunks the buffer holds one chunk plus the op carried over (bounded by `max_payload`).
const FRAME_CHUNK_BYTES: usize = 64 * 1024;

/// Where the frame being parsed sits in the input buffer while its ops are handled: a message
/// whose body lies inside the frame can leave that body there (`Batch::push_message`).
#[derive(Clone, Copy)]
pub(super) struct FrameWindow {
    /// Address of the input buffer's first byte.
    buf_start: usize,
    /// Index in the input buffer of the frame's first byte: negative once parsed bytes of the
    /// frame's earlier chunks were dropped from the buffer's front.
    frame_at: isize,
    /// Bytes of the frame copied in so far.
    received: usize,
    number: u64,
}

impl FrameWindow {
    /// Where the `len` bytes of the input buffer that begin at `start` are in the frame, if they
    /// lie wholly inside it (the end of an op carried over from an earlier frame does not).
    fn locate(&self, start: *const u8, len: usize) -> Option<FrameBody> {
        let index = (start as usize).checked_sub(self.buf_start)?;
        let at = usize::try_from(index as isize - self.frame_at).ok()?;
        (at + len <= self.received).then_some(FrameBody { frame: self.number, at: at as u32 })
    }
}

impl Connection {
    /// One frame of `len` bytes, copied by `fill(from, dst)` (frame bytes `from..from + dst.len()`)
    /// chunk by chunk behind what is left of the previous one, each chunk parsed before the next.
    /// `referable`: the driver keeps this frame unchanged for the host while its records live, so
    /// bodies may stay there (when `keep_bodies_in_frames` was asked for).
    pub(super) fn on_frame(
        &mut self,
        len: usize,
        fill: &mut dyn FnMut(usize, &mut [u8]),
        referable: bool,
        now_ms: u64,
    ) {
        self.frame_number += 1;
        let mut frame_at = self.inbuf.len() as isize;
        let mut from = 0;
        while from < len {
            if !matches!(self.phase, Phase::AwaitInfo | Phase::AwaitPong | Phase::Connected) {
                return;
            }
            let n = (len - from).min(FRAME_CHUNK_BYTES);
            self.inbuf.append(n, |dst| fill(from, dst));
            from += n;
            #[cfg(test)]
            {
                self.inbuf_peak = self.inbuf_peak.max(self.inbuf.len());
            }
            // Parse from a taken buffer: ops borrow it while handlers need `&mut self`.
            let mut buf = std::mem::take(&mut self.inbuf);
            self.frame_window = (referable && self.frame_bodies).then_some(FrameWindow {
                buf_start: buf.data().as_ptr() as usize,
                frame_at,
                received: from,
                number: self.frame_number,
            });
            let parsed = self.parse_ops(buf.data(), now_ms);
            self.frame_window = None;
            let Some(pos) = parsed else {
                buf.clear();
                self.inbuf = buf; // its storage serves the next transport
                return;
            };
            buf.consume(pos);
            self.inbuf = buf;
            frame_at -= pos as isize;
        }
    }

    /// Handles every whole op in `buf`: how many bytes they took, or `None` when the transport
    /// was abandoned meanwhile (a protocol error, or an op that closed it) and `buf` means nothing.
    fn parse_ops(&mut self, buf: &[u8], now_ms: u64) -> Option<usize> {
        let generation = self.transport_gen;
        let mut pos = 0;
        loop {
            match proto::parse(&buf[pos..], &self.limits) {
                Ok(Some((op, used))) => {
                    if used == 0 || used > buf.len() - pos {
                        self.protocol_error("parser made no progress", now_ms);
                        return None;
                    }
                    pos += used;
                    self.on_op(op, now_ms);
                    if self.transport_gen != generation {
                        return None; // the transport is gone: its remaining bytes mean nothing
                    }
                }
                Ok(None) => return Some(pos),
                Err(e) => {
                    self.protocol_error(e.as_str(), now_ms);
                    return None;
                }
            }
        }
    }

    fn on_op(&mut self, op: ServerOp<'_>, now_ms: u64) {
        if self.phase != Phase::Connected {
            return self.handshake_op(op, now_ms);
        }
        match op {
            ServerOp::Msg { subject, sid, reply, headers, payload } => {
                let status = headers.map_or(0, |h| u32::from(Headers::status_code(h)));
                // the parser splits one area into the header block and the payload: back to back
                let body_len = headers.map_or(0, <[u8]>::len) + payload.len();
                let body_start = headers.unwrap_or(payload).as_ptr();
                let in_frame = self.frame_window.and_then(|w| w.locate(body_start, body_len));
                let m = Delivery { subject, reply, headers, payload, status, in_frame };
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

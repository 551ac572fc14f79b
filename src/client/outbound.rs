//! Outbound side: the one write path for wire bytes. [`Outbound`] holds the bytes for the current
//! socket (`transmit()`), the publishes held while there is no connected socket (bounded by
//! `Options::reconnect_buffer_size`) and the flushes asked for meanwhile; and the publish / flush
//! commands (docs/contract.md "Publish").
//!
//! "Nothing is written before the handshake" is enforced here: [`Outbound::op`] writes only while
//! the socket is open (`open` is set by the handshake's PONG and cleared with the socket) and
//! otherwise refuses, so that the caller keeps the op in its own state (subscriptions, requests,
//! flushes) and replays it after the reconnect; publishes go to the held buffer instead.
//! [`Outbound::handshake`] is the one exception: CONNECT + PING (and the PONG answering a server
//! PING) during the handshake.
//!
//! Must not: drop a publish silently (every refused publish is an `Err`), or keep bytes of a
//! socket that is gone.

use super::connection::Connection;
use super::guards::{check_subject, closed_error};
use super::pings::PingKind;
use crate::error::{ErrorCode, NatsError};
use crate::proto::encode;
use crate::text::cat;

/// The header block written for an empty header set (docs/contract.md "Publish"): a valid
/// `NATS/1.0` block instead of upstream's `HPUB` with `hdr_len` 0.
pub(super) const EMPTY_HEADERS: &[u8] = b"NATS/1.0\r\n\r\n";

#[derive(Debug, Default)]
pub(super) struct Outbound {
    /// Bytes for the current socket; `transmit()` returns them.
    wire: Vec<u8>,
    /// The handshake of the current socket has completed: ops may be written.
    open: bool,
    /// Encoded publishes kept while not connected, sent after the resubscribe.
    held: Vec<u8>,
    /// Flush ids requested while not connected: their PINGs go out after the held publishes.
    pub(super) deferred_flushes: Vec<u32>,
    /// `wire` holds a request, whose reply will acknowledge the frame (`pings.rs` `nudge`).
    pub(super) awaits_reply: bool,
}

impl Outbound {
    /// Writes one op if the socket's handshake has completed; `false` (nothing written) otherwise.
    pub(super) fn op(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> bool {
        if self.open {
            write(&mut self.wire);
        }
        self.open
    }

    /// The handshake's own bytes, written before the socket is open: CONNECT + PING, or a PONG.
    pub(super) fn handshake(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        write(&mut self.wire);
    }

    /// The handshake completed: ops may be written from now on.
    pub(super) fn open(&mut self) {
        self.open = true;
    }

    /// Appends the publishes held while disconnected (after the resubscribe).
    pub(super) fn release_held(&mut self) {
        let held = std::mem::take(&mut self.held);
        self.wire.extend_from_slice(&held);
    }

    /// The socket is gone: its unsent bytes mean nothing; ops are refused until the next
    /// handshake. Held publishes stay for the next socket.
    pub(super) fn socket_gone(&mut self) {
        self.open = false;
        self.consume();
    }

    /// Closed for good: nothing will be sent any more.
    pub(super) fn discard_all(&mut self) {
        self.socket_gone();
        self.held.clear();
    }

    pub(super) fn wire(&self) -> &[u8] {
        &self.wire
    }

    pub(super) fn consume(&mut self) {
        self.wire.clear();
        self.awaits_reply = false;
    }

    /// Encodes a publish onto the wire, or into the held buffer while not open, refusing it
    /// when that buffer would exceed `limit` bytes.
    fn publish(
        &mut self,
        limit: usize,
        subject: &str,
        reply: Option<&str>,
        headers: Option<&[u8]>,
        payload: &[u8],
    ) -> Result<(), NatsError> {
        if self.open {
            encode::publish(&mut self.wire, subject, reply, headers, payload);
            return Ok(());
        }
        let mark = self.held.len();
        encode::publish(&mut self.held, subject, reply, headers, payload);
        if self.held.len() > limit {
            self.held.truncate(mark);
            return Err(NatsError::new(
                ErrorCode::Disconnect,
                cat!(
                    "not connected and the reconnect buffer is full (",
                    limit,
                    " bytes): the message was not sent"
                ),
            ));
        }
        Ok(())
    }
}

impl Connection {
    pub(super) fn cmd_publish(
        &mut self,
        subject: &str,
        reply: Option<&str>,
        headers: Option<&[u8]>,
        payload: &[u8],
    ) -> Result<(), NatsError> {
        self.check_can_publish()?;
        check_subject("subject", subject)?;
        if let Some(r) = reply {
            check_subject("reply subject", r)?;
        }
        self.check_payload(headers, payload)?;
        self.write_publish(subject, reply, headers, payload)
    }

    /// Writes a checked publish (see [`Outbound::publish`]) and counts it.
    pub(super) fn write_publish(
        &mut self,
        subject: &str,
        reply: Option<&str>,
        headers: Option<&[u8]>,
        payload: &[u8],
    ) -> Result<(), NatsError> {
        let headers = headers.map(|h| if h.is_empty() { EMPTY_HEADERS } else { h });
        self.out.publish(self.opts.reconnect_buffer_size, subject, reply, headers, payload)?;
        self.stats.out_msgs += 1;
        self.stats.out_bytes += (headers.map_or(0, <[u8]>::len) + payload.len()) as u64;
        Ok(())
    }

    pub(super) fn cmd_flush(&mut self) -> Result<u32, NatsError> {
        if self.is_closed() {
            return Err(closed_error());
        }
        self.next_flush_id = self.next_flush_id.wrapping_add(1).max(1);
        let id = self.next_flush_id;
        if !self.send_ping(PingKind::Flush(id)) {
            // Settled after the reconnect, once everything held has reached the server.
            self.out.deferred_flushes.push(id);
        }
        Ok(id)
    }

    /// Ends every flush waiting for a reconnect with `err`.
    pub(super) fn fail_deferred_flushes(&mut self, err: &NatsError) {
        for id in std::mem::take(&mut self.out.deferred_flushes) {
            self.batch.flush_end(id, Some(err));
        }
    }
}

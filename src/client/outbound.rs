//! Outbound side: the bytes for the current socket (`wire`), the publishes held while there is
//! no connected socket (`held`, bounded by `Options::reconnect_buffer_size`), the FIFO of PINGs
//! awaiting their PONG, and the publish / flush commands with their checks (api-contract §2
//! "Publish").
//!
//! Must not: write to `wire` before the handshake completed (except CONNECT + PING, written by
//! the handshake), or drop a publish silently: every refused publish is an `Err`.

use std::collections::VecDeque;

use super::connection::{Connection, DrainStage, Phase};
use crate::error::{ErrorCode, NatsError};
use crate::proto::encode;

/// The header block written for an empty header set: api-contract asks a port to send a valid
/// `NATS/1.0` block instead of upstream's `HPUB` with `hdr_len` 0.
pub(super) const EMPTY_HEADERS: &[u8] = b"NATS/1.0\r\n\r\n";

/// What a PONG answers. The server answers PINGs in order, so a FIFO pairs them.
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
}

#[derive(Debug, Default)]
pub(super) struct Outbound {
    /// Bytes for the current socket; `transmit()` returns them.
    pub(super) wire: Vec<u8>,
    /// Encoded publishes kept while not connected, sent after the resubscribe.
    pub(super) held: Vec<u8>,
    /// PINGs in flight on the current socket, oldest first.
    pub(super) pings: VecDeque<PingKind>,
    /// Flush ids requested while not connected: their PINGs go out after the held publishes.
    pub(super) deferred_flushes: Vec<u32>,
}

/// Subjects, reply subjects and queue names: non-empty, no whitespace (a space would split the
/// protocol line, CR/LF would end it). Tokens are not validated further (the server does, with
/// `pedantic`).
pub(super) fn check_subject(what: &str, s: &str) -> Result<(), NatsError> {
    // ASCII whitespace would split the protocol line (and CR/LF would inject ops); nothing else
    // is checked, as in nats.deno: the server validates tokens when `pedantic` is set.
    if s.is_empty() || s.bytes().any(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
        return Err(NatsError::new(ErrorCode::BadSubject, format!("invalid {what} '{s}'")));
    }
    Ok(())
}

impl Connection {
    /// Subscribe, request, drain and reconnect are refused once the connection is closed
    /// (`CONNECTION_CLOSED`) or draining (`CONNECTION_DRAINING`).
    pub(super) fn check_running(&self) -> Result<(), NatsError> {
        if self.is_closed() {
            return Err(closed_error());
        }
        if self.is_draining() {
            return Err(draining_error());
        }
        Ok(())
    }

    pub(super) fn cmd_publish(
        &mut self,
        subject: &str,
        reply: Option<&str>,
        headers: Option<&[u8]>,
        payload: &[u8],
    ) -> Result<(), NatsError> {
        if self.phase == Phase::Closed {
            return Err(closed_error());
        }
        if matches!(self.drain, DrainStage::Flush { .. }) {
            return Err(NatsError::new(ErrorCode::ConnectionDraining, "connection draining"));
        }
        check_subject("subject", subject)?;
        if let Some(r) = reply {
            check_subject("reply subject", r)?;
        }
        self.check_payload(headers, payload)?;
        self.write_publish(subject, reply, headers, payload)
    }

    /// Header support and `max_payload` against the last INFO (none yet: nothing to check).
    pub(super) fn check_payload(&self, headers: Option<&[u8]>, payload: &[u8]) -> Result<(), NatsError> {
        let Some(info) = &self.info else { return Ok(()) };
        if headers.is_some() && !info.headers {
            return Err(NatsError::new(ErrorCode::ServerOptionNotAvailable, "headers"));
        }
        let header_len = headers.map_or(0, |h| if h.is_empty() { EMPTY_HEADERS.len() } else { h.len() });
        let size = header_len as u64 + payload.len() as u64;
        if info.max_payload > 0 && size > info.max_payload {
            return Err(NatsError::new(
                ErrorCode::MaxPayloadExceeded,
                format!("message of {size} bytes exceeds the server's max_payload of {}", info.max_payload),
            ));
        }
        Ok(())
    }

    /// Encodes a checked publish onto the wire, or into the held buffer while not connected.
    pub(super) fn write_publish(
        &mut self,
        subject: &str,
        reply: Option<&str>,
        headers: Option<&[u8]>,
        payload: &[u8],
    ) -> Result<(), NatsError> {
        let headers = headers.map(|h| if h.is_empty() { EMPTY_HEADERS } else { h });
        if self.is_connected() {
            encode::publish(&mut self.out.wire, subject, reply, headers, payload);
        } else {
            let mark = self.out.held.len();
            encode::publish(&mut self.out.held, subject, reply, headers, payload);
            if self.out.held.len() > self.opts.reconnect_buffer_size {
                self.out.held.truncate(mark);
                return Err(NatsError::new(
                    ErrorCode::Disconnect,
                    format!(
                        "not connected and the reconnect buffer is full ({} bytes): the message was not sent",
                        self.opts.reconnect_buffer_size
                    ),
                ));
            }
        }
        self.stats.out_msgs += 1;
        self.stats.out_bytes += (headers.map_or(0, <[u8]>::len) + payload.len()) as u64;
        Ok(())
    }

    /// Writes a PING and remembers what its PONG settles.
    pub(super) fn send_ping(&mut self, kind: PingKind) {
        encode::ping(&mut self.out.wire);
        self.out.pings.push_back(kind);
    }

    pub(super) fn cmd_flush(&mut self) -> Result<u32, NatsError> {
        if self.phase == Phase::Closed {
            return Err(closed_error());
        }
        self.next_flush_id = self.next_flush_id.wrapping_add(1).max(1);
        let id = self.next_flush_id;
        if self.is_connected() {
            self.send_ping(PingKind::Flush(id));
        } else {
            // Settled after the reconnect, once everything held has reached the server.
            self.out.deferred_flushes.push(id);
        }
        Ok(id)
    }

    /// Ends every flush waiting on a PONG or a reconnect with `err`.
    pub(super) fn fail_deferred_flushes(&mut self, err: &NatsError) {
        for id in std::mem::take(&mut self.out.deferred_flushes) {
            self.batch.flush_end(id, Some(err));
        }
    }
}

pub(super) fn closed_error() -> NatsError {
    NatsError::new(ErrorCode::ConnectionClosed, "connection closed")
}

pub(super) fn draining_error() -> NatsError {
    NatsError::new(ErrorCode::ConnectionDraining, "connection draining")
}

//! Command guards: the checks an application command passes before it changes anything (the
//! connection's state, subject syntax, header support and `max_payload`), and the errors they
//! return (docs/contract.md "Publish", "Subscribe / unsubscribe", "Request/reply").
//!
//! Must not: change any state or write anything; a guard only answers `Ok` or the documented
//! `Err`.

use super::connection::{Connection, DrainStage};
use super::outbound::EMPTY_HEADERS;
use crate::error::{ErrorCode, NatsError};
use crate::text::cat;

/// Subjects, reply subjects and queue names: non-empty, no whitespace. Tokens are not validated
/// further, as in nats.deno: the server validates them when `pedantic` is set.
pub(super) fn check_subject(what: &str, s: &str) -> Result<(), NatsError> {
    // ASCII whitespace would split the protocol line, and CR/LF would end it (injecting ops).
    if s.is_empty() || s.bytes().any(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
        return Err(NatsError::new(ErrorCode::BadSubject, cat!("invalid ", what, " '", s, "'")));
    }
    Ok(())
}

pub(super) fn closed_error() -> NatsError {
    NatsError::new(ErrorCode::ConnectionClosed, "connection closed")
}

pub(super) fn draining_error() -> NatsError {
    NatsError::new(ErrorCode::ConnectionDraining, "connection draining")
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

    /// Publishing is refused once closed, and during a drain only from its final flush on
    /// (handlers may still respond to what they were given before that).
    pub(super) fn check_can_publish(&self) -> Result<(), NatsError> {
        if self.is_closed() {
            return Err(closed_error());
        }
        if matches!(self.drain, DrainStage::Flush { .. }) {
            return Err(draining_error());
        }
        Ok(())
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
                cat!("message of ", size, " bytes exceeds the server's max_payload of ", info.max_payload),
            ));
        }
        Ok(())
    }
}

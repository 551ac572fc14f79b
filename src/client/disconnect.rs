//! Why a connected transport ended, in words a user can act on: the driver reports the socket's
//! close code and reason (or, when the close carried none, the runtime's error text, such as
//! Deno's "Frame too large" or "Unexpected EOF"), the engine remembers any `-ERR` the server sent
//! on that socket, and [`explain`] turns the three into the error carried by the `disconnect`
//! status (and, for a refused oversized frame, a `SLOW_CONSUMER` error status first).
//!
//! Background (docs/websocket.md "Large backlogs"): nats-server sends everything queued for a
//! non-browser WebSocket client as one frame; Deno refuses frames of 64 MiB or more ("Frame too
//! large"), and past `max_pending` (64 MiB by default) the server drops the client with neither a
//! close frame nor `-ERR`, which the client sees exactly like a killed server.
//!
//! Must not: decide what happens next (reconnect or close is `lifecycle.rs`'s), or claim a cause
//! it cannot know: a silent end names every likely cause.

use crate::error::{ErrorCode, NatsError};
use crate::text::cat;

/// WebSocket close codes that mean "no close frame was received" (1005 no status, 1006
/// abnormal closure); Deno reports 0 after a read error.
const NO_CLOSE_FRAME: [u16; 3] = [0, 1005, 1006];

/// How the socket of the current server ended, as the driver saw it.
#[derive(Debug, Clone, Copy)]
pub(super) struct SocketEnd<'a> {
    /// The close code (0, 1005 or 1006 when no close frame arrived).
    pub(super) code: u16,
    /// The close reason, or the runtime's error text when the close carried none.
    pub(super) reason: &'a str,
}

/// Close codes of a server that ended the connection on purpose and without error: 1000 normal
/// closure, 1001 going away (nats-server's code when it shuts down).
const CLEAN_CLOSE: [u16; 2] = [1000, 1001];

/// What the engine reports for a lost connection: an optional `SLOW_CONSUMER` error to emit
/// before the `disconnect`, the cause carried by the `disconnect` itself, and whether the end was
/// clean (a clean close frame, or an end of stream without any error text, and no `-ERR`): a
/// connection that does not reconnect then closes without an error, as nats.deno's `closed()`
/// resolves `undefined`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Explained {
    pub(super) slow_consumer: Option<NatsError>,
    pub(super) cause: NatsError,
    pub(super) clean: bool,
}

/// Explains the end of the connection to `server`. `server_err` is the last `-ERR` the server
/// sent on this socket (other than permission errors, which keep the connection).
pub(super) fn explain(server: &str, end: SocketEnd<'_>, server_err: Option<&NatsError>) -> Explained {
    if end.reason.to_ascii_lowercase().contains("frame too large") {
        let msg = cat!(
            "connection to ",
            server,
            " lost: the runtime refused a WebSocket frame of 64 MiB or more (\"",
            end.reason,
            "\"). nats-server sends everything queued for a client as one frame, so this \
             client fell over 64 MiB behind: it did not read the socket for a while (a blocked \
             event loop or a slow synchronous callback) and the server's max_pending is above \
             64 MiB. Messages queued for it on the server were lost",
        );
        let err = NatsError::new(ErrorCode::SlowConsumer, msg.clone());
        let cause = NatsError::new(ErrorCode::Disconnect, msg);
        return Explained { slow_consumer: Some(err), cause, clean: false };
    }
    let msg = if let Some(e) = server_err {
        cat!("connection to ", server, " closed by the server after -ERR '", e.message, "'")
    } else if !NO_CLOSE_FRAME.contains(&end.code) {
        let space = if end.reason.is_empty() { "" } else { " " };
        cat!("connection to ", server, " closed by the server (", end.code, space, end.reason, ")")
    } else {
        let (open, close) = if end.reason.is_empty() { ("", "") } else { (" (", ")") };
        cat!(
            "connection to ",
            server,
            " ended without a close frame or -ERR",
            open,
            end.reason,
            close,
            ": the server \
             process died or the network dropped, or the server cut this client as a slow \
             consumer (more than its max_pending, 64 MiB by default, was waiting to be sent \
             because this client was not reading: a blocked event loop or a slow synchronous \
             callback)"
        )
    };
    let clean = server_err.is_none()
        && (CLEAN_CLOSE.contains(&end.code) || (NO_CLOSE_FRAME.contains(&end.code) && end.reason.is_empty()));
    Explained { slow_consumer: None, cause: NatsError::new(ErrorCode::Disconnect, msg), clean }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(code: u16, reason: &str) -> SocketEnd<'_> {
        SocketEnd { code, reason }
    }

    #[test]
    fn frame_too_large_is_a_slow_consumer() {
        let e = explain("h:1", end(0, "Frame too large"), None);
        let sc = e.slow_consumer.unwrap();
        assert_eq!(sc.code, ErrorCode::SlowConsumer);
        assert!(sc.message.contains("64 MiB") && sc.message.contains("h:1"), "{}", sc.message);
        assert_eq!(e.cause.code, ErrorCode::Disconnect);
        assert_eq!(e.cause.message, sc.message);
    }

    #[test]
    fn a_silent_end_names_every_likely_cause() {
        for code in [0, 1005, 1006] {
            let e = explain("h:1", end(code, "Unexpected EOF"), None);
            assert_eq!(e.slow_consumer, None);
            let m = &e.cause.message;
            assert!(m.contains("without a close frame or -ERR (Unexpected EOF)"), "{m}");
            assert!(m.contains("slow consumer") && m.contains("died"), "{m}");
        }
        let m = explain("h:1", end(1006, ""), None).cause.message;
        assert!(m.contains("-ERR: the server"), "{m}");
    }

    #[test]
    fn a_close_frame_or_an_err_is_reported_as_such() {
        let m = explain("h:1", end(1001, "Server Shutdown"), None).cause.message;
        assert_eq!(m, "connection to h:1 closed by the server (1001 Server Shutdown)");
        let err = NatsError::new(ErrorCode::ProtocolError, "Maximum Connections Exceeded");
        let m = explain("h:1", end(1006, ""), Some(&err)).cause.message;
        assert_eq!(m, "connection to h:1 closed by the server after -ERR 'Maximum Connections Exceeded'");
    }

    #[test]
    fn only_an_end_without_any_error_is_clean() {
        let err = NatsError::new(ErrorCode::ProtocolError, "x");
        assert!(explain("h:1", end(1000, ""), None).clean);
        assert!(explain("h:1", end(1001, "Server Shutdown"), None).clean);
        assert!(explain("h:1", end(1006, ""), None).clean, "EOF without error text");
        assert!(!explain("h:1", end(1006, "Unexpected EOF"), None).clean);
        assert!(!explain("h:1", end(1000, ""), Some(&err)).clean, "an -ERR came first");
        assert!(!explain("h:1", end(1011, "internal"), None).clean);
        assert!(!explain("h:1", end(0, "Frame too large"), None).clean);
    }
}

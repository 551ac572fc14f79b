//! Writers for each output record kind of `docs/design.md` (field order, error code strings,
//! status type names), so the rest of the engine never spells a record layout by hand.
//!
//! Must not: decide when a record is due; callers do, in the order things happen.

use super::batch::{Batch, FrameBody, kind};
use crate::error::NatsError;

/// STATUS type strings (field 0), as nats.deno names its `Events` / `DebugEvents`.
pub(super) mod status {
    pub(crate) const DISCONNECT: &str = "disconnect";
    pub(crate) const RECONNECT: &str = "reconnect";
    pub(crate) const UPDATE: &str = "update";
    pub(crate) const LDM: &str = "ldm";
    pub(crate) const ERROR: &str = "error";
    pub(crate) const RECONNECTING: &str = "reconnecting";
    pub(crate) const PING_TIMER: &str = "pingTimer";
    pub(crate) const STALE: &str = "staleConnection";
    pub(crate) const CLIENT_RECONNECT: &str = "client initiated reconnect";
}

/// `(code, message)` of an optional error: `("", "")` is a clean end.
fn code_msg(err: Option<&NatsError>) -> (&'static str, &str) {
    match err {
        Some(e) => (e.code.as_str(), e.message.as_str()),
        None => ("", ""),
    }
}

impl Batch {
    pub(super) fn status(&mut self, ty: &str, data: &str, context: &str) {
        self.status_with(ty, data, context, "");
    }

    /// A STATUS whose field 3 says in words what happened (why a connection was lost, the full
    /// text of an error); "" = nothing to add.
    pub(super) fn status_with(&mut self, ty: &str, data: &str, context: &str, detail: &str) {
        let fields = [ty.as_bytes(), data.as_bytes(), context.as_bytes(), detail.as_bytes()];
        self.push(kind::STATUS, 0, fields, 0);
    }

    /// MSG or REPLY: subject, reply, raw header block, payload; `status` = header status code.
    pub(super) fn message(&mut self, kind: u32, id: u32, m: &Delivery<'_>) {
        self.push_message(
            kind,
            id,
            [m.subject, m.reply.unwrap_or(b""), m.headers.unwrap_or(b""), m.payload],
            m.status,
            m.in_frame,
        );
    }

    pub(super) fn sub_end(&mut self, sid: u32, err: Option<&NatsError>, context: &str) {
        let (code, msg) = code_msg(err);
        self.push(kind::SUB_END, sid, [code.as_bytes(), msg.as_bytes(), context.as_bytes(), b""], 0);
    }

    pub(super) fn sub_end_raw(&mut self, sid: u32, code: &str, message: &str) {
        self.push(kind::SUB_END, sid, [code.as_bytes(), message.as_bytes(), b"", b""], 0);
    }

    pub(super) fn req_end(&mut self, token: u32, err: Option<&NatsError>, context: &str) {
        let (code, msg) = code_msg(err);
        self.push(kind::REQ_END, token, [code.as_bytes(), msg.as_bytes(), context.as_bytes(), b""], 0);
    }

    pub(super) fn flush_end(&mut self, id: u32, err: Option<&NatsError>) {
        let (code, msg) = code_msg(err);
        self.push(kind::FLUSH_END, id, [code.as_bytes(), msg.as_bytes(), b"", b""], 0);
    }

    pub(super) fn info(&mut self, json: &[u8]) {
        self.push(kind::INFO, 0, [json, b"", b"", b""], 0);
    }

    pub(super) fn connected(&mut self, host_port: &str, first: bool) {
        self.push(kind::CONNECTED, 0, [host_port.as_bytes(), b"", b"", b""], u32::from(first));
    }

    pub(super) fn closed(&mut self, err: Option<&NatsError>) {
        let (code, msg) = code_msg(err);
        self.push(kind::CLOSED, 0, [code.as_bytes(), msg.as_bytes(), b"", b""], 0);
    }

    pub(super) fn drained(&mut self) {
        self.push(kind::DRAINED, 0, [b"", b"", b"", b""], 0);
    }

    pub(super) fn subs_drained(&mut self) {
        self.push(kind::SUBS_DRAINED, 0, [b"", b"", b"", b""], 0);
    }
}

/// One received MSG/HMSG, borrowed from the input buffer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Delivery<'a> {
    pub(super) subject: &'a [u8],
    pub(super) reply: Option<&'a [u8]>,
    pub(super) headers: Option<&'a [u8]>,
    pub(super) payload: &'a [u8],
    /// Inline status code of the header block, 0 when none.
    pub(super) status: u32,
    /// Where the header block and payload are in the frame, when they may stay there.
    pub(super) in_frame: Option<FrameBody>,
}

impl Delivery<'_> {
    /// Header + payload bytes, as the stats count them.
    pub(super) fn size(&self) -> u64 {
        (self.headers.map_or(0, <[u8]>::len) + self.payload.len()) as u64
    }
}

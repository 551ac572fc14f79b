//! The engine's ordered output: fixed-stride u32 records over one byte arena, so a driver can hand
//! a whole WebSocket frame's worth of messages and events across the wasm boundary in one call.
//! Layout and record kinds are specified in `docs/design.md`; this module only writes and reads
//! them and makes no decisions.
//!
//! A message's header block and payload may instead stay in the transport frame they arrived in
//! (word 8 says where), when the driver keeps that frame unchanged for as long as the records live
//! (`Connection::handle_frame`): the payload then crosses to the host with no copy at all.

/// u32 words per record: kind, id, offset, four field lengths, extra, body.
pub const RECORD_STRIDE: usize = 9;

/// Word 8 of a record whose fields are all in the arena.
pub const BODY_IN_ARENA: u32 = u32::MAX;

/// Record kinds (word 0).
pub mod kind {
    pub const MSG: u32 = 1;
    pub const REPLY: u32 = 2;
    pub const SUB_END: u32 = 3;
    pub const REQ_END: u32 = 4;
    pub const FLUSH_END: u32 = 5;
    pub const STATUS: u32 = 6;
    pub const INFO: u32 = 7;
    pub const CONNECTED: u32 = 8;
    pub const CLOSED: u32 = 9;
    pub const DRAINED: u32 = 10;
    pub const SUBS_DRAINED: u32 = 11;
    /// An event of a subscription hook, in order with the subscription's MSGs (`hooks.rs`).
    pub const SUB_EVENT: u32 = 12;
}

/// Records plus the bytes they point into.
#[derive(Debug, Default, Clone)]
pub struct Batch {
    pub records: Vec<u32>,
    pub arena: Vec<u8>,
    /// The frame (its number from `Connection::frame_number`) that records with a body in a
    /// frame point into. One frame per batch: a message of a later frame is copied instead.
    pub frame: Option<u64>,
}

/// Where a message's header block and payload (back to back) are in its transport frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameBody {
    /// The frame's number (`Connection::frame_number`).
    pub frame: u64,
    /// Offset of the header block (of the payload when there is none) in the frame.
    pub at: u32,
}

/// One record read back, with its four byte fields resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    pub kind: u32,
    pub id: u32,
    /// For a record whose body stayed in the frame, fields 2 and 3 are empty here: see `body`.
    pub fields: [&'a [u8]; 4],
    pub extra: u32,
    /// `Some((at, header length, payload length))` when the header block and payload are in
    /// the batch's frame (`Batch::frame`) at `at`, not in the arena.
    pub body: Option<(u32, u32, u32)>,
}

impl Batch {
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len() / RECORD_STRIDE
    }

    pub fn clear(&mut self) {
        self.records.clear();
        self.arena.clear();
        self.frame = None;
    }

    /// Appends a record whose four fields are copied into the arena back to back.
    /// Field lengths are bounded by the parser's payload limit, far below u32::MAX.
    pub fn push(&mut self, kind: u32, id: u32, fields: [&[u8]; 4], extra: u32) {
        self.push_record(kind, id, fields, 4, extra, BODY_IN_ARENA);
    }

    /// Appends a record with the first `in_arena` of its fields copied into the arena.
    fn push_record(
        &mut self,
        kind: u32,
        id: u32,
        fields: [&[u8]; 4],
        in_arena: usize,
        extra: u32,
        body: u32,
    ) {
        let offset = self.arena.len() as u32;
        for f in &fields[..in_arena] {
            self.arena.extend_from_slice(f);
        }
        let [f0, f1, f2, f3] = fields;
        self.records.extend_from_slice(&[
            kind,
            id,
            offset,
            f0.len() as u32,
            f1.len() as u32,
            f2.len() as u32,
            f3.len() as u32,
            extra,
            body,
        ]);
    }

    /// Appends a MSG or REPLY record. Its header block and payload stay in the frame when `body`
    /// says where they are there and the batch points into no other frame; else they are copied.
    pub fn push_message(
        &mut self,
        kind: u32,
        id: u32,
        fields: [&[u8]; 4],
        extra: u32,
        body: Option<FrameBody>,
    ) {
        match body.filter(|b| self.frame.is_none_or(|f| f == b.frame)) {
            Some(body) => {
                self.frame = Some(body.frame);
                self.push_record(kind, id, fields, 2, extra, body.at);
            }
            None => self.push(kind, id, fields, extra),
        }
    }

    /// Reads record `index` (0-based); `None` past the end.
    pub fn get(&self, index: usize) -> Option<Record<'_>> {
        let r = self.records.get(index * RECORD_STRIDE..(index + 1) * RECORD_STRIDE)?;
        let in_arena = if r[8] == BODY_IN_ARENA { 4 } else { 2 };
        let mut at = r[2] as usize;
        let mut fields: [&[u8]; 4] = [&[]; 4];
        for (i, field) in fields.iter_mut().enumerate().take(in_arena) {
            let len = r[3 + i] as usize;
            *field = self.arena.get(at..at + len)?;
            at += len;
        }
        let body = (in_arena == 2).then_some((r[8], r[5], r[6]));
        Some(Record { kind: r[0], id: r[1], fields, extra: r[7], body })
    }

    /// Iterates over the records in order.
    pub fn iter(&self) -> impl Iterator<Item = Record<'_>> {
        (0..self.len()).filter_map(move |i| self.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_in_order() {
        let mut b = Batch::default();
        b.push(kind::MSG, 7, [b"foo", b"", b"", b"hello"], 0);
        b.push(kind::STATUS, 0, [b"disconnect", b"127.0.0.1:4222", b"", b""], 0);
        assert_eq!(b.len(), 2);
        let r: Vec<_> = b.iter().collect();
        assert_eq!(r[0].kind, kind::MSG);
        assert_eq!(r[0].id, 7);
        assert_eq!(r[0].fields, [&b"foo"[..], b"", b"", b"hello"]);
        assert_eq!(r[1].fields[1], b"127.0.0.1:4222");
        b.clear();
        assert!(b.is_empty());
    }

    #[test]
    fn a_message_body_stays_in_its_frame_and_one_frame_per_batch() {
        let mut b = Batch::default();
        let in_frame = |frame, at| Some(FrameBody { frame, at });
        b.push_message(kind::MSG, 1, [b"a", b"r", b"HDR", b"pay"], 0, in_frame(5, 40));
        // a second frame's message is copied: the batch already points into frame 5
        b.push_message(kind::MSG, 1, [b"b", b"", b"", b"load"], 0, in_frame(6, 0));
        b.push_message(kind::REPLY, 2, [b"c", b"", b"", b"xyz"], 503, in_frame(5, 90));
        assert_eq!(b.frame, Some(5));
        let r: Vec<_> = b.iter().collect();
        assert_eq!(r[0].fields, [&b"a"[..], b"r", b"", b""]);
        assert_eq!(r[0].body, Some((40, 3, 3)));
        assert_eq!(r[1].fields, [&b"b"[..], b"", b"", b"load"]);
        assert_eq!(r[1].body, None);
        assert_eq!((r[2].kind, r[2].extra, r[2].body), (kind::REPLY, 503, Some((90, 0, 3))));
        // only subjects and the copied message are in the arena
        assert_eq!(b.arena, b"arbloadc");
        b.clear();
        assert_eq!(b.frame, None);
        b.push_message(kind::MSG, 1, [b"d", b"", b"", b"e"], 0, in_frame(6, 3));
        assert_eq!(b.frame, Some(6));
    }
}

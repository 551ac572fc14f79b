//! The engine's ordered output: fixed-stride u32 records over one byte arena, so a driver can hand
//! a whole WebSocket frame's worth of messages and events across the wasm boundary in one call.
//! Layout and record kinds are specified in `docs/design.md`; this module only writes and reads
//! them and makes no decisions.

/// u32 words per record: kind, id, offset, four field lengths, extra.
pub const RECORD_STRIDE: usize = 8;

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
}

/// One record read back, with its four byte fields resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    pub kind: u32,
    pub id: u32,
    pub fields: [&'a [u8]; 4],
    pub extra: u32,
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
    }

    /// Appends a record whose four fields are copied into the arena back to back.
    /// Field lengths are bounded by the parser's payload limit, far below u32::MAX.
    pub fn push(&mut self, kind: u32, id: u32, fields: [&[u8]; 4], extra: u32) {
        let offset = self.arena.len() as u32;
        for f in fields {
            self.arena.extend_from_slice(f);
        }
        self.records.extend_from_slice(&[
            kind,
            id,
            offset,
            fields[0].len() as u32,
            fields[1].len() as u32,
            fields[2].len() as u32,
            fields[3].len() as u32,
            extra,
        ]);
    }

    /// Reads record `index` (0-based); `None` past the end.
    pub fn get(&self, index: usize) -> Option<Record<'_>> {
        let r = self.records.get(index * RECORD_STRIDE..(index + 1) * RECORD_STRIDE)?;
        let mut at = r[2] as usize;
        let mut fields: [&[u8]; 4] = [&[]; 4];
        for (i, field) in fields.iter_mut().enumerate() {
            let len = r[3 + i] as usize;
            *field = self.arena.get(at..at + len)?;
            at += len;
        }
        Some(Record { kind: r[0], id: r[1], fields, extra: r[7] })
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
}

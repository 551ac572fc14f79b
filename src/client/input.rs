//! The input buffer: bytes received and not parsed yet (an op can span frames and chunks). Its
//! storage keeps the size it has grown to and it tracks how much of it holds data, so copying a
//! chunk in costs the copy alone, not also zeroing the space first (100 MB of 1 KiB messages
//! zeroed 100 MB more before).
//!
//! Must not: parse, or hold more than the data behind it needs (see `inbound.rs` for the bound).

#[derive(Default)]
pub(super) struct InputBuffer {
    storage: Vec<u8>,
    len: usize,
}

impl InputBuffer {
    /// Bytes held, not parsed yet.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn data(&self) -> &[u8] {
        &self.storage[..self.len]
    }

    /// Drops everything held (the transport it came from is gone); the storage stays.
    pub(super) fn clear(&mut self) {
        self.len = 0;
    }

    /// Appends `n` bytes written by `fill`, growing the storage (zeroed) only past its largest
    /// size so far.
    pub(super) fn append(&mut self, n: usize, fill: impl FnOnce(&mut [u8])) {
        let end = self.len + n;
        if self.storage.len() < end {
            self.storage.resize(end, 0);
        }
        fill(&mut self.storage[self.len..end]);
        self.len = end;
    }

    /// Drops the first `n` bytes (parsed), moving what follows to the front.
    pub(super) fn consume(&mut self, n: usize) {
        let n = n.min(self.len);
        self.storage.copy_within(n..self.len, 0);
        self.len -= n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_consumes_and_reuses_its_storage() {
        let mut b = InputBuffer::default();
        b.append(5, |d| d.copy_from_slice(b"hello"));
        b.consume(2);
        assert_eq!(b.data(), b"llo");
        b.append(2, |d| d.copy_from_slice(b"!!"));
        assert_eq!(b.data(), b"llo!!");
        let storage = b.storage.as_ptr();
        b.clear();
        assert_eq!(b.len(), 0);
        b.append(4, |d| d.copy_from_slice(b"abcd"));
        assert_eq!((b.data(), b.storage.as_ptr()), (&b"abcd"[..], storage), "no new storage");
        b.consume(9);
        assert_eq!(b.len(), 0);
    }
}

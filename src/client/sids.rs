//! The one sid allocator of a connection: user subscriptions, the request mux's wildcard
//! subscription and own-inbox requests all take their sid here, so no two of them ever share one.
//!
//! Must not: hand out 0 (sids start at 1; 0 is skipped when they wrap) or a sid still in use.

use super::connection::Connection;

/// Last sid handed out: sids start at 1 and only increase, wrapping (after 2^32 of them) past
/// those still in use.
#[derive(Debug, Default)]
pub(super) struct Sids {
    last: u32,
}

impl Connection {
    /// A fresh sid not used by a live subscription, the mux or an own-inbox request.
    pub(super) fn alloc_sid(&mut self) -> u32 {
        loop {
            self.sids.last = self.sids.last.wrapping_add(1).max(1);
            let sid = self.sids.last;
            if !self.subs.contains(sid) && !self.reqs.uses_sid(sid) {
                return sid;
            }
        }
    }
}

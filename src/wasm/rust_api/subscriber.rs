//! `Subscriber`: one subscription of the Rust API as a `Stream` of messages over its bounded
//! backlog (`backlog.rs`), which the routes fill.
//!
//! Must not: route records (the routes do) or block.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::error::NatsError;
use crate::wasm::backlog::{SharedBacklog, SubItem};
use crate::wasm::driver::{Driver, Origin, SharedDriver};

/// A subscription as a `Stream` of messages; it ends when unsubscribed, at `max`, or on close.
/// An error (e.g. a permissions violation) is yielded once before the end. A stream that is not
/// polled holds at most 65,536 messages / 64 MiB (nats.go's limits): past them it drops new
/// messages (see `dropped`) and yields one `SLOW_CONSUMER` error in their place, then goes on.
/// Dropping it unsubscribes.
pub struct Subscriber {
    sid: u32,
    queue: SharedBacklog,
    driver: SharedDriver,
}

impl Subscriber {
    pub(super) fn new(sid: u32, queue: SharedBacklog, driver: SharedDriver) -> Subscriber {
        Subscriber { sid, queue, driver }
    }

    pub fn sid(&self) -> u32 {
        self.sid
    }

    /// Messages dropped because the stream was past its pending limits.
    pub fn dropped(&self) -> u64 {
        self.queue.borrow().dropped()
    }

    /// Ends the subscription now; messages already queued are still yielded.
    pub fn unsubscribe(&self) -> Result<(), NatsError> {
        Driver::try_command(&self.driver, |e, _| e.unsubscribe(self.sid, None))
    }

    /// Ends the subscription after `max` messages in total.
    pub fn unsubscribe_after(&self, max: u64) -> Result<(), NatsError> {
        Driver::try_command(&self.driver, |e, _| e.unsubscribe(self.sid, Some(max)))
    }
}

impl Stream for Subscriber {
    type Item = SubItem;
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<SubItem>> {
        self.queue.borrow_mut().poll_next(cx)
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        // Dropping inside a driver callback cannot happen (the sink never runs user code), so
        // the borrow is free; an already-ended subscription just reports an error we ignore.
        let unsubscribed = match self.driver.try_borrow_mut() {
            Ok(mut d) => !d.engine.is_closed() && d.engine.unsubscribe(self.sid, None).is_ok(),
            Err(_) => false,
        };
        if unsubscribed {
            Driver::pump(&self.driver, Origin::Command);
        }
    }
}

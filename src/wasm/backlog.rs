//! The Rust API's per-subscription queue, bounded as nats.go bounds a subscription (65,536
//! messages / 64 MiB of payload): the driver reads every frame as it arrives and hands each
//! message over at once (which keeps the server's queue for this client short), so a `Stream`
//! that is not polled piles messages up here. Past either limit new messages are dropped and
//! counted, and one `SLOW_CONSUMER` error takes their place in the stream per episode (the
//! stream goes on); an episode ends when the backlog is back to half the limits.
//!
//! Must not: block, or drop anything without saying so in the stream.

use std::cell::RefCell;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::rust_api::Message;
use super::sync::Queue;
use crate::error::{ErrorCode, NatsError};

/// Messages a subscriber may hold before it is a slow consumer (nats.go's default).
const PENDING_MSGS: usize = 65_536;
/// Payload bytes a subscriber may hold before it is a slow consumer (nats.go's default).
const PENDING_BYTES: usize = 64 * 1024 * 1024;

pub(crate) type SubItem = Result<Message, NatsError>;

/// A subscription's messages not yet taken by its stream.
pub(crate) struct Backlog {
    queue: Queue<SubItem>,
    /// Payload bytes of the queued messages.
    bytes: usize,
    dropped: u64,
    /// A slow-consumer episode is under way (its error is already queued).
    slow: bool,
}

pub(crate) type SharedBacklog = Rc<RefCell<Backlog>>;

pub(crate) fn backlog() -> SharedBacklog {
    Rc::new(RefCell::new(Backlog { queue: Queue::default(), bytes: 0, dropped: 0, slow: false }))
}

impl Backlog {
    /// Queues a received message, or drops it past the limits.
    pub(crate) fn offer(&mut self, subject: &str, m: Message) {
        let size = m.payload.len();
        if self.queue.len() < PENDING_MSGS && self.bytes + size <= PENDING_BYTES {
            self.bytes += size;
            self.queue.push(Ok(m));
            return;
        }
        self.dropped += 1;
        if !self.slow {
            self.slow = true;
            let msg = format!(
                "slow consumer: the stream of subscription '{subject}' holds {} messages ({} bytes) \
                 not yet polled (limits: {PENDING_MSGS} messages / {PENDING_BYTES} bytes); new \
                 messages are dropped and counted by Subscriber::dropped until it catches up",
                self.queue.len(),
                self.bytes
            );
            self.queue.push(Err(NatsError::new(ErrorCode::SlowConsumer, msg)));
        }
    }

    /// Queues an error without limits (the one that ends a subscription).
    pub(crate) fn push_error(&mut self, e: NatsError) {
        self.queue.push(Err(e));
    }

    pub(crate) fn end(&mut self) {
        self.queue.end();
    }

    /// Messages dropped past the limits so far.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// `Ready(Some)` for the next item, `Ready(None)` once ended and empty.
    pub(crate) fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<SubItem>> {
        let next = self.queue.poll_next(cx);
        if let Poll::Ready(Some(Ok(m))) = &next {
            self.bytes = self.bytes.saturating_sub(m.payload.len());
            if self.slow && self.queue.len() <= PENDING_MSGS / 2 && self.bytes <= PENDING_BYTES / 2 {
                self.slow = false;
            }
        }
        next
    }
}

//! Single-threaded async primitives for the Rust API: a one-shot slot and a queue (unbounded here;
//! `backlog.rs` bounds it for subscriptions), both woken by the driver when it routes a record.
//! wasm32 in a browser or Deno has one thread, so `Rc<RefCell<..>>` is enough; nothing here is
//! `Send`.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

struct SlotState<T> {
    value: Option<T>,
    waker: Option<Waker>,
}

/// The sending half of a one-shot: `set` stores the value and wakes the waiting future.
pub(crate) struct Slot<T>(Rc<RefCell<SlotState<T>>>);

/// The receiving half: resolves to the value once set.
pub(crate) struct SlotFuture<T>(Rc<RefCell<SlotState<T>>>);

pub(crate) fn slot<T>() -> (Slot<T>, SlotFuture<T>) {
    let state = Rc::new(RefCell::new(SlotState { value: None, waker: None }));
    (Slot(state.clone()), SlotFuture(state))
}

impl<T> Slot<T> {
    pub(crate) fn set(&self, value: T) {
        let waker = {
            let mut s = self.0.borrow_mut();
            s.value = Some(value);
            s.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T> Future for SlotFuture<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut s = self.0.borrow_mut();
        match s.value.take() {
            Some(v) => Poll::Ready(v),
            None => {
                s.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// An unbounded FIFO with an end marker, read by one consumer.
pub(crate) struct Queue<T> {
    items: VecDeque<T>,
    ended: bool,
    waker: Option<Waker>,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue { items: VecDeque::new(), ended: false, waker: None }
    }
}

impl<T> Queue<T> {
    pub(crate) fn push(&mut self, item: T) {
        self.items.push_back(item);
        if let Some(w) = self.waker.take() {
            w.wake();
        }
    }

    pub(crate) fn end(&mut self) {
        self.ended = true;
        if let Some(w) = self.waker.take() {
            w.wake();
        }
    }

    /// Items waiting to be taken.
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// `Ready(Some)` for the next item, `Ready(None)` once ended and empty.
    pub(crate) fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        if let Some(item) = self.items.pop_front() {
            return Poll::Ready(Some(item));
        }
        if self.ended {
            return Poll::Ready(None);
        }
        self.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

//! `TurnEnd`: runs a callback as a macrotask right after the current one and its microtasks, by
//! posting to a `MessageChannel` (about 2 µs a hop; a chained `setTimeout(0)` is clamped to
//! ~2 ms in Deno and throttled in background tabs). The driver uses it to send, at the end of the
//! turn, what commands write after the turn's first send: acks written one per iteration of a
//! `for await` loop then leave as one frame instead of one frame each.
//!
//! Must not: keep a Deno program alive once the connection is done (a port with a listener
//! does): `close()` detaches and closes both ports, and dropping it closes them too.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::MessageChannel;

pub(crate) struct TurnEnd {
    /// Made on the first `post`; `None` again after `close`.
    channel: Option<MessageChannel>,
    on_message: Closure<dyn FnMut()>,
    posted: bool,
    closed: bool,
}

impl TurnEnd {
    pub(crate) fn new(callback: Closure<dyn FnMut()>) -> Self {
        TurnEnd { channel: None, on_message: callback, posted: false, closed: false }
    }

    /// Schedules the callback for the end of this turn (once, however often it is asked).
    pub(crate) fn post(&mut self) {
        if self.posted || self.closed {
            return;
        }
        if self.channel.is_none() {
            let Ok(channel) = MessageChannel::new() else { return };
            channel.port1().set_onmessage(Some(self.on_message.as_ref().unchecked_ref()));
            self.channel = Some(channel);
        }
        if let Some(channel) = &self.channel
            && channel.port2().post_message(&JsValue::NULL).is_ok()
        {
            self.posted = true;
        }
    }

    /// The callback is running: a new `post` schedules it again.
    pub(crate) fn ran(&mut self) {
        self.posted = false;
    }

    /// No more turns: detach and close the ports (a pending post is discarded).
    pub(crate) fn close(&mut self) {
        self.closed = true;
        self.posted = false;
        if let Some(channel) = self.channel.take() {
            channel.port1().set_onmessage(None);
            channel.port1().close();
            channel.port2().close();
        }
    }
}

impl Drop for TurnEnd {
    fn drop(&mut self) {
        self.close();
    }
}

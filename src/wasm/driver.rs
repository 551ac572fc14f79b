//! The pump between the sans-IO engine and the host: opens and closes WebSockets as the engine
//! asks, feeds it frames and timer expiries with the current time, sends what it wants sent (one
//! binary frame per pump, or per microtask for application commands so bursts coalesce), keeps
//! one host timer armed at the engine's earliest deadline, and hands output records to a [`Sink`].
//!
//! When records are delivered: those produced by a socket event or a timer at once, at the end of
//! that pump; those produced by an application command (subscribe, request, flush, close...) never
//! inside the command, but from the same microtask that coalesces sends, after the command has
//! returned its id (so a sink can always register the id before its first record arrives), in
//! the engine's order and before anything produced later. Records produced by a command that user
//! code issues from inside a delivery are delivered right after that delivery, never nested.
//! In a browser it also asks the engine to check the connection when the page becomes visible
//! again or the browser comes back online ([`WakeListeners`]).
//!
//! Must not: interpret protocol bytes, keep protocol state, or call user code while the driver is
//! borrowed (user callbacks may call back into the connection).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use super::env::{console_error, now_ms, queue_microtask};
use super::turn::TurnEnd;
use super::wake::WakeListeners;
use crate::client::{Batch, Connection, TransportCmd};
use crate::error::{ErrorCode, NatsError};

/// Outbound bytes at which a command's output is sent at once instead of at the end of the
/// current task: bounds the memory a synchronous publish loop can pile up, while still
/// coalescing small publishes (Deno leaves Nagle on, so many small frames stall 40 ms each).
const SEND_NOW_BYTES: usize = 64 * 1024;

/// Deno writes a WebSocket message of up to this many bytes with one write() and a larger one as
/// two (frame header, then payload), on a socket with Nagle on: the payload then waits for the
/// server's delayed ACK of the header, about 40 ms. A message this size or smaller goes out at
/// once, and the server's replies to it carry the ACK that releases what follows.
const SINGLE_WRITE_BYTES: usize = 1024;

/// Sends between `SINGLE_WRITE_BYTES` and this size are split into `SINGLE_WRITE_BYTES` messages
/// (measured: 100 requests in flight went from ~44 ms to ~1.6 ms p50). Larger ones are bulk
/// transfers that fill whole TCP segments, which Nagle does not hold; splitting those only costs
/// throughput (measured: 1 KiB publishes fell to 0.6x of nats.ws when every send was split).
const CHUNKED_SEND_MAX_BYTES: usize = 16 * 1024;

/// Longest `setTimeout` delay hosts honour, ms (a signed 32-bit count; gloo-timers passes the
/// `u32` it takes on as an `i32`, so a longer delay would also wrap negative there).
const MAX_TIMER_DELAY_MS: u64 = i32::MAX as u64;

/// WebSocket close reasons are limited to 123 bytes of UTF-8 by the WebSocket API.
const MAX_CLOSE_REASON_BYTES: usize = 123;

/// How long the PING of a wake-up connection check may wait for its PONG, ms. Long enough for a
/// network that is still coming back after a wake (Wi-Fi re-association, a slow mobile round
/// trip: the PING waits in the socket and is answered once the link is up), short enough that a
/// dead connection is left within seconds instead of the default 2 × 120 s of keepalive PINGs.
const CHECK_DEADLINE_MS: u64 = 5000;

/// Logs one frame for the `debug` option, as text (payload bytes that are not UTF-8 are replaced).
fn debug_frame(direction: &str, bytes: &[u8]) {
    super::env::console_log(&[direction, " ", &String::from_utf8_lossy(bytes)].concat());
}

/// The error of a command issued from user code that the engine itself is running.
pub(crate) fn busy_error() -> NatsError {
    NatsError::new(
        ErrorCode::ApiError,
        "the connection cannot be used from inside an authenticator or reconnectDelayHandler",
    )
}

/// A command without a result queued by `command_or_defer`.
type DeferredCommand = Box<dyn FnOnce(&mut Connection, u64)>;

thread_local! {
    /// Commands queued while their driver was busy, keyed by the driver's address. wasm32 has one
    /// thread, so this is one queue for the whole module.
    static DEFERRED: RefCell<Vec<(usize, DeferredCommand)>> = const { RefCell::new(Vec::new()) };

    /// Host tasks begun so far, counted by every driver of the module: a socket event, a timer or
    /// a turn's end of any connection starts a new task. A driver that sent in task N knows that
    /// a flush running once the count has moved on is in a later task, without a hop of its own
    /// per send (two connections answering each other in one program paid one per message).
    static HOST_TASK: Cell<u64> = const { Cell::new(0) };
}

/// The current host task's number (see `HOST_TASK`).
fn host_task() -> u64 {
    HOST_TASK.with(Cell::get)
}

/// A socket event, a timer or a turn's end is running: a new host task.
fn begin_host_task() {
    HOST_TASK.with(|t| t.set(t.get().wrapping_add(1)));
}

/// Work a sink wants done once the driver is released (typically one call into JS).
pub(crate) type Deferred = Box<dyn FnOnce()>;

/// Receives the engine's output records.
pub(crate) trait Sink {
    /// Called with the driver borrowed: copy or route what is needed from `batch` (it is cleared
    /// afterwards) and return the work that may call user code. `frame` is the host's copy of the
    /// frame that records with a body in a frame point into (`Batch::frame`), if any do.
    fn take(&mut self, batch: &Batch, frame: Option<Uint8Array>) -> Option<Deferred>;
}

/// The current socket with its event handlers (dropping it detaches them and closes it).
struct Socket {
    ws: WebSocket,
    opened: bool,
    /// Text of the last `error` event (Deno: "Frame too large", "Unexpected EOF"; browsers give
    /// none): it becomes the reason of a close that carries none.
    error: String,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_error: Closure<dyn FnMut(JsValue)>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close();
    }
}

pub(crate) struct Driver {
    pub(crate) engine: Connection,
    sink: Box<dyn Sink>,
    socket: Option<Socket>,
    /// Incremented per dial: events of an abandoned socket carry an old number and are ignored.
    generation: u32,
    /// Host timer (dropping it clears it) and the deadline it was armed for.
    timer: Option<(Timeout, u64)>,
    /// The `on_flush` microtask is queued: it sends what commands left in the outbound buffer and
    /// delivers the records they produced.
    flush_scheduled: bool,
    delivering: bool,
    /// The last frame received, with its number, while the batch points into it
    /// (`Connection::keep_bodies_in_frames`): the sink hands it to the host with the records.
    frame: Option<(u64, Uint8Array)>,
    /// nats.deno's `debug` option: log every frame sent (`>`) and received (`<`).
    pub(crate) debug: bool,
    weak: Weak<RefCell<Driver>>,
    /// Browser visibility / online listeners; dropped (removed) once the connection closes.
    wake: Option<WakeListeners>,
    /// Created once, so scheduling a flush allocates nothing. `None` only while being dropped
    /// with the microtask still queued (see `Drop`).
    on_flush: Option<Closure<dyn FnMut()>>,
    /// The host task (`host_task()`) of the last send: later `on_flush` microtasks of that task
    /// leave their bytes for `turn_end`, which sends them together. A task the driver does not
    /// see begin (a user timer) looks like the last one until some connection's socket event or
    /// timer runs; a flush there waits for the turn's end, a hop later, and its bytes still leave
    /// in one frame (the reply or PONG to the previous send is such an event, so this takes writes
    /// from outside the driver's events less than a round trip apart).
    sent_in_task: Option<u64>,
    turn_end: TurnEnd,
}

pub(crate) type SharedDriver = Rc<RefCell<Driver>>;

/// What a pump runs for, which decides when its output leaves.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// An application command: bytes go out at the end of the current task (unless already large)
    /// and records are delivered from the `on_flush` microtask, after the command has returned.
    Command,
    /// A socket event, a timer or the end of a turn: send and deliver now.
    Host,
    /// The `on_flush` microtask: deliver now; send now only if nothing was sent in this turn yet,
    /// else at the turn's end (so a loop's per-iteration writes share one frame).
    Microtask,
}

impl Driver {
    pub(crate) fn new(engine: Connection, sink: Box<dyn Sink>) -> SharedDriver {
        Rc::new_cyclic(|weak: &Weak<RefCell<Driver>>| {
            let w = weak.clone();
            let on_flush = Closure::<dyn FnMut()>::new(move || {
                if let Some(this) = w.upgrade() {
                    this.borrow_mut().flush_scheduled = false;
                    Driver::pump(&this, Origin::Microtask);
                }
            });
            let w = weak.clone();
            let on_turn_end = Closure::<dyn FnMut()>::new(move || {
                if let Some(this) = w.upgrade() {
                    begin_host_task();
                    this.borrow_mut().turn_end.ran();
                    Driver::pump(&this, Origin::Host);
                }
            });
            let w = weak.clone();
            let wake = WakeListeners::install(move || Driver::wake(&w));
            RefCell::new(Driver {
                engine,
                sink,
                socket: None,
                generation: 0,
                timer: None,
                flush_scheduled: false,
                delivering: false,
                frame: None,
                debug: false,
                weak: weak.clone(),
                wake: Some(wake),
                on_flush: Some(on_flush),
                sent_in_task: None,
                turn_end: TurnEnd::new(on_turn_end),
            })
        })
    }

    /// Runs an engine command with the driver borrowed, then pumps. Output of commands is sent at
    /// the end of the current task unless it is already large, and their records are delivered
    /// from a microtask (see the module header). While the driver is busy (the
    /// command comes from user code the engine is running: an authenticator or a
    /// `reconnectDelayHandler`) it fails with `busy_error` instead of trapping on the borrow.
    pub(crate) fn command<T>(
        this: &SharedDriver,
        f: impl FnOnce(&mut Connection, u64) -> T,
    ) -> Result<T, NatsError> {
        let out = {
            let Ok(mut d) = this.try_borrow_mut() else { return Err(busy_error()) };
            f(&mut d.engine, now_ms())
        };
        Driver::pump(this, Origin::Command);
        Ok(out)
    }

    /// `command` for engine commands that can fail themselves.
    pub(crate) fn try_command<T>(
        this: &SharedDriver,
        f: impl FnOnce(&mut Connection, u64) -> Result<T, NatsError>,
    ) -> Result<T, NatsError> {
        Driver::command(this, f).and_then(|r| r)
    }

    /// Like `command` for commands without a result (close, cancel): while the driver is busy the
    /// command is queued and runs as soon as the current engine call has returned, so that, for
    /// example, a `reconnectDelayHandler` can give up by closing the connection.
    pub(crate) fn command_or_defer(this: &SharedDriver, f: impl FnOnce(&mut Connection, u64) + 'static) {
        if this.try_borrow_mut().is_err() {
            let key = Rc::as_ptr(this) as usize;
            DEFERRED.with(|q| q.borrow_mut().push((key, Box::new(f))));
            return;
        }
        let _ = Driver::command(this, f);
    }

    /// Runs the commands `command_or_defer` queued for this driver.
    fn run_deferred(this: &SharedDriver) {
        let key = Rc::as_ptr(this) as usize;
        loop {
            let next = DEFERRED.with(|q| {
                let mut q = q.borrow_mut();
                q.iter().position(|(k, _)| *k == key).map(|i| q.remove(i).1)
            });
            let Some(f) = next else { return };
            let Ok(mut d) = this.try_borrow_mut() else { return };
            f(&mut d.engine, now_ms());
        }
    }

    /// The publish fast path: a publish only appends to the outbound buffer (it never dials,
    /// arms a timer or emits a record), so only the send decision of `pump` is needed.
    pub(crate) fn publish(this: &SharedDriver, subject: &str, payload: &[u8]) -> Result<(), NatsError> {
        let Ok(mut d) = this.try_borrow_mut() else { return Err(busy_error()) };
        d.engine.publish(subject, None, None, payload)?;
        let pending = d.engine.transmit().len();
        if pending >= SEND_NOW_BYTES {
            d.send();
        } else if pending > 0 {
            d.queue_flush();
        }
        Ok(())
    }

    /// The page became visible or the browser came back online: check the connection now. The
    /// pump runs from a microtask, outside the listener, so that a close it leads to can remove
    /// the listener that is running.
    fn wake(weak: &Weak<RefCell<Driver>>) {
        let Some(this) = weak.upgrade() else { return };
        // Busy means an event dispatched synchronously from user code inside a delivery: skip.
        let Ok(mut d) = this.try_borrow_mut() else { return };
        if d.engine.check_connection(now_ms(), CHECK_DEADLINE_MS) {
            d.queue_flush();
        }
    }

    /// Queues the `on_flush` microtask unless it is already queued.
    fn queue_flush(&mut self) {
        if self.flush_scheduled {
            return;
        }
        if let Some(f) = &self.on_flush {
            self.flush_scheduled = true;
            queue_microtask(f.as_ref().unchecked_ref());
        }
    }

    /// Drains the engine's outputs in the order of the calling contract (docs/design.md), then
    /// hands records to the sink with the driver released, repeating while user code produced more.
    /// For a command the records stay in the engine's batch (later ones are appended behind them)
    /// and the `on_flush` microtask delivers them.
    pub(crate) fn pump(this: &SharedDriver, origin: Origin) {
        loop {
            Driver::run_deferred(this);
            let deferred = {
                let mut d = this.borrow_mut();
                d.run_transport_cmds();
                if d.wake.is_some() && d.engine.is_closed() {
                    d.wake = None;
                    d.turn_end.close();
                }
                let pending = d.engine.transmit().len();
                let has_records = !d.engine.batch().is_empty();
                // A host pump with records to deliver sends after delivering them (this loop comes
                // back once they are handled): what the handlers write in reply (a JetStream pull
                // right after its SUB, acks) leaves in the same frame. Two small writes in a row
                // would make the second wait out the server's delayed ACK (~40 ms: Deno's
                // WebSocket leaves Nagle on).
                let host = origin != Origin::Command;
                let delivers_first = host && has_records && !d.delivering;
                if pending > 0 && ((host && !delivers_first) || pending >= SEND_NOW_BYTES) {
                    d.send_in_turn(origin);
                }
                // a command's unsent bytes and undelivered records wait for the microtask (records
                // of a command issued from inside a delivery are taken by that delivery's loop)
                if origin == Origin::Command
                    && (!d.engine.transmit().is_empty() || (has_records && !d.delivering))
                {
                    d.queue_flush();
                }
                d.rearm_timer();
                if d.delivering || !has_records || origin == Origin::Command {
                    None
                } else {
                    let d = &mut *d;
                    let frame = d.frame.take().filter(|(n, _)| d.engine.batch().frame == Some(*n));
                    let work = d.sink.take(d.engine.batch(), frame.map(|(_, f)| f));
                    d.engine.clear_batch();
                    if work.is_some() {
                        d.delivering = true;
                    } else if !d.engine.transmit().is_empty() {
                        d.send_in_turn(origin); // nothing to run after all: what was held goes now
                    }
                    work
                }
            };
            match deferred {
                Some(work) => {
                    work();
                    this.borrow_mut().delivering = false;
                }
                None => return,
            }
        }
    }

    /// Sends now, unless a microtask flush comes after another send of this task: then the bytes
    /// wait for the turn's end (one frame for, say, a loop's acks; each small frame costs a
    /// syscall here and a frame decode on the server).
    fn send_in_turn(&mut self, origin: Origin) {
        if origin == Origin::Microtask
            && self.sent_in_task == Some(host_task())
            && self.engine.transmit().len() < SEND_NOW_BYTES
        {
            self.turn_end.post();
            return;
        }
        self.send();
    }

    fn send(&mut self) {
        // Send errors are ignored: a dead socket is reported by its close event or found stale by
        // the ping timer.
        if let Some(sock) = self.socket.as_ref().filter(|s| s.opened) {
            self.engine.prepare_transmit();
            let data = self.engine.transmit();
            if self.debug {
                debug_frame(">", data);
            }
            if data.len() > SINGLE_WRITE_BYTES && data.len() <= CHUNKED_SEND_MAX_BYTES {
                for chunk in data.chunks(SINGLE_WRITE_BYTES) {
                    let _ = sock.ws.send_with_u8_array(chunk);
                }
            } else {
                let _ = sock.ws.send_with_u8_array(data);
            }
            self.sent_in_task = Some(host_task());
        }
        self.engine.consume_transmit();
    }

    fn run_transport_cmds(&mut self) {
        while let Some(cmd) = self.engine.poll_transport() {
            match cmd {
                TransportCmd::Dial { url } => self.dial(&url),
                TransportCmd::Close { code, reason } => {
                    self.generation = self.generation.wrapping_add(1);
                    if let Some(sock) = self.socket.take() {
                        // Browsers accept only 1000 and 3000-4999 from scripts.
                        let code = if code == 1000 || (3000..5000).contains(&code) {
                            code
                        } else {
                            4000 + code % 1000
                        };
                        let mut end = reason.len().min(MAX_CLOSE_REASON_BYTES);
                        while !reason.is_char_boundary(end) {
                            end -= 1;
                        }
                        let _ = sock.ws.close_with_code_and_reason(code, &reason[..end]);
                    }
                }
            }
        }
    }

    fn dial(&mut self, url: &str) {
        self.socket = None;
        self.generation = self.generation.wrapping_add(1);
        let generation = self.generation;
        let ws = match WebSocket::new(url) {
            Ok(ws) => ws,
            Err(e) => {
                let msg = js_sys::Error::from(e).message().as_string().unwrap_or_default();
                self.engine.handle_transport_closed(false, 0, &msg, now_ms());
                return;
            }
        };
        ws.set_binary_type(BinaryType::Arraybuffer);

        let w = self.weak.clone();
        let on_open = Closure::<dyn FnMut()>::new(move || {
            Driver::with_live(&w, generation, |d| {
                if let Some(s) = d.socket.as_mut() {
                    s.opened = true;
                }
                d.engine.handle_transport_open(now_ms());
            });
        });
        let w = self.weak.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            Driver::with_live(&w, generation, |d| {
                let data = e.data();
                if let Some(buf) = data.dyn_ref::<ArrayBuffer>() {
                    // A fresh buffer per message event, never written again: records may point
                    // into it once it is handed to the sink.
                    let view = Uint8Array::new(buf);
                    let len = view.length() as usize;
                    if d.debug {
                        debug_frame("<", &view.to_vec());
                    }
                    let fill = |from: usize, dst: &mut [u8]| {
                        // most frames are one chunk: no subarray to make for them
                        if dst.len() == len {
                            view.copy_to(dst);
                        } else {
                            view.subarray(from as u32, (from + dst.len()) as u32).copy_to(dst);
                        }
                    };
                    d.engine.handle_frame(len, fill, now_ms());
                    let number = d.engine.frame_number();
                    if d.engine.batch().frame == Some(number) {
                        d.frame = Some((number, view));
                    }
                } else if let Some(text) = data.as_string() {
                    if d.debug {
                        debug_frame("<", text.as_bytes());
                    }
                    d.engine.handle_bytes(text.as_bytes(), now_ms());
                }
            });
        });
        let w = self.weak.clone();
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            Driver::with_live(&w, generation, |d| {
                let (opened, error) =
                    d.socket.take().map(|s| (s.opened, s.error.clone())).unwrap_or_default();
                d.generation = d.generation.wrapping_add(1);
                let reason = e.reason();
                let reason = if reason.is_empty() { error } else { reason };
                d.engine.handle_transport_closed(opened, e.code(), &reason, now_ms());
            });
        });
        let w = self.weak.clone();
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            // Only remembered: the close event that follows reports the end of the socket.
            let text = js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string());
            let Some(this) = w.upgrade() else { return };
            let Ok(mut d) = this.try_borrow_mut() else { return };
            if d.generation == generation
                && let (Some(s), Some(text)) = (d.socket.as_mut(), text)
            {
                s.error = text;
            }
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.socket = Some(Socket {
            ws,
            opened: false,
            error: String::new(),
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
            _on_error: on_error,
        });
    }

    /// Runs `f` for a socket event if the socket is still the current one, then pumps.
    fn with_live(weak: &Weak<RefCell<Driver>>, generation: u32, f: impl FnOnce(&mut Driver)) {
        let Some(this) = weak.upgrade() else { return };
        begin_host_task();
        {
            let Ok(mut d) = this.try_borrow_mut() else {
                console_error("nats-wasm: socket event while the driver was busy", &JsValue::NULL);
                return;
            };
            if d.generation != generation {
                return;
            }
            f(&mut d);
        }
        Driver::pump(&this, Origin::Host);
    }

    /// The host timer fired: let the engine act on its deadlines.
    fn on_timer(weak: &Weak<RefCell<Driver>>) {
        let Some(this) = weak.upgrade() else { return };
        {
            begin_host_task();
            let mut d = this.borrow_mut();
            // Drops the `Timeout` whose closure is running: wasm-bindgen frees a closure dropped
            // during its own call once the call returns.
            d.timer = None;
            d.engine.handle_timeout(now_ms());
        }
        Driver::pump(&this, Origin::Host);
    }

    /// Keeps the host timer at or before the engine's earliest deadline. A timer armed for an
    /// earlier moment is left alone when the deadline moves later (a request answered, a new
    /// request timing out after the current one): it fires early, the engine finds nothing due,
    /// and the timer is armed again. That spares a clearTimeout + setTimeout pair per request,
    /// and the closure each arm allocates (gloo-timers' `Timeout` takes an `FnOnce`).
    fn rearm_timer(&mut self) {
        let deadline = self.engine.poll_timeout();
        match (&self.timer, deadline) {
            (Some((_, armed)), Some(at)) if *armed <= at => return,
            (None, None) => return,
            _ => {}
        }
        // Dropping the old `Timeout` clears it.
        self.timer = None;
        if let Some(at) = deadline {
            // Hosts treat a delay above 2^31-1 ms as 1 ms; a longer deadline is reached by
            // re-arming when this one fires early (the engine finds nothing due yet).
            let delay = at.saturating_sub(now_ms()).min(MAX_TIMER_DELAY_MS) as u32;
            let w = self.weak.clone();
            let timeout = Timeout::new(delay, move || Driver::on_timer(&w));
            self.timer = Some((timeout, at));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // `self.timer` clears its host timer as it drops. A queued microtask cannot be
        // cancelled, and calling a dropped closure throws from inside it (an uncaught error that
        // ends a Deno program): leave the closure behind. It holds only a Weak to this driver, so
        // it does nothing when it runs.
        if self.flush_scheduled
            && let Some(f) = self.on_flush.take()
        {
            f.forget();
        }
    }
}

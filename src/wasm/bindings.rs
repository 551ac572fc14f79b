//! The JS-facing surface used by the TypeScript shim (`js/`): the `WasmConnection` class and a
//! few pure functions. Shapes are specified in `docs/design.md` ("The JS boundary"). Only
//! integers, strings and byte arrays cross; errors become JS `Error`s with a `code` property
//! holding the nats.deno `ErrorCode` value.
//!
//! Must not: hold protocol state (that is the engine's) or call user code while the driver is
//! borrowed (the driver's sink runs user callbacks after releasing it).

use std::cell::RefCell;

use js_sys::{Array, Function, Reflect, Uint8Array, Uint32Array};
use wasm_bindgen::prelude::*;

use super::driver::{Deferred, Driver, SharedDriver, Sink};
use super::env::{HostEntropy, console_error};
use crate::client::servers::normalize_url;
use crate::client::{
    AuthFields, Authenticator, Batch, Connection, Options, ReplyTo, RequestManyStrategy, reconnect_delay,
};
use crate::error::{ErrorCode, NatsError};
use crate::proto::Headers;
use crate::text::cat;

/// Turns an engine error into a JS `Error` with `code`.
pub(crate) fn js_error(e: NatsError) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    let _ = Reflect::set(&err, &"code".into(), &e.code.as_str().into());
    err.into()
}

pub(super) fn invalid_option(message: impl Into<String>) -> JsValue {
    js_error(NatsError::new(ErrorCode::InvalidOption, message))
}

/// Delivers each batch to the shim's `onBatch(records, arena, frame)` as JS-owned copies, with
/// the socket's own frame that message bodies may point into (`undefined` when none do): the
/// shim may keep them (queued messages are views into them) and never sees wasm memory.
struct JsSink {
    on_batch: Function,
}

impl Sink for JsSink {
    fn take(&mut self, batch: &Batch, frame: Option<Uint8Array>) -> Option<Deferred> {
        let records = Uint32Array::from(&batch.records[..]);
        let arena = Uint8Array::from(&batch.arena[..]);
        let frame = frame.map_or(JsValue::UNDEFINED, JsValue::from);
        let on_batch = self.on_batch.clone();
        Some(Box::new(move || {
            if let Err(e) = on_batch.call3(&JsValue::UNDEFINED, &records, &arena, &frame) {
                console_error("nats-wasm: onBatch threw", &e);
            }
        }))
    }
}

/// Calls the shim's merged authenticator function with the nonce at each handshake.
struct JsAuthenticator {
    f: Function,
}

impl Authenticator for JsAuthenticator {
    /// A throw fails the dial with the thrown error's `code` when it is a known `ErrorCode`
    /// (a `NatsError` such as BAD_CREDS), else with BAD_AUTHENTICATION and the thrown message.
    fn authenticate(&mut self, nonce: Option<&str>) -> Result<AuthFields, NatsError> {
        let arg = nonce.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        let obj = self.f.call1(&JsValue::UNDEFINED, &arg).map_err(|e| {
            let code = get(&e, "code").as_string().and_then(|c| ErrorCode::parse(&c));
            let message = get(&e, "message")
                .as_string()
                .or_else(|| e.as_string())
                .unwrap_or_else(|| "authenticator failed".into());
            NatsError::new(code.unwrap_or(ErrorCode::BadAuthentication), message)
        })?;
        let field = |name: &str| Reflect::get(&obj, &name.into()).ok().and_then(|v| v.as_string());
        Ok(AuthFields {
            user: field("user"),
            pass: field("pass"),
            auth_token: field("auth_token"),
            nkey: field("nkey"),
            sig: field("sig"),
            jwt: field("jwt"),
        })
    }
}

pub(super) fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

pub(super) fn get_bool(obj: &JsValue, key: &str, default: bool) -> bool {
    get(obj, key).as_bool().unwrap_or(default)
}

/// Reads a non-negative integer option; the shim has validated types, this guards the range.
pub(super) fn get_uint(obj: &JsValue, key: &str, default: u64) -> Result<u64, JsValue> {
    match get(obj, key).as_f64() {
        None => Ok(default),
        Some(v) if v >= 0.0 && v.is_finite() => Ok(v as u64),
        Some(_) => Err(invalid_option(cat!("'", key, "' must be a non-negative number"))),
    }
}

/// Builds engine options from the shim's `WasmOptions` (docs/design.md).
fn options_from_js(opts: &JsValue) -> Result<Options, JsValue> {
    let d = Options::default();
    let mut servers = Vec::new();
    let raw = get(opts, "servers");
    let list: Vec<JsValue> =
        if Array::is_array(&raw) { Array::from(&raw).iter().collect() } else { vec![raw] };
    for s in list {
        let Some(s) = s.as_string() else { return Err(invalid_option("'servers' must be strings")) };
        servers.push(normalize_url(&s).map_err(js_error)?);
    }
    if servers.is_empty() {
        servers = d.servers.clone();
    }
    let tls_required = get_bool(opts, "tls", false);
    if let Some(plain) = servers.iter().find(|u| tls_required && !u.starts_with("wss://")) {
        return Err(invalid_option(cat!("tls is required but ", plain, " is not a wss:// server")));
    }
    let max_reconnect_attempts = match get(opts, "maxReconnectAttempts").as_f64() {
        None => d.max_reconnect_attempts,
        Some(v) if v >= -1.0 && v <= i32::MAX as f64 => v as i32,
        Some(_) => return Err(invalid_option("'maxReconnectAttempts' must be -1 or more")),
    };
    Ok(Options {
        servers,
        no_randomize: get_bool(opts, "noRandomize", d.no_randomize),
        reconnect: get_bool(opts, "reconnect", d.reconnect),
        max_reconnect_attempts,
        reconnect_time_wait: get_uint(opts, "reconnectTimeWait", d.reconnect_time_wait)?,
        reconnect_jitter: get_uint(opts, "reconnectJitter", d.reconnect_jitter)?,
        reconnect_jitter_tls: get_uint(opts, "reconnectJitterTLS", d.reconnect_jitter_tls)?,
        timeout: get_uint(opts, "timeout", d.timeout)?,
        ping_interval: get_uint(opts, "pingInterval", d.ping_interval)?,
        max_ping_out: get_uint(opts, "maxPingOut", d.max_ping_out as u64)?.min(u32::MAX as u64) as u32,
        wait_on_first_connect: get_bool(opts, "waitOnFirstConnect", d.wait_on_first_connect),
        ignore_cluster_updates: get_bool(opts, "ignoreClusterUpdates", d.ignore_cluster_updates),
        inbox_prefix: get(opts, "inboxPrefix").as_string().unwrap_or(d.inbox_prefix),
        name: get(opts, "name").as_string(),
        verbose: get_bool(opts, "verbose", d.verbose),
        pedantic: get_bool(opts, "pedantic", d.pedantic),
        no_echo: get_bool(opts, "noEcho", d.no_echo),
        tls_required,
        ignore_auth_error_abort: get_bool(opts, "ignoreAuthErrorAbort", d.ignore_auth_error_abort),
        reconnect_buffer_size: get_uint(opts, "reconnectBufferSize", d.reconnect_buffer_size as u64)?
            as usize,
        lang: d.lang,
        version: d.version,
    })
}

/// One NATS connection, driven from JS.
#[wasm_bindgen]
pub struct WasmConnection {
    pub(super) driver: SharedDriver,
    /// Subjects registered by `subjectHandle`, indexed by handle: the publish fast path passes
    /// an integer instead of re-encoding the subject string on every call.
    subjects: RefCell<Vec<String>>,
    /// Payload bytes written by JS through the `stagingBuffer` view, read by `publishStaged`.
    staging: Vec<u8>,
    /// The error of the last failed `publishStaged`, for `takeError`.
    staged_error: RefCell<Option<NatsError>>,
}

/// Size of the publish staging buffer, bytes: payloads up to this size take the fast path
/// (written straight into wasm memory); larger ones are passed as slices.
const STAGING_BYTES: usize = 64 * 1024;

/// Subjects the fast path remembers before JS must `clearSubjects` and start over: bounds the
/// memory a program that publishes to ever-new subjects (inboxes) can pin.
const MAX_SUBJECT_HANDLES: usize = 4096;

/// The reply route of a request: a caller-chosen reply subject needs its own subscription, so it
/// is only accepted with `noMux` (nats.deno's rule and message).
fn reply_to(no_mux: bool, reply: Option<String>) -> Result<ReplyTo, JsValue> {
    match (no_mux, reply) {
        (false, None) => Ok(ReplyTo::Mux),
        (false, Some(_)) => Err(invalid_option("reply can only be used with noMux")),
        (true, r) => Ok(ReplyTo::Own(r.filter(|r| !r.is_empty()))),
    }
}

fn opt_max(n: f64) -> Option<u64> {
    if n >= 1.0 { Some(n as u64) } else { None }
}

#[wasm_bindgen]
impl WasmConnection {
    #[wasm_bindgen(constructor)]
    pub fn new(
        opts: JsValue,
        authenticator: Option<Function>,
        on_batch: Function,
    ) -> Result<WasmConnection, JsValue> {
        let options = options_from_js(&opts)?;
        let auth = authenticator.map(|f| Box::new(JsAuthenticator { f }) as Box<dyn Authenticator>);
        let mut engine = Connection::new(options, Box::new(HostEntropy::new()), auth);
        if let Ok(handler) = get(&opts, "reconnectDelayHandler").dyn_into::<Function>() {
            engine.set_reconnect_delay_handler(Box::new(move || {
                // A handler that throws or returns a non-number falls back to no extra wait
                // rather than stopping the reconnect loop.
                let ms = handler.call0(&JsValue::UNDEFINED).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
                if ms.is_finite() && ms > 0.0 { ms as u64 } else { 0 }
            }));
        }
        // the shim reads message bodies from the socket's frames (`JsSink`)
        engine.keep_bodies_in_frames();
        let driver = Driver::new(engine, Box::new(JsSink { on_batch }));
        driver.borrow_mut().debug = get_bool(&opts, "debug", false);
        Ok(WasmConnection {
            driver,
            subjects: RefCell::new(Vec::new()),
            staging: vec![0; STAGING_BYTES],
            staged_error: RefCell::new(None),
        })
    }

    pub fn start(&self) -> Result<(), JsValue> {
        Driver::command(&self.driver, |e, now| e.start(now)).map_err(js_error)
    }

    pub fn publish(
        &self,
        subject: &str,
        reply: Option<String>,
        headers: Option<Box<[u8]>>,
        payload: &[u8],
    ) -> Result<(), JsValue> {
        Driver::try_command(&self.driver, |e, _| {
            e.publish(subject, reply.as_deref(), headers.as_deref(), payload)
        })
        .map_err(js_error)
    }

    /// Registers `subject` for `publishStaged` and returns its handle, or -1 when the table is
    /// full (the shim then calls `clearSubjects` and registers again). Validation happens at
    /// publish time, so a bad subject still fails with `BAD_SUBJECT` where it is used.
    #[wasm_bindgen(js_name = subjectHandle)]
    pub fn subject_handle(&self, subject: String) -> i32 {
        let mut subjects = self.subjects.borrow_mut();
        if subjects.len() >= MAX_SUBJECT_HANDLES {
            return -1;
        }
        subjects.push(subject);
        (subjects.len() - 1) as i32
    }

    #[wasm_bindgen(js_name = clearSubjects)]
    pub fn clear_subjects(&self) {
        self.subjects.borrow_mut().clear();
    }

    /// A view of the staging buffer (64 KiB). It is detached (length 0) whenever wasm memory
    /// grows; the shim then asks again. Never handed to user code.
    #[wasm_bindgen(js_name = stagingBuffer)]
    pub fn staging_buffer(&self) -> Uint8Array {
        // SAFETY: the view aliases `self.staging`, which lives as long as this connection and is
        // never reallocated; JS only writes into it before calling `publishStaged`, and a view
        // made stale by memory growth becomes detached rather than dangling.
        unsafe { Uint8Array::view(&self.staging) }
    }

    /// Publishes the first `len` staged bytes to the subject registered as `handle`. Returns 0,
    /// or 1 when it failed and `takeError` holds the error: a plain number keeps the hot path
    /// free of the array wasm-bindgen allocates for every `Result` it returns.
    #[wasm_bindgen(js_name = publishStaged)]
    pub fn publish_staged(&self, handle: u32, len: usize) -> u32 {
        let subjects = self.subjects.borrow();
        let result = match (subjects.get(handle as usize), self.staging.get(..len)) {
            (Some(subject), Some(payload)) => Driver::publish(&self.driver, subject, payload),
            _ => Err(NatsError::new(ErrorCode::ApiError, "unknown subject handle or length")),
        };
        match result {
            Ok(()) => 0,
            Err(e) => {
                *self.staged_error.borrow_mut() = Some(e);
                1
            }
        }
    }

    /// The error of the last failed `publishStaged` as a JS `Error` with `code`.
    #[wasm_bindgen(js_name = takeError)]
    pub fn take_error(&self) -> JsValue {
        let e = self.staged_error.borrow_mut().take();
        js_error(e.unwrap_or_else(|| NatsError::new(ErrorCode::Unknown, "no error recorded")))
    }

    pub fn subscribe(
        &self,
        subject: &str,
        queue: Option<String>,
        max: f64,
        timeout: f64,
    ) -> Result<u32, JsValue> {
        Driver::try_command(&self.driver, |e, now| {
            e.subscribe(subject, queue.as_deref(), opt_max(max), opt_max(timeout), now)
        })
        .map_err(js_error)
    }

    pub fn unsubscribe(&self, sid: u32, max: f64) -> Result<(), JsValue> {
        Driver::try_command(&self.driver, |e, _| e.unsubscribe(sid, opt_max(max))).map_err(js_error)
    }

    #[wasm_bindgen(js_name = drainSubscription)]
    pub fn drain_subscription(&self, sid: u32) -> Result<(), JsValue> {
        Driver::try_command(&self.driver, |e, _| e.drain_subscription(sid)).map_err(js_error)
    }

    /// A request; `no_mux` gives it its own reply subscription, on `reply` when given (else a
    /// fresh inbox), instead of the shared inbox. Settled by REPLY / REQ_END records (token).
    pub fn request(
        &self,
        subject: &str,
        headers: Option<Box<[u8]>>,
        payload: &[u8],
        timeout: f64,
        no_mux: bool,
        reply: Option<String>,
    ) -> Result<u32, JsValue> {
        let timeout = if timeout.is_finite() && timeout >= 0.0 { timeout as u64 } else { 0 };
        let reply_to = reply_to(no_mux, reply)?;
        Driver::try_command(&self.driver, |e, now| {
            e.request(subject, headers.as_deref(), payload, timeout, reply_to, now)
        })
        .map_err(js_error)
    }

    /// A request gathering several replies until `strategy` says it is done (`param`: the count
    /// or the jitter, ms); `no_mux` as for `request` (always a fresh inbox).
    #[wasm_bindgen(js_name = requestMany)]
    #[allow(clippy::too_many_arguments)]
    pub fn request_many(
        &self,
        subject: &str,
        headers: Option<Box<[u8]>>,
        payload: &[u8],
        max_wait: f64,
        strategy: &str,
        param: f64,
        no_mux: bool,
    ) -> Result<u32, JsValue> {
        let param = if param.is_finite() && param >= 0.0 { param as u64 } else { 0 };
        let strategy = match strategy {
            "timer" => RequestManyStrategy::Timer,
            "count" => RequestManyStrategy::Count(param.min(u32::MAX as u64) as u32),
            "jitterTimer" => RequestManyStrategy::JitterTimer(param),
            "sentinelMsg" => RequestManyStrategy::SentinelMsg,
            other => return Err(invalid_option(cat!("unknown request strategy '", other, "'"))),
        };
        let max_wait = if max_wait.is_finite() && max_wait >= 0.0 { max_wait as u64 } else { 0 };
        let reply_to = reply_to(no_mux, None)?;
        Driver::try_command(&self.driver, |e, now| {
            e.request_many(subject, headers.as_deref(), payload, max_wait, strategy, reply_to, now)
        })
        .map_err(js_error)
    }

    #[wasm_bindgen(js_name = cancelRequest)]
    pub fn cancel_request(&self, token: u32) {
        Driver::command_or_defer(&self.driver, move |e, _| e.cancel_request(token));
    }

    pub fn flush(&self) -> Result<u32, JsValue> {
        Driver::try_command(&self.driver, |e, _| e.flush()).map_err(js_error)
    }

    pub fn drain(&self) -> Result<(), JsValue> {
        Driver::try_command(&self.driver, |e, now| e.drain(now)).map_err(js_error)
    }

    /// After a SUBS_DRAINED record, once the drained subscriptions have processed what they had
    /// queued: block publishing, flush, close. Does nothing at any other time.
    #[wasm_bindgen(js_name = drainContinue)]
    pub fn drain_continue(&self) {
        Driver::command_or_defer(&self.driver, |e, _| e.drain_continue());
    }

    pub fn close(&self) {
        Driver::command_or_defer(&self.driver, |e, _| e.close());
    }

    pub fn reconnect(&self) -> Result<(), JsValue> {
        Driver::try_command(&self.driver, |e, now| e.reconnect(now)).map_err(js_error)
    }

    #[wasm_bindgen(js_name = isClosed)]
    pub fn is_closed(&self) -> bool {
        self.driver.try_borrow().is_ok_and(|d| d.engine.is_closed())
    }

    #[wasm_bindgen(js_name = isDraining)]
    pub fn is_draining(&self) -> bool {
        self.driver.try_borrow().is_ok_and(|d| d.engine.is_draining())
    }

    #[wasm_bindgen(js_name = currentServer)]
    pub fn current_server(&self) -> String {
        self.driver.try_borrow().map(|d| d.engine.current_server()).unwrap_or_default()
    }

    #[wasm_bindgen(js_name = infoJson)]
    pub fn info_json(&self) -> Option<String> {
        self.driver.try_borrow().ok().and_then(|d| d.engine.info_json().map(str::to_string))
    }

    /// `[inMsgs, outMsgs, inBytes, outBytes]`
    pub fn stats(&self) -> Vec<f64> {
        let (in_msgs, out_msgs, in_bytes, out_bytes) =
            self.driver.try_borrow().map(|d| d.engine.stats()).unwrap_or_default();
        vec![in_msgs as f64, out_msgs as f64, in_bytes as f64, out_bytes as f64]
    }
}

/// Encodes a header block from a status and a flat `[k1, v1, k2, v2, ...]` list; repeated keys
/// keep every value.
#[wasm_bindgen(js_name = encodeHeaders)]
pub fn encode_headers(code: u16, description: String, flat: Vec<String>) -> Result<Vec<u8>, JsValue> {
    let mut h = Headers { code, description, entries: Vec::new() };
    let mut it = flat.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        match h.entries.iter_mut().find(|(key, _)| *key == k) {
            Some((_, values)) => values.push(v),
            None => h.entries.push((k, vec![v])),
        }
    }
    let mut out = Vec::new();
    h.encode(&mut out).map_err(|e| js_error(NatsError::new(ErrorCode::BadHeader, e.name())))?;
    Ok(out)
}

/// Decodes a raw header block into `{code, description, entries: [key, values[]][]}`.
/// A header block decoded, as `Headers::to_lines` writes it (the shim splits it).
#[wasm_bindgen(js_name = decodeHeaders)]
pub fn decode_headers(block: &[u8]) -> Result<String, JsValue> {
    let h = Headers::decode(block).map_err(|e| {
        js_error(NatsError::new(ErrorCode::BadHeader, cat!("invalid header block: ", e.name())))
    })?;
    Ok(h.to_lines())
}

#[wasm_bindgen(js_name = normalizeServerUrl)]
pub fn normalize_server_url(server: &str) -> Result<String, JsValue> {
    normalize_url(server).map_err(js_error)
}

/// The default `nc.options.reconnectDelayHandler` (js/options.ts): the engine's own formula with
/// fresh host randomness, so the delay the handler shows and the one the engine waits are one
/// rule. Milliseconds in and out, as the options hold them (negative or NaN read as 0).
#[wasm_bindgen(js_name = reconnectDelay)]
pub fn reconnect_delay_js(wait: f64, jitter: f64) -> f64 {
    reconnect_delay(wait as u64, jitter as u64, &mut HostEntropy::new()) as f64
}

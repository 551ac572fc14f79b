//! Page lifecycle hooks for the driver: in a browser, a page that becomes visible again
//! (`visibilitychange` on `document`) or a browser that comes back `online` (on the global scope)
//! is a moment when the connection may have died unnoticed (a sleeping laptop, a changed
//! network), so the driver checks it at once instead of waiting up to `pingInterval` ×
//! `maxPingOut`. [`WakeListeners::install`] adds the listeners and dropping the value removes
//! them.
//!
//! Must not: add anything outside a browser (Deno has neither `document` nor `ononline`, so a
//! Deno program is unaffected), call into the engine itself (the callback it is given does), or
//! keep a listener once the connection has closed.

use js_sys::{Function, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// One `addEventListener` registration, removed on drop.
struct Listener {
    target: JsValue,
    event: &'static str,
    closure: Closure<dyn FnMut(JsValue)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(remove) = method(&self.target, "removeEventListener") {
            let _ = remove.call2(&self.target, &self.event.into(), self.closure.as_ref());
        }
    }
}

/// The listeners of one connection (none outside a browser).
pub(crate) struct WakeListeners {
    _listeners: Vec<Listener>,
}

fn global() -> JsValue {
    js_sys::global().into()
}

/// `obj[name]` when it is a function.
fn method(obj: &JsValue, name: &str) -> Option<Function> {
    Reflect::get(obj, &name.into()).ok()?.dyn_into::<Function>().ok()
}

/// `globalThis.document` when it is an event target (browsers' main thread only).
fn document() -> Option<JsValue> {
    let doc = Reflect::get(&global(), &"document".into()).ok()?;
    method(&doc, "addEventListener").map(|_| doc)
}

/// True unless `document.visibilityState` says the page is hidden.
fn page_visible() -> bool {
    document()
        .and_then(|d| Reflect::get(&d, &"visibilityState".into()).ok())
        .and_then(|v| v.as_string())
        .is_none_or(|s| s == "visible")
}

fn listen(target: JsValue, event: &'static str, on_wake: impl Fn() + 'static) -> Option<Listener> {
    let add = method(&target, "addEventListener")?;
    let closure = Closure::<dyn FnMut(JsValue)>::new(move |_event: JsValue| {
        // `visibilitychange` fires when hiding too; only becoming visible is a wake-up.
        if event != "visibilitychange" || page_visible() {
            on_wake();
        }
    });
    add.call2(&target, &event.into(), closure.as_ref()).ok()?;
    Some(Listener { target, event, closure })
}

impl WakeListeners {
    /// Calls `on_wake` when the page becomes visible or the browser comes back online.
    pub(crate) fn install(on_wake: impl Fn() + Clone + 'static) -> WakeListeners {
        let mut listeners = Vec::new();
        if let Some(doc) = document() {
            listeners.extend(listen(doc, "visibilitychange", on_wake.clone()));
        }
        // Window and worker scopes of browsers have `ononline`; Deno's global scope does not.
        let g = global();
        if Reflect::has(&g, &"ononline".into()).unwrap_or(false) {
            listeners.extend(listen(g, "online", on_wake));
        }
        WakeListeners { _listeners: listeners }
    }
}

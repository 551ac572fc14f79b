//! `KvWatch` (`kv.watch(filter)`): a bucket's entries as a `Stream`, first the latest revision
//! of every key the filter matches, then each new revision as it is stored, in stream order.
//! It is an ordered consumer (`JetStream::ordered`, the engine's run) on `$KV.<bucket>.<filter>`
//! with deliver policy `last_per_subject`; each message becomes a `KvEntry` (`kv_entry.rs`).
//!
//! Must not: end on its own while the connection lives (a watch lasts until `stop` or drop), or
//! skip delete markers (the watcher sees every operation).

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use super::js_stream::JsMessages;
use super::kv::{Kv, check_key};
use super::kv_entry::KvEntry;
use crate::error::NatsError;
use crate::jetstream::ordered::{DeliverPolicy, Filter, OrderedOptions};
use crate::jetstream::pull_options::PullOptions;

/// A watch of a bucket's keys. Dropping it stops it.
pub struct KvWatch {
    msgs: JsMessages,
    bucket: String,
    prefix: String,
}

impl Kv {
    /// Watches the keys `filter` matches (a key, or tokens `*` and a last `>`: `">"` is every
    /// key): their current values, then live updates, deletes included.
    pub fn watch(&self, filter: &str) -> Result<KvWatch, NatsError> {
        check_key(filter, true)?;
        let ordered = OrderedOptions {
            filter: Filter::One(format!("{}{filter}", self.prefix)),
            deliver_policy: Some(DeliverPolicy::LastPerSubject),
            ..OrderedOptions::default()
        };
        let msgs = self.js.ordered(&self.stream, &ordered, &PullOptions::default())?;
        Ok(KvWatch { msgs, bucket: self.bucket.clone(), prefix: self.prefix.clone() })
    }
}

impl KvWatch {
    /// Ends the watch; entries already received are still yielded.
    pub fn stop(&self) {
        self.msgs.stop();
    }
}

impl Stream for KvWatch {
    type Item = Result<KvEntry, NatsError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        Pin::new(&mut this.msgs)
            .poll_next(cx)
            .map(|item| item.map(|r| r.and_then(|m| KvEntry::from_js(&this.bucket, &this.prefix, m))))
    }
}

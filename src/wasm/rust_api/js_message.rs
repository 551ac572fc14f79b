//! `JsMessage`: a message of a JetStream consumer, with its delivery info (read from the `$JS.ACK`
//! reply subject, `jetstream::ack`) and its acknowledgements (`ack`, `nak`, `term`, `working`,
//! `ack_ack`), each a publish of an ack body to that subject.
//!
//! Must not: acknowledge twice (the first `ack`/`nak`/`term` is final, as in nats.deno; `working`
//! may repeat), or panic on a reply subject a peer controls (a bad one is a `BAD_SUBJECT` error).

use std::cell::Cell;
use std::fmt;

use super::Message;
use super::jetstream::JetStream;
use crate::error::{ErrorCode, NatsError};
use crate::jetstream::NANOS_PER_MS;
use crate::jetstream::ack::{self, DeliveryInfo, parse_ack_subject};
use crate::proto::Headers;

/// A JetStream message to acknowledge.
pub struct JsMessage {
    pub subject: String,
    pub headers: Option<Headers>,
    pub payload: Vec<u8>,
    /// The `$JS.ACK...` subject (empty when the message had no reply).
    reply: String,
    js: JetStream,
    /// An ack, nak or term was sent.
    done: Cell<bool>,
}

impl fmt::Debug for JsMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsMessage")
            .field("subject", &self.subject)
            .field("reply", &self.reply)
            .field("payload_len", &self.payload.len())
            .finish()
    }
}

impl JsMessage {
    pub(super) fn new(m: Message, js: &JetStream) -> JsMessage {
        JsMessage {
            subject: m.subject,
            headers: m.headers,
            payload: m.payload,
            reply: m.reply.unwrap_or_default(),
            js: js.clone(),
            done: Cell::new(false),
        }
    }

    /// The ack subject.
    pub fn reply(&self) -> &str {
        &self.reply
    }

    /// Stream, consumer, sequences, delivery count, timestamp and pending count.
    pub fn info(&self) -> Result<DeliveryInfo<'_>, NatsError> {
        parse_ack_subject(&self.reply).map_err(|e| NatsError::new(ErrorCode::BadSubject, e.to_string()))
    }

    /// The message is processed.
    pub fn ack(&self) -> Result<(), NatsError> {
        self.finish(ack::ACK)
    }

    /// Redeliver it, after `delay_ms` (0: as soon as the consumer's policy allows).
    pub fn nak(&self, delay_ms: u64) -> Result<(), NatsError> {
        self.finish(&ack::nak(delay_ms.saturating_mul(NANOS_PER_MS)))
    }

    /// Never redeliver it.
    pub fn term(&self) -> Result<(), NatsError> {
        self.finish(&ack::term(""))
    }

    /// Still working on it: the server restarts its ack timer. May be sent many times.
    pub fn working(&self) -> Result<(), NatsError> {
        if self.done.get() {
            return Ok(());
        }
        self.js.client.publish(&self.reply, ack::WPI)
    }

    /// Acks and waits until the server confirms it (the JetStream timeout). False when the message
    /// was already acknowledged.
    pub async fn ack_ack(&self) -> Result<bool, NatsError> {
        if self.done.replace(true) {
            return Ok(false);
        }
        self.js.client.request_raw(&self.reply, None, ack::ACK, self.js.timeout_ms).await?;
        Ok(true)
    }

    fn finish(&self, body: &[u8]) -> Result<(), NatsError> {
        if self.done.get() {
            return Ok(());
        }
        self.js.client.publish(&self.reply, body)?;
        self.done.set(true);
        Ok(())
    }
}

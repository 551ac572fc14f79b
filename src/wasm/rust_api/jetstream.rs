//! `JetStream` (`client.jetstream()`, cargo feature `jetstream`): acknowledged publish with its
//! `PubAck`, the JetStream API requests a consumer run needs (`api`, its error reply read into a
//! `NatsError`), and the starts of pull consumption: `consume`, `ordered` and `fetch` return a
//! `JsMessages` stream (`js_stream.rs`). Replies are read with `proto::json`'s small reader; the
//! request bodies this side writes use its `ObjectWriter`.
//!
//! Must not: pull serde_json into the wasm (it costs a fifth of the module), retry a publish, or
//! hold the driver or the routes borrowed across an `.await`.

use super::Client;
use super::js_stream::JsMessages;
use crate::error::{ErrorCode, NatsError};
use crate::jetstream::ordered::{OrderedConsumer, OrderedOptions};
use crate::jetstream::pull_options::{Mode, PullOptions, Settings};
use crate::jetstream::run::ConsumerRun;
use crate::proto::Headers;
use crate::proto::json::{RawField, Value, read_object};

/// The JetStream API prefix of the account's own JetStream (no domain).
pub(super) const DEFAULT_API_PREFIX: &str = "$JS.API";
/// ms a publish or an API request waits for its reply (nats.deno's JetStream default).
pub(super) const DEFAULT_TIMEOUT_MS: u64 = 5_000;

/// The headers of the publish options (nats.deno `PubHeaders`).
const MSG_ID: &str = "Nats-Msg-Id";
const EXPECTED_STREAM: &str = "Nats-Expected-Stream";
const EXPECTED_LAST_SEQ: &str = "Nats-Expected-Last-Sequence";
const EXPECTED_LAST_SUBJECT_SEQ: &str = "Nats-Expected-Last-Subject-Sequence";
const EXPECTED_LAST_MSG_ID: &str = "Nats-Expected-Last-Msg-Id";

/// JetStream on one connection. Cloning shares the connection.
#[derive(Clone)]
pub struct JetStream {
    pub(super) client: Client,
    /// `$JS.API`, or `$JS.<domain>.API`.
    pub(super) prefix: String,
    pub(super) timeout_ms: u64,
}

/// The server's acknowledgement of a stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PubAck {
    pub stream: String,
    pub seq: u64,
    /// The message id was seen before: the message was not stored again.
    pub duplicate: bool,
    pub domain: Option<String>,
}

/// What a publish expects of the stream (headers the server checks), all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishOptions {
    /// De-duplication id (`Nats-Msg-Id`).
    pub msg_id: Option<String>,
    pub expect_stream: Option<String>,
    pub expect_last_msg_id: Option<String>,
    pub expect_last_sequence: Option<u64>,
    pub expect_last_subject_sequence: Option<u64>,
    /// ms; `None` for the JetStream default.
    pub timeout_ms: Option<u64>,
}

/// A failed API request: its error and the API's `err_code` (0 when the API gave none).
pub(super) struct ApiFailure {
    pub(super) err_code: u64,
    pub(super) error: NatsError,
}

impl From<ApiFailure> for NatsError {
    fn from(f: ApiFailure) -> NatsError {
        f.error
    }
}

impl From<NatsError> for ApiFailure {
    fn from(error: NatsError) -> ApiFailure {
        ApiFailure { err_code: 0, error }
    }
}

pub(super) type Fields<'a> = Vec<RawField<'a>>;

pub(super) fn num(fields: &Fields<'_>, key: &str) -> Option<u64> {
    fields.iter().find(|(k, ..)| k == key).and_then(|(_, v, _)| match v {
        Value::Num(n) if *n >= 0.0 => Some(*n as u64),
        _ => None,
    })
}

pub(super) fn text(fields: &Fields<'_>, key: &str) -> Option<String> {
    fields.iter().find(|(k, ..)| k == key).and_then(|(_, v, _)| match v {
        Value::Str(s) => Some(s.clone()),
        _ => None,
    })
}

/// Reads an API reply; its `error` object (`{"code","err_code","description"}`) is the failure.
pub(super) fn read_reply(payload: &[u8]) -> Result<Fields<'_>, ApiFailure> {
    let fields = read_object(payload).map_err(|e| NatsError::new(ErrorCode::BadJson, e.to_string()))?;
    let Some((_, _, raw)) = fields.iter().find(|(k, ..)| k == "error") else { return Ok(fields) };
    let error = read_object(raw).map_err(|e| NatsError::new(ErrorCode::BadJson, e.to_string()))?;
    let code = num(&error, "code").unwrap_or(0);
    let description = text(&error, "description").unwrap_or_else(|| format!("JetStream API error {code}"));
    // 503 is JetStream's own "not enabled" (nats.deno gives it the no-responders code, "503").
    let kind = if code == 503 { ErrorCode::NoResponders } else { ErrorCode::ApiError };
    Err(ApiFailure {
        err_code: num(&error, "err_code").unwrap_or(0),
        error: NatsError::new(kind, description),
    })
}

/// A stream or consumer name as a subject token: not empty, no separator, wildcard or space.
fn check_name(what: &str, name: &str) -> Result<(), NatsError> {
    let bad = |c: char| matches!(c, '.' | '*' | '>') || c.is_whitespace() || c.is_control();
    if name.is_empty() || name.contains(bad) {
        return Err(NatsError::new(ErrorCode::InvalidOption, format!("invalid {what} name '{name}'")));
    }
    Ok(())
}

fn settings(opts: &PullOptions, mode: Mode) -> Result<Settings, NatsError> {
    Settings::new(opts, mode).map_err(|e| NatsError::new(ErrorCode::InvalidOption, e.message()))
}

impl Client {
    /// JetStream of this connection's account, with the default API prefix and timeout.
    pub fn jetstream(&self) -> JetStream {
        JetStream {
            client: self.clone(),
            prefix: DEFAULT_API_PREFIX.to_owned(),
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }
}

impl JetStream {
    /// JetStream of another domain (`$JS.<domain>.API`).
    pub fn domain(mut self, domain: &str) -> Self {
        self.prefix = format!("$JS.{domain}.API");
        self
    }

    /// How long publishes and API requests wait for their reply, ms.
    pub fn timeout(mut self, timeout_ms: u64) -> Self {
        self.timeout_ms = timeout_ms;
        self
    }

    /// Publishes and waits for the stream's acknowledgement.
    pub async fn publish(&self, subject: &str, payload: impl AsRef<[u8]>) -> Result<PubAck, NatsError> {
        self.publish_with(subject, None, payload, &PublishOptions::default()).await
    }

    /// Publishes with headers and expectations. No stream on the subject is an error with code
    /// `503`; a failed expectation or another API error carries the server's description.
    pub async fn publish_with(
        &self,
        subject: &str,
        headers: Option<&Headers>,
        payload: impl AsRef<[u8]>,
        opts: &PublishOptions,
    ) -> Result<PubAck, NatsError> {
        let mut h = headers.cloned().unwrap_or_default();
        let texts = [
            (MSG_ID, opts.msg_id.clone()),
            (EXPECTED_STREAM, opts.expect_stream.clone()),
            (EXPECTED_LAST_MSG_ID, opts.expect_last_msg_id.clone()),
            (EXPECTED_LAST_SEQ, opts.expect_last_sequence.map(|n| n.to_string())),
            (EXPECTED_LAST_SUBJECT_SEQ, opts.expect_last_subject_sequence.map(|n| n.to_string())),
        ];
        for (key, value) in texts {
            if let Some(v) = value {
                h.append(key, &v);
            }
        }
        let mut block = Vec::new();
        if !h.entries.is_empty() || h.code != 0 {
            h.encode(&mut block).map_err(|e| NatsError::new(ErrorCode::BadHeader, format!("{e:?}")))?;
        }
        let timeout = opts.timeout_ms.unwrap_or(self.timeout_ms);
        let headers = (!block.is_empty()).then_some(block.as_slice());
        let reply = self.request(subject, headers, payload.as_ref(), timeout).await?;
        let fields = read_reply(&reply.payload)?;
        let Some(stream) = text(&fields, "stream") else {
            return Err(NatsError::new(ErrorCode::ApiError, "invalid jetstream publish response"));
        };
        let duplicate = fields.iter().any(|(k, v, _)| k == "duplicate" && *v == Value::Bool(true));
        Ok(PubAck {
            stream,
            seq: num(&fields, "seq").unwrap_or(0),
            duplicate,
            domain: text(&fields, "domain"),
        })
    }

    /// A request whose no-responders answer means "JetStream not enabled" (code `503`).
    pub(super) async fn request(
        &self,
        subject: &str,
        headers: Option<&[u8]>,
        payload: &[u8],
        timeout_ms: u64,
    ) -> Result<super::Message, NatsError> {
        self.client.request_raw(subject, headers, payload, timeout_ms).await.map_err(|e| {
            if e.code == ErrorCode::NoResponders {
                NatsError::new(ErrorCode::NoResponders, "JetStream not enabled")
            } else {
                e
            }
        })
    }

    /// One API request, `<prefix>.<api>` with a JSON body; an error reply is the failure.
    pub(super) async fn api(&self, api: &str, body: &[u8]) -> Result<(), ApiFailure> {
        self.api_reply(api, body).await.map(|_| ())
    }

    /// As `api`, keeping the reply's JSON (read it with `read_reply`) for a caller that needs it.
    pub(super) async fn api_reply(&self, api: &str, body: &[u8]) -> Result<Vec<u8>, ApiFailure> {
        let subject = format!("{}.{api}", self.prefix);
        let reply = self.request(&subject, None, body, self.timeout_ms).await?;
        read_reply(&reply.payload)?;
        Ok(reply.payload)
    }

    /// Consumes the existing pull consumer `consumer` of `stream` for ever (until stopped,
    /// dropped, or an error the options say to give up on).
    pub fn consume(&self, stream: &str, consumer: &str, opts: &PullOptions) -> Result<JsMessages, NatsError> {
        self.pull(stream, consumer, opts, Mode::Consume)
    }

    /// Up to `max_messages` messages of `consumer`, waiting at most `expires_ms` (0: the default
    /// 30 s); the stream ends after them.
    pub fn fetch(
        &self,
        stream: &str,
        consumer: &str,
        max_messages: u64,
        expires_ms: u64,
    ) -> Result<JsMessages, NatsError> {
        let opts = PullOptions { max_messages, expires_ms, ..PullOptions::default() };
        self.pull(stream, consumer, &opts, Mode::Fetch)
    }

    fn pull(
        &self,
        stream: &str,
        consumer: &str,
        opts: &PullOptions,
        mode: Mode,
    ) -> Result<JsMessages, NatsError> {
        check_name("stream", stream)?;
        check_name("consumer", consumer)?;
        let settings = settings(opts, mode)?;
        let next_prefix = self.next_prefix(stream);
        let consumer = consumer.to_owned();
        JsMessages::start(self, stream, mode == Mode::Fetch, settings.expires_ms, move |now| {
            ConsumerRun::new(settings, mode, next_prefix, consumer, now)
        })
    }

    /// The messages of `stream` in order, exactly once, through a chain of ephemeral consumers
    /// this client creates (and recreates after a gap or a lost consumer).
    pub fn ordered(
        &self,
        stream: &str,
        ordered: &OrderedOptions,
        opts: &PullOptions,
    ) -> Result<JsMessages, NatsError> {
        check_name("stream", stream)?;
        let settings = settings(opts, Mode::Consume)?;
        let oc = OrderedConsumer::new(ordered.clone(), &nuid::next().to_string())
            .map_err(|e| NatsError::new(ErrorCode::InvalidOption, e.to_string()))?;
        let next_prefix = self.next_prefix(stream);
        JsMessages::start(self, stream, false, settings.expires_ms, move |_| {
            ConsumerRun::ordered(settings, Mode::Consume, next_prefix, oc)
        })
    }

    fn next_prefix(&self, stream: &str) -> String {
        format!("{}.CONSUMER.MSG.NEXT.{stream}", self.prefix)
    }
}

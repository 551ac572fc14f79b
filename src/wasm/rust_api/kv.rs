//! `Kv` (cargo feature `jetstream`): a KV bucket (ADR-8) on the stream `KV_<bucket>`, whose
//! subjects `$KV.<bucket>.<key>` hold each key's revisions. `js.create_kv` makes the stream,
//! `js.kv` binds an existing one; `get` reads the latest revision (a direct get when the stream
//! allows it, else `STREAM.MSG.GET`), `put` and `delete` publish one, `watch` (`kv_watch.rs`)
//! streams them. Keys and filters are checked here before they become subjects.
//!
//! Must not: update an existing stream's config, retry, or let a key that is not a plain
//! subject tail reach a subject (it would write to, or read, another key).

use super::jetstream::{DEFAULT_API_PREFIX, JetStream, PublishOptions, read_reply};
use super::kv_entry::{KV_OPERATION, KvEntry, KvOperation};
use crate::error::{ErrorCode, NatsError};
use crate::jetstream::NANOS_PER_MS;
use crate::proto::Headers;
use crate::proto::json::{ObjectWriter, Value};

/// Revisions a bucket may keep per key (ADR-8: 1 to 64).
const MAX_HISTORY: u64 = 64;

/// JetStream API `err_code`s: the stream does not exist; the message asked for does not.
const ERR_STREAM_NOT_FOUND: u64 = 10059;
const ERR_NO_MESSAGE_FOUND: u64 = 10037;

/// The status of a direct get that found nothing (ADR-31).
const STATUS_NOT_FOUND: u16 = 404;

/// Where a bucket's stream keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KvStorage {
    #[default]
    File,
    Memory,
}

/// The config of a new bucket; `Default` is nats.deno's defaults (one revision, no limits,
/// file storage, one replica).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvConfig {
    /// Revisions kept per key, 1 to 64.
    pub history: u64,
    /// Largest value, bytes; -1 for the server's max payload.
    pub max_value_size: i64,
    /// Largest bucket, bytes; -1 for no limit.
    pub max_bytes: i64,
    /// How long a revision lives, ms; 0 for ever.
    pub ttl_ms: u64,
    pub storage: KvStorage,
    pub replicas: u64,
    pub description: Option<String>,
}

impl Default for KvConfig {
    fn default() -> Self {
        KvConfig {
            history: 1,
            max_value_size: -1,
            max_bytes: -1,
            ttl_ms: 0,
            storage: KvStorage::File,
            replicas: 1,
            description: None,
        }
    }
}

/// A KV bucket. Cloning shares the connection.
#[derive(Clone)]
pub struct Kv {
    pub(super) js: JetStream,
    pub(super) bucket: String,
    /// `KV_<bucket>`.
    pub(super) stream: String,
    /// `$KV.<bucket>.`, the subject of a key without the key.
    pub(super) prefix: String,
    /// The stream answers direct gets (`allow_direct`).
    direct: bool,
}

fn invalid(what: &str, name: &str, why: &str) -> NatsError {
    NatsError::new(ErrorCode::BadSubject, format!("invalid {what} '{name}': {why}"))
}

/// A bucket name (nats.deno: `^[-\w]+$`): one subject token.
fn check_bucket(bucket: &str) -> Result<(), NatsError> {
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if bucket.is_empty() || !bucket.chars().all(ok) {
        return Err(invalid("bucket name", bucket, "use only letters, digits, '-' and '_'"));
    }
    Ok(())
}

/// A key (ADR-8: `[-/_=.a-zA-Z0-9]+`, no leading or trailing `.`, not `_kv…`, which is
/// reserved), or with `filter` a watch filter, whose tokens may also be `*`, or `>` at the end.
pub(super) fn check_key(key: &str, filter: bool) -> Result<(), NatsError> {
    let what = if filter { "key filter" } else { "key" };
    if key.is_empty() {
        return Err(invalid(what, key, "empty"));
    }
    if key.starts_with('.') || key.ends_with('.') {
        return Err(invalid(what, key, "starts or ends with '.'"));
    }
    if key.starts_with("_kv") {
        return Err(invalid(what, key, "keys starting with '_kv' are reserved"));
    }
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_' | '=');
    let tokens: Vec<&str> = key.split('.').collect();
    for (i, token) in tokens.iter().enumerate() {
        match *token {
            "" => return Err(invalid(what, key, "empty token ('..')")),
            "*" if filter => {}
            ">" if filter && i == tokens.len() - 1 => {}
            ">" if filter => return Err(invalid(what, key, "'>' must be the last token")),
            t if t.chars().all(plain) => {}
            _ if filter => {
                return Err(invalid(
                    what,
                    key,
                    "use letters, digits, '-/_=.', and '*' or '>' as whole tokens",
                ));
            }
            _ => return Err(invalid(what, key, "use only letters, digits and '-/_=.'")),
        }
    }
    Ok(())
}

/// Reads the stream info reply's `config.allow_direct`.
fn allow_direct(reply: &[u8]) -> Result<bool, NatsError> {
    let fields = read_reply(reply)?;
    let Some((_, _, config)) = fields.iter().find(|(k, ..)| k == "config") else {
        return Err(NatsError::new(ErrorCode::ApiError, "stream info without config"));
    };
    let config = read_reply(config)?;
    Ok(config.iter().any(|(k, v, _)| k == "allow_direct" && *v == Value::Bool(true)))
}

impl JetStream {
    /// Binds the existing bucket `bucket` (its stream's info says whether it allows direct gets).
    /// A missing bucket is an `API_ERROR` saying so.
    pub async fn kv(&self, bucket: &str) -> Result<Kv, NatsError> {
        check_bucket(bucket)?;
        let stream = format!("KV_{bucket}");
        let reply = self.api_reply(&format!("STREAM.INFO.{stream}"), b"").await.map_err(|f| {
            if f.err_code == ERR_STREAM_NOT_FOUND {
                NatsError::new(ErrorCode::ApiError, format!("KV bucket '{bucket}' not found"))
            } else {
                f.error
            }
        })?;
        Ok(self.bound(bucket, stream, allow_direct(&reply)?))
    }

    /// Creates the bucket `bucket` (the stream `KV_<bucket>` as ADR-8 sets it up). Creating one
    /// that exists with the same config returns it; with another config it is the API's error.
    pub async fn create_kv(&self, bucket: &str, config: &KvConfig) -> Result<Kv, NatsError> {
        check_bucket(bucket)?;
        if !(1..=MAX_HISTORY).contains(&config.history) {
            let msg = format!("history must be 1 to {MAX_HISTORY}, not {}", config.history);
            return Err(NatsError::new(ErrorCode::InvalidOption, msg));
        }
        let stream = format!("KV_{bucket}");
        let mut body = ObjectWriter::default();
        body.str("name", &stream)
            .str_list("subjects", &[format!("$KV.{bucket}.>")])
            .str("retention", "limits")
            .int("max_msgs_per_subject", config.history)
            .raw("max_bytes", &config.max_bytes.max(-1).to_string())
            .raw("max_msg_size", &config.max_value_size.max(-1).to_string())
            .str("storage", if config.storage == KvStorage::Memory { "memory" } else { "file" })
            .int("num_replicas", config.replicas.max(1))
            .str("discard", "new")
            .bool("allow_rollup_hdrs", true)
            .bool("allow_direct", true)
            .opt_str("description", config.description.as_deref());
        if config.ttl_ms > 0 {
            body.int("max_age", config.ttl_ms.saturating_mul(NANOS_PER_MS));
        }
        let reply = self.api_reply(&format!("STREAM.CREATE.{stream}"), body.finish().as_bytes()).await?;
        Ok(self.bound(bucket, stream, allow_direct(&reply)?))
    }

    fn bound(&self, bucket: &str, stream: String, direct: bool) -> Kv {
        Kv { js: self.clone(), bucket: bucket.to_owned(), stream, prefix: format!("$KV.{bucket}."), direct }
    }
}

impl Kv {
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The subject a write of `key` goes to: another domain's JetStream is reached through its
    /// API prefix (ADR-19).
    fn write_subject(&self, key: &str) -> String {
        if self.js.prefix == DEFAULT_API_PREFIX {
            format!("{}{key}", self.prefix)
        } else {
            format!("{}.{}{key}", self.js.prefix, self.prefix)
        }
    }

    /// The latest value of `key` and its revision; `None` when the key was never put, or its
    /// latest revision is a delete or purge.
    pub async fn get(&self, key: &str) -> Result<Option<KvEntry>, NatsError> {
        check_key(key, false)?;
        let subject = format!("{}{key}", self.prefix);
        let entry =
            if self.direct { self.direct_get(&subject).await? } else { self.msg_get(&subject).await? };
        Ok(entry.filter(|e| e.operation == KvOperation::Put))
    }

    async fn direct_get(&self, subject: &str) -> Result<Option<KvEntry>, NatsError> {
        let api = format!("{}.DIRECT.GET.{}.{subject}", self.js.prefix, self.stream);
        let m = self.js.request(&api, None, b"", self.js.timeout_ms).await?;
        match m.status {
            0 => KvEntry::from_direct(&self.bucket, &self.prefix, m).map(Some),
            STATUS_NOT_FOUND => Ok(None),
            code => {
                let why = m.headers.map(|h| h.description).unwrap_or_default();
                Err(NatsError::new(ErrorCode::ApiError, format!("direct get failed: {code} {why}")))
            }
        }
    }

    async fn msg_get(&self, subject: &str) -> Result<Option<KvEntry>, NatsError> {
        let body = ObjectWriter::default().str("last_by_subj", subject).finish();
        let reply = match self.js.api_reply(&format!("STREAM.MSG.GET.{}", self.stream), body.as_bytes()).await
        {
            Ok(reply) => reply,
            Err(f) if f.err_code == ERR_NO_MESSAGE_FOUND => return Ok(None),
            Err(f) => return Err(f.error),
        };
        let fields = read_reply(&reply)?;
        let Some((_, _, message)) = fields.iter().find(|(k, ..)| k == "message") else {
            return Err(NatsError::new(ErrorCode::ApiError, "message get reply without message"));
        };
        KvEntry::from_stored(&self.bucket, &self.prefix, message).map(Some)
    }

    /// Stores `value` as the new revision of `key`; returns that revision.
    pub async fn put(&self, key: &str, value: impl AsRef<[u8]>) -> Result<u64, NatsError> {
        check_key(key, false)?;
        Ok(self.js.publish(&self.write_subject(key), value).await?.seq)
    }

    /// Marks `key` deleted (a `KV-Operation: DEL` revision); its history stays. Returns the
    /// marker's revision.
    pub async fn delete(&self, key: &str) -> Result<u64, NatsError> {
        check_key(key, false)?;
        let mut h = Headers::default();
        h.append(KV_OPERATION, KvOperation::Del.as_str());
        let ack =
            self.js.publish_with(&self.write_subject(key), Some(&h), b"", &PublishOptions::default()).await?;
        Ok(ack.seq)
    }
}

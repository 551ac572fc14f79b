//! Server `-ERR` text → [`ErrorCode`], and the permission context of a "Permissions Violation"
//! (`Permissions Violation for (Publish|Subscription) to "<subject>"( using queue "<q>")?`),
//! following docs/contract.md "Permission errors routing" and "-ERR mapping".
//!
//! Must not: decide what happens to the connection or which subscription/request is ended; the
//! connection routes the result (`inbound.rs`). Never panics on any text.

use crate::error::{ErrorCode, NatsError};
use crate::proto::json::ObjectWriter;

/// Which operation the server refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PermOp {
    Publish,
    Subscription,
}

/// nats.deno's `permissionContext`: `{operation, subject, queue?}`. The field order is the JSON
/// order the shim documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PermissionContext {
    pub(super) operation: PermOp,
    pub(super) subject: String,
    pub(super) queue: Option<String>,
}

impl PermissionContext {
    /// The JSON carried in SUB_END / REQ_END / STATUS field 2.
    pub(super) fn to_json(&self) -> String {
        let operation = match self.operation {
            PermOp::Publish => "publish",
            PermOp::Subscription => "subscription",
        };
        ObjectWriter::default()
            .str("operation", operation)
            .str("subject", &self.subject)
            .opt_str("queue", self.queue.as_deref())
            .finish()
    }
}

/// A classified `-ERR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ServerError {
    pub(super) error: NatsError,
    /// Set for a permissions violation whose subject could be read.
    pub(super) permission: Option<PermissionContext>,
    /// The server reported our connection as stale (it closes it next).
    pub(super) stale: bool,
}

/// The text without the single quotes the server puts around it (either may be absent).
fn unquote(text: &str) -> &str {
    let text = text.strip_prefix('\'').unwrap_or(text);
    text.strip_suffix('\'').unwrap_or(text)
}

/// Maps `-ERR` text (as sent, quotes included) by case-insensitive substring, in the order
/// nats.deno checks them. A permission violation's message is the text as sent, quotes included,
/// as nats.deno reports it (`'Permissions Violation for Subscription to "bar"'`); other messages
/// are unquoted.
pub(super) fn classify(raw: &str) -> ServerError {
    let text = unquote(raw);
    let lower = text.to_ascii_lowercase();
    let code = if lower.contains("permissions violation") {
        ErrorCode::PermissionsViolation
    } else if lower.contains("authorization violation") {
        ErrorCode::AuthorizationViolation
    } else if lower.contains("user authentication expired") {
        ErrorCode::AuthenticationExpired
    } else if lower.contains("account authentication expired") {
        ErrorCode::AccountExpired
    } else if lower.contains("authentication timeout") {
        ErrorCode::AuthenticationTimeout
    } else {
        ErrorCode::ProtocolError
    };
    let permission = if code == ErrorCode::PermissionsViolation { parse_permission(text) } else { None };
    let message = if code == ErrorCode::PermissionsViolation { raw } else { text };
    ServerError {
        error: NatsError::new(code, message),
        permission,
        stale: lower.contains("stale connection"),
    }
}

/// Reads `(Publish|Subscription) to "<subject>"` and an optional `using queue "<q>"`.
/// `to_ascii_lowercase` keeps byte offsets, so positions found in the lower-cased copy index the
/// original text.
pub(super) fn parse_permission(text: &str) -> Option<PermissionContext> {
    let lower = text.to_ascii_lowercase();
    let (operation, start) =
        [("publish to \"", PermOp::Publish), ("subscription to \"", PermOp::Subscription)]
            .iter()
            .filter_map(|(needle, op)| lower.find(needle).map(|i| (*op, i + needle.len())))
            .min_by_key(|(_, i)| *i)?;
    let subject = quoted(text, start)?;
    let queue = lower
        .find("using queue \"")
        .and_then(|i| quoted(text, i + "using queue \"".len()))
        .filter(|q| !q.is_empty());
    Some(PermissionContext { operation, subject, queue })
}

/// The text from `start` up to the next `"`; `None` if unterminated or empty.
fn quoted(text: &str, start: usize) -> Option<String> {
    let rest = text.get(start..)?;
    let end = rest.find('"')?;
    let s = &rest[..end];
    (!s.is_empty()).then(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_codes_case_insensitively() {
        let c = |t: &str| classify(t).error.code;
        assert_eq!(c("Authorization Violation"), ErrorCode::AuthorizationViolation);
        assert_eq!(c("User Authentication Expired"), ErrorCode::AuthenticationExpired);
        assert_eq!(c("Account Authentication Expired"), ErrorCode::AccountExpired);
        assert_eq!(c("Authentication Timeout"), ErrorCode::AuthenticationTimeout);
        assert_eq!(c("Unknown Protocol Operation"), ErrorCode::ProtocolError);
        assert!(classify("Stale Connection").stale);
        assert_eq!(c("permissions violation for publish to \"x\""), ErrorCode::PermissionsViolation);
        assert_eq!(c("'Authorization Violation'"), ErrorCode::AuthorizationViolation);
    }

    #[test]
    fn permission_messages_keep_the_quotes_others_lose_them() {
        let raw = "'Permissions Violation for Subscription to \"bar\"'";
        let e = classify(raw);
        assert_eq!(e.error.message, raw);
        assert_eq!(e.permission.unwrap().subject, "bar");
        assert_eq!(classify("'Authorization Violation'").error.message, "Authorization Violation");
        assert_eq!(classify("Stale Connection'").error.message, "Stale Connection");
    }

    #[test]
    fn parses_permission_context() {
        let e = classify("Permissions Violation for Subscription to \"foo.>\" using queue \"q1\"");
        let p = e.permission.unwrap();
        assert_eq!(p.operation, PermOp::Subscription);
        assert_eq!(p.subject, "foo.>");
        assert_eq!(p.queue.as_deref(), Some("q1"));
        assert_eq!(p.to_json(), r#"{"operation":"subscription","subject":"foo.>","queue":"q1"}"#);
        let p = parse_permission("Permissions Violation for Publish to \"a.b\"").unwrap();
        assert_eq!(p.to_json(), r#"{"operation":"publish","subject":"a.b"}"#);
        assert_eq!(parse_permission("Permissions Violation for Publish to \"unterminated"), None);
        assert_eq!(parse_permission("Permissions Violation"), None);
    }
}

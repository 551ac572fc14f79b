//! Error codes shared by every layer: one variant per nats.deno `ErrorCode` value, so that the
//! shim can hand the string to `NatsError` without a lookup table of its own.
//! This module holds no policy: which operation raises which code is decided where it happens.

use std::fmt;

/// Declares `ErrorCode` from one table of `Variant => "nats.deno value"` rows, so the enum, its
/// string values and the reverse lookup cannot drift apart.
macro_rules! error_codes {
    ($($variant:ident => $value:literal,)*) => {
        /// The nats.deno v1 `ErrorCode` values this client raises.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            /// Every code, for reverse lookups.
            const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The string value of the matching nats.deno `ErrorCode` member.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $value,)*
                }
            }
        }
    };
}

error_codes! {
    ApiError => "BAD API",
    BadAuthentication => "BAD_AUTHENTICATION",
    BadCreds => "BAD_CREDS",
    BadHeader => "BAD_HEADER",
    BadJson => "BAD_JSON",
    BadPayload => "BAD_PAYLOAD",
    BadSubject => "BAD_SUBJECT",
    Cancelled => "CANCELLED",
    ConnectionClosed => "CONNECTION_CLOSED",
    ConnectionDraining => "CONNECTION_DRAINING",
    ConnectionRefused => "CONNECTION_REFUSED",
    ConnectionTimeout => "CONNECTION_TIMEOUT",
    Disconnect => "DISCONNECT",
    InvalidOption => "INVALID_OPTION",
    InvalidPayload => "INVALID_PAYLOAD",
    MaxPayloadExceeded => "MAX_PAYLOAD_EXCEEDED",
    NoResponders => "503",
    NotFunction => "NOT_FUNC",
    RequestError => "REQUEST_ERROR",
    ServerOptionNotAvailable => "SERVER_OPT_NA",
    SubClosed => "SUB_CLOSED",
    SubDraining => "SUB_DRAINING",
    // nats-wasm: a subscriber fell too far behind (client pending limits, or a WebSocket frame
    // of 64 MiB or more that the runtime refused); nats.go calls it ErrSlowConsumer.
    SlowConsumer => "SLOW_CONSUMER",
    Timeout => "TIMEOUT",
    Tls => "TLS",
    Unknown => "UNKNOWN_ERROR",
    WssRequired => "WSS_REQUIRED",
    AuthorizationViolation => "AUTHORIZATION_VIOLATION",
    AuthenticationExpired => "AUTHENTICATION_EXPIRED",
    ProtocolError => "NATS_PROTOCOL_ERR",
    PermissionsViolation => "PERMISSIONS_VIOLATION",
    AuthenticationTimeout => "AUTHENTICATION_TIMEOUT",
    AccountExpired => "ACCOUNT_EXPIRED",
}

impl ErrorCode {
    /// The code whose `as_str` is `s`.
    pub fn parse(s: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// True for the codes that count towards the "two auth errors in a row" abort rule.
    pub fn is_auth_error(self) -> bool {
        matches!(
            self,
            ErrorCode::AuthorizationViolation | ErrorCode::AuthenticationExpired | ErrorCode::AccountExpired
        )
    }
}

/// An error with its nats.deno code and a human-readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NatsError {
    pub code: ErrorCode,
    pub message: String,
}

impl NatsError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        NatsError { code, message: message.into() }
    }
}

impl fmt::Display for NatsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code.as_str())
    }
}

impl std::error::Error for NatsError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_nats_deno_values() {
        assert_eq!(ErrorCode::NoResponders.as_str(), "503");
        assert_eq!(ErrorCode::ApiError.as_str(), "BAD API");
        assert_eq!(ErrorCode::ProtocolError.as_str(), "NATS_PROTOCOL_ERR");
        assert!(ErrorCode::AccountExpired.is_auth_error());
        for &code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::parse("nope"), None);
        assert!(!ErrorCode::PermissionsViolation.is_auth_error());
    }
}

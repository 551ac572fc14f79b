//! Credentials, as pure functions over bytes: nkey seeds decoded and checked ([`nkey`]), the
//! server nonce signed with Ed25519 (docs/contract.md "Authentication"), `.creds` files parsed ([`creds`]),
//! NATS JWTs encoded and signed ([`jwt`], for tests and tools that mint credentials), and the
//! [`Authenticator`](crate::client::Authenticator)s built from them ([`authenticators`]).
//! The cryptography is the `nkeys` crate's (ed25519-dalek underneath).
//!
//! Must not: do I/O, read a clock, draw random numbers (callers pass random bytes in, so the wasm
//! driver and native tools pick their own source), keep a seed beyond the call that uses it, or
//! panic on any input: malformed input is an [`NkeyError`](nkey::NkeyError) or a `BAD_CREDS`
//! [`NatsError`](crate::error::NatsError) whose message says what is wrong.

pub mod authenticators;
pub mod base64;
pub mod creds;
pub mod jwt;
pub mod nkey;

//! The NATS client protocol as bytes, with no I/O: [`parser`] turns server bytes into
//! [`ServerOp`]s, [`encode`] writes client ops, [`headers`] reads and writes the `NATS/1.0`
//! header block, [`info`] holds the INFO and CONNECT JSON shapes, [`json`] reads and writes them.
//! Nothing here keeps connection state beyond the bytes of one op.

pub mod encode;
pub mod headers;
pub mod info;
pub mod json;
pub mod parser;

pub use headers::{HeaderError, Headers};
pub use info::{ConnectInfo, ServerInfo};
pub use parser::{Limits, ParseError, ServerOp, parse};

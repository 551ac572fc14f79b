//! The fuzz targets' checks, one function per target over arbitrary bytes, shared by the
//! cargo-fuzz binaries (`fuzz_targets/*.rs`, which only hand libFuzzer's input to them) and by
//! the replay tests (`replay.rs`), which run every saved input through the same function. Each
//! check panics when an invariant breaks; it must not test semantics (the engine's unit tests do)
//! or keep state between inputs.

mod checks;
#[cfg(test)]
mod replay;

pub use checks::{creds, headers, parser, seed};

/// A target's check: panics when an invariant breaks on `data`.
pub type Check = fn(&[u8]);

/// Every target by its cargo-fuzz name (`[[bin]]` in Cargo.toml, `fuzz_targets/<name>.rs`) and
/// its check; the replay tests prove this list and the binaries agree.
pub const TARGETS: &[(&str, Check)] =
    &[("parser", parser), ("headers", headers), ("creds", creds), ("seed", seed)];

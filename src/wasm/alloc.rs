//! The JS package's global allocator: talc instead of Rust's default dlmalloc, behind the cargo
//! feature `talc` that `scripts/build.sh` turns on (`docs/design.md` "Size" has the measurements:
//! about 2.5 KB less gzipped .wasm, at the same benchmark rows).
//!
//! Must not: be on by default. A `#[global_allocator]` in a library binds every program that links
//! it, and a Rust app using this crate (the Rust API) may bring its own, which would then fail to
//! link; so only the package build opts in.

#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

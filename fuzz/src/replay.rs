//! Replays every saved input of every target through the target's own check, as ordinary tests:
//! the committed regression inputs (`fuzz/regressions/<target>/`, one file per input that once
//! broke an invariant or guards an edge), the committed seeds (`fuzz/seeds/<target>/`), and any
//! crash libFuzzer saved locally (`fuzz/artifacts/<target>/`, not committed). A panic fails the
//! test and names the file. Must not: fuzz (scripts/fuzz.sh does), or skip a target silently.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use crate::{Check, TARGETS};

/// The folders (under fuzz/) whose files are replayed for each target.
const SOURCES: [&str; 3] = ["regressions", "seeds", "artifacts"];

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The files of `fuzz/<source>/<target>/`, sorted; none when the folder does not exist.
fn inputs(source: &str, target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join(source).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    files
}

/// Runs `check` on each file; returns how many ran and the files whose run panicked.
fn replay(check: Check, files: &[PathBuf]) -> (usize, Vec<String>) {
    let mut crashed = Vec::new();
    for file in files {
        let data = std::fs::read(file).expect("a readable input file");
        if catch_unwind(AssertUnwindSafe(|| check(&data))).is_err() {
            crashed.push(file.display().to_string());
        }
    }
    (files.len(), crashed)
}

fn replay_target(target: &str) {
    let check = TARGETS.iter().find(|(name, _)| *name == target).expect("a known target").1;
    let regressions = inputs("regressions", target);
    // a target without committed regression inputs would pass on nothing
    assert!(!regressions.is_empty(), "fuzz/regressions/{target}/ has no input");
    let files: Vec<PathBuf> = SOURCES.iter().flat_map(|s| inputs(s, target)).collect();
    let (ran, crashed) = replay(check, &files);
    println!("{target}: replayed {ran} inputs");
    assert_eq!(crashed, Vec::<String>::new(), "{target}: inputs that crash the check");
}

#[test]
fn replay_parser() {
    replay_target("parser");
}

#[test]
fn replay_headers() {
    replay_target("headers");
}

#[test]
fn replay_creds() {
    replay_target("creds");
}

#[test]
fn replay_seed() {
    replay_target("seed");
}

/// Every cargo-fuzz target has a check in TARGETS and a replay test above, and the other way.
#[test]
fn every_target_is_replayed() {
    let mut bins: Vec<String> = std::fs::read_dir(fuzz_dir().join("fuzz_targets"))
        .expect("fuzz/fuzz_targets/")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| p.file_stem().expect("a file name").to_string_lossy().into_owned())
        .collect();
    bins.sort();
    let mut listed: Vec<String> = TARGETS.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(bins, listed, "fuzz_targets/*.rs and TARGETS differ");
    assert!(!listed.is_empty(), "no fuzz target at all");
}

/// The marker input that makes `canary` panic, as a target's invariant breaking would.
const MARKER: &[u8] = b"nats-wasm-fuzz: crash here\n";

fn canary(data: &[u8]) {
    assert_ne!(data, MARKER, "the canary's marker input");
}

/// The replay itself can fail: the committed marker input under fuzz/regressions/canary/ makes
/// the canary check panic, and the replay reports exactly that file (a replay that swallowed
/// panics, or read no file, would pass every target on anything).
#[test]
fn replay_reports_a_crashing_input() {
    let files = inputs("regressions", "canary");
    let (ran, crashed) = replay(canary, &files);
    assert_eq!(ran, 2, "fuzz/regressions/canary/ holds the marker and one harmless input");
    assert_eq!(crashed.len(), 1, "the marker crashes, the other input does not: {crashed:?}");
    assert!(crashed[0].ends_with("marker"), "{crashed:?}");
    assert!(Path::new(&crashed[0]).is_file());
}

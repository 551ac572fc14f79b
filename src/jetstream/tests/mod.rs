//! Scenario tests for the JetStream machines, on a virtual clock: each drives a machine through a
//! story (a consume refilling, a fetch ending, heartbeats missed across a reconnect, an ordered
//! consumer's chain) and asserts the exact actions, plus hostile input that must give error
//! values, never a panic.

mod hostile;
mod legacy;
mod ordered_chain;
mod pull_consume;
mod pull_fetch;
mod recovery;
mod run;

use super::pull::{Action, Mode, PullConsumer, PullOptions, Settings};
use crate::client::{Fate, HookMsg, HookOp, SubHook};
use crate::proto::Headers;

/// A fixed pseudo-random sequence (xorshift64) for the hostile-input rounds: the same inputs
/// every run, so a failure can be replayed.
fn xorshift() -> impl FnMut() -> u64 {
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// Every op a hook has queued, in order.
fn hook_ops(hook: &mut impl SubHook) -> Vec<HookOp> {
    std::iter::from_fn(|| hook.poll_op()).collect()
}

/// Feeds one message on `inbox` to a hook: a user message (`code` 0, no block) or a status (`code`
/// as the engine read it inline, `block` the raw header block); returns its fate and the ops.
fn feed_hook(
    hook: &mut impl SubHook,
    inbox: &str,
    (code, block): (u16, Option<&str>),
    reply: Option<&str>,
    payload: &str,
    now: u64,
) -> (Fate, Vec<HookOp>) {
    let m = HookMsg {
        subject: inbox.as_bytes(),
        reply: reply.map(str::as_bytes),
        headers: block.map(str::as_bytes),
        payload: payload.as_bytes(),
        status: code,
    };
    let fate = hook.on_message(&m, now);
    (fate, hook_ops(hook))
}

/// Starts a run at `now` and returns it with its first actions.
fn start(opts: PullOptions, mode: Mode, now: u64) -> (PullConsumer, Vec<Action>) {
    let settings = Settings::new(&opts, mode).expect("valid options");
    let mut pull = PullConsumer::new(settings, mode, now);
    let actions = drain(&mut pull);
    (pull, actions)
}

fn drain(pull: &mut PullConsumer) -> Vec<Action> {
    std::iter::from_fn(|| pull.poll_action()).collect()
}

/// Feeds a raw status header block through the one header decoder, as the driver will.
fn status(pull: &mut PullConsumer, block: &str, now: u64) -> Vec<Action> {
    let h = Headers::decode(block.as_bytes()).expect("valid block");
    pull.on_status(h.code, &h.description, "", |k| h.get(k), now);
    drain(pull)
}

fn message(pull: &mut PullConsumer, size: u64, now: u64) -> Vec<Action> {
    pull.on_message(size, now);
    drain(pull)
}

/// The pull action with the body nats.deno would send for these numbers.
fn pull_action(batch: u64, max_bytes: u64, idle_heartbeat_ns: u64, expires_ns: u64) -> Action {
    Action::Pull {
        body: format!(
            r#"{{"batch":{batch},"max_bytes":{max_bytes},"idle_heartbeat":{idle_heartbeat_ns},"expires":{expires_ns}}}"#
        ),
        batch,
        max_bytes,
    }
}

/// The pull of the default options (30 s expires, 15 s heartbeat).
fn default_pull(batch: u64) -> Action {
    pull_action(batch, 0, 15_000_000_000, 30_000_000_000)
}

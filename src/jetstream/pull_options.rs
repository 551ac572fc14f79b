//! The options of a pull run (consume, fetch, next) and their defaults and limits
//! (docs/jetstream.md "Pull consumer: options"): what the user gave, checked, with every default
//! applied. Must not: hold run state or produce actions (`pull.rs` does).

use super::NANOS_PER_MS;

/// Messages per pull when the user gives no max_messages (nats.deno; ADR-37 suggests 100..1000).
pub const DEFAULT_MAX_MESSAGES: u64 = 100;
/// ms a pull request lives on the server when the user gives no expires (ADR-37: 30 s).
pub const DEFAULT_EXPIRES_MS: u64 = 30_000;
/// Shortest expires a user may set, ms: shorter pulls only churn requests on the server (ADR-37).
pub const MIN_EXPIRES_MS: u64 = 1_000;
/// Longest idle heartbeat, ms: the default (expires/2) is capped here so a long pull still notices
/// a dead server within a minute (two misses) (ADR-37).
pub const MAX_IDLE_HEARTBEAT_MS: u64 = 30_000;
/// The client-side timer of fetch/next is expires × 105/100: it must outlive the server-side
/// expiry (ADR-37) so the server's 408 normally ends the fetch first.
const FETCH_TIMER_PERCENT: u64 = 105;

/// What the user asked for, in milliseconds where time. 0 (or false) means "not set, use the
/// default", as nats.deno reads every option with `||`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PullOptions {
    pub max_messages: u64,
    pub max_bytes: u64,
    pub expires_ms: u64,
    pub idle_heartbeat_ms: u64,
    /// consume only.
    pub threshold_messages: u64,
    /// consume only.
    pub threshold_bytes: u64,
    /// consume only: stop instead of retrying when the stream or consumer is gone.
    pub abort_on_missing_resource: bool,
    /// Never send consumer checks: a reset just re-pulls.
    pub bind: bool,
}

/// `consume()` refills for ever; `fetch()`/`next()` send one pull and end with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Consume,
    Fetch,
}

/// Options a user may not combine or set (nats.deno throws these messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionError {
    BothLimits,
    ExpiresTooShort,
    /// expires in nanoseconds does not fit in u64 (more than about 584 years).
    ExpiresTooLarge,
}

impl OptionError {
    pub fn message(self) -> &'static str {
        match self {
            OptionError::BothLimits => "only specify one of max_messages or max_bytes",
            OptionError::ExpiresTooShort => "expires should be at least 1000ms",
            OptionError::ExpiresTooLarge => "expires is too large",
        }
    }
}

/// The options with every default applied (docs/jetstream.md "Pull consumer: options").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub max_messages: u64,
    /// 0 = no byte limit.
    pub max_bytes: u64,
    pub expires_ms: u64,
    /// Nanoseconds: the default (expires/2) need not be a whole millisecond.
    pub idle_heartbeat_ns: u64,
    /// Refill when pending messages fall to this (consume only; 0 in fetch mode).
    pub threshold_messages: u64,
    /// Refill when pending bytes fall to this (consume only, and only with max_bytes).
    pub threshold_bytes: u64,
    pub abort_on_missing_resource: bool,
    pub bind: bool,
}

/// `round(0.75 × max)`, at least 1: nats.deno's default threshold (`Math.round(max * .75) || 1`).
fn three_quarters(max: u64) -> u64 {
    (((u128::from(max) * 3 + 2) / 4) as u64).max(1)
}

impl Settings {
    pub fn new(opts: &PullOptions, mode: Mode) -> Result<Settings, OptionError> {
        if opts.max_messages != 0 && opts.max_bytes != 0 {
            return Err(OptionError::BothLimits);
        }
        // A byte-limited pull still needs a batch: with none the server sends one message and ends
        // the request.
        let max_messages = if opts.max_messages == 0 { DEFAULT_MAX_MESSAGES } else { opts.max_messages };
        let expires_ms = if opts.expires_ms == 0 { DEFAULT_EXPIRES_MS } else { opts.expires_ms };
        if expires_ms < MIN_EXPIRES_MS {
            return Err(OptionError::ExpiresTooShort);
        }
        let expires_ns = expires_ms.checked_mul(NANOS_PER_MS).ok_or(OptionError::ExpiresTooLarge)?;
        let idle_heartbeat_ns = if opts.idle_heartbeat_ms == 0 {
            expires_ns / 2
        } else {
            opts.idle_heartbeat_ms.min(MAX_IDLE_HEARTBEAT_MS) * NANOS_PER_MS
        }
        .min(MAX_IDLE_HEARTBEAT_MS * NANOS_PER_MS);
        let (threshold_messages, threshold_bytes) = match mode {
            Mode::Consume => (
                if opts.threshold_messages == 0 {
                    three_quarters(max_messages)
                } else {
                    opts.threshold_messages
                },
                if opts.threshold_bytes == 0 { three_quarters(opts.max_bytes) } else { opts.threshold_bytes },
            ),
            Mode::Fetch => (0, 0),
        };
        Ok(Settings {
            max_messages,
            max_bytes: opts.max_bytes,
            expires_ms,
            idle_heartbeat_ns,
            threshold_messages,
            threshold_bytes,
            abort_on_missing_resource: opts.abort_on_missing_resource,
            bind: opts.bind,
        })
    }

    /// The heartbeat monitor's interval, whole ms (rounded up: never stricter than the server).
    pub fn idle_heartbeat_ms(&self) -> u64 {
        self.idle_heartbeat_ns.div_ceil(NANOS_PER_MS)
    }

    /// The client-side end of a fetch/next, ms after it starts: `round(expires × 1.05)`.
    pub fn fetch_timer_ms(&self) -> u64 {
        ((u128::from(self.expires_ms) * u128::from(FETCH_TIMER_PERCENT) + 50) / 100) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(opts: PullOptions, mode: Mode) -> Settings {
        Settings::new(&opts, mode).unwrap()
    }

    #[test]
    fn defaults() {
        let s = settings(PullOptions::default(), Mode::Consume);
        assert_eq!(
            s,
            Settings {
                max_messages: 100,
                max_bytes: 0,
                expires_ms: 30_000,
                idle_heartbeat_ns: 15_000_000_000,
                threshold_messages: 75,
                threshold_bytes: 1,
                abort_on_missing_resource: false,
                bind: false,
            }
        );
        assert_eq!(s.fetch_timer_ms(), 31_500);
        let f = settings(PullOptions::default(), Mode::Fetch);
        assert_eq!((f.threshold_messages, f.threshold_bytes), (0, 0));
    }

    #[test]
    fn idle_heartbeat_default_and_cap() {
        let s = |expires_ms, idle_heartbeat_ms| {
            settings(PullOptions { expires_ms, idle_heartbeat_ms, ..Default::default() }, Mode::Fetch)
        };
        assert_eq!(s(1_001, 0).idle_heartbeat_ns, 500_500_000, "half of an odd expires, exactly");
        assert_eq!(s(1_001, 0).idle_heartbeat_ms(), 501, "the monitor rounds up");
        assert_eq!(s(120_000, 0).idle_heartbeat_ns, 30_000_000_000, "capped at 30 s");
        assert_eq!(s(120_000, 45_000).idle_heartbeat_ns, 30_000_000_000, "a user value is capped too");
        assert_eq!(s(5_000, 700).idle_heartbeat_ns, 700_000_000);
        assert_eq!(s(1_000, 0).fetch_timer_ms(), 1_050);
        assert_eq!(s(1_010, 0).fetch_timer_ms(), 1_061, "1060.5 rounds up");
    }

    #[test]
    fn thresholds_round_like_math_round() {
        for (max, want) in [
            (1, 1),
            (2, 2),
            (3, 2),
            (4, 3),
            (5, 4),
            (6, 5),
            (10, 8),
            (100, 75),
            (u64::MAX, 13835058055282163711),
        ] {
            assert_eq!(three_quarters(max), want, "{max}");
        }
        assert_eq!(three_quarters(0), 1);
        let s = settings(
            PullOptions { max_bytes: 1000, threshold_messages: 7, ..Default::default() },
            Mode::Consume,
        );
        assert_eq!((s.max_messages, s.threshold_messages, s.threshold_bytes), (100, 7, 750));
    }

    #[test]
    fn option_errors() {
        let both = PullOptions { max_messages: 1, max_bytes: 1, ..Default::default() };
        assert_eq!(Settings::new(&both, Mode::Consume), Err(OptionError::BothLimits));
        let short = PullOptions { expires_ms: 999, ..Default::default() };
        assert_eq!(Settings::new(&short, Mode::Fetch), Err(OptionError::ExpiresTooShort));
        let long = PullOptions { expires_ms: u64::MAX / NANOS_PER_MS + 1, ..Default::default() };
        assert_eq!(Settings::new(&long, Mode::Fetch), Err(OptionError::ExpiresTooLarge));
        let longest = PullOptions { expires_ms: u64::MAX / NANOS_PER_MS, ..Default::default() };
        assert!(Settings::new(&longest, Mode::Fetch).is_ok());
        assert_eq!(OptionError::BothLimits.message(), "only specify one of max_messages or max_bytes");
    }
}

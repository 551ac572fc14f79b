//! The idle-heartbeat monitor of a consumer (docs/jetstream.md "Idle heartbeats"): the server
//! promises a message or a heartbeat at least every `interval`; when a whole interval passes with
//! nothing, that is one missed heartbeat, and from the second miss on each further miss is reported.
//!
//! Virtual-clock driven: the owner asks `poll_timeout()` for the next deadline and calls
//! `handle_timeout(now)` when it passes. Must not: read a clock, own a timer, or decide what a miss
//! means for the consumer (the owner does).

/// Missed heartbeats before the first report: one can be lost to timing (a heartbeat a little
/// late), two in a row mean the server or the route is gone (ADR-37, nats.deno `maxOut: 2`).
pub const MISSES_BEFORE_REPORT: u64 = 2;

/// Watches one consumer's inbox for silence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeartbeatMonitor {
    /// ms between heartbeats the server promised; 0 disables the monitor.
    interval_ms: u64,
    /// When the inbox last saw anything (ms).
    last_activity: u64,
    /// The highest miss count already reported since the last activity.
    reported: u64,
    /// False while cancelled (disconnected) or disabled.
    running: bool,
}

impl HeartbeatMonitor {
    /// A monitor started at `now_ms`; `interval_ms` 0 makes one that never fires.
    pub fn new(interval_ms: u64, now_ms: u64) -> Self {
        HeartbeatMonitor { interval_ms, last_activity: now_ms, reported: 0, running: interval_ms > 0 }
    }

    /// Anything arrived on the inbox (a message, a heartbeat, any status): the silence ends.
    pub fn work(&mut self, now_ms: u64) {
        self.last_activity = now_ms;
        self.reported = 0;
    }

    /// Stops watching (disconnected: the server cannot reach us, silence is expected).
    pub fn cancel(&mut self) {
        self.running = false;
        self.reported = 0;
    }

    /// Starts watching again from `now_ms`, as if something had just arrived (reconnected).
    pub fn restart(&mut self, now_ms: u64) {
        self.running = self.interval_ms > 0;
        self.work(now_ms);
    }

    /// The promised interval, ms (0: disabled).
    pub fn interval_ms(&self) -> u64 {
        self.interval_ms
    }

    pub fn is_running(&self) -> bool {
        self.running
    }

    /// Missed heartbeats at `now_ms`: whole intervals elapsed since the last activity.
    pub fn missed(&self, now_ms: u64) -> u64 {
        if !self.running {
            return 0;
        }
        now_ms.saturating_sub(self.last_activity) / self.interval_ms
    }

    /// When the next miss will be counted (ms), or `None` when not running. Before the first
    /// report this is the deadline of the second miss; after a report, of the next one.
    pub fn poll_timeout(&self) -> Option<u64> {
        if !self.running {
            return None;
        }
        let next = self.reported.max(MISSES_BEFORE_REPORT - 1) + 1;
        Some(self.last_activity.saturating_add(next.saturating_mul(self.interval_ms)))
    }

    /// Checks the clock: returns the miss count to report when it reached
    /// `MISSES_BEFORE_REPORT` and grew since the last report. A late call reports the current count
    /// once (not one report per interval it slept through).
    pub fn handle_timeout(&mut self, now_ms: u64) -> Option<u64> {
        let missed = self.missed(now_ms);
        if missed < MISSES_BEFORE_REPORT || missed <= self.reported {
            return None;
        }
        self.reported = missed;
        Some(missed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_misses_then_one_report_per_interval() {
        let mut m = HeartbeatMonitor::new(1000, 10_000);
        assert_eq!(m.poll_timeout(), Some(12_000));
        assert_eq!(m.handle_timeout(11_999), None);
        assert_eq!(m.missed(11_999), 1);
        assert_eq!(m.handle_timeout(12_000), Some(2));
        assert_eq!(m.handle_timeout(12_000), None, "reported once");
        assert_eq!(m.poll_timeout(), Some(13_000));
        assert_eq!(m.handle_timeout(13_000), Some(3));
        assert_eq!(m.handle_timeout(16_500), Some(6), "a late wake-up reports the count once");
        assert_eq!(m.poll_timeout(), Some(17_000));
    }

    #[test]
    fn activity_resets() {
        let mut m = HeartbeatMonitor::new(1000, 0);
        m.work(1_500);
        assert_eq!(m.poll_timeout(), Some(3_500));
        assert_eq!(m.handle_timeout(3_000), None);
        assert_eq!(m.handle_timeout(3_500), Some(2));
        m.work(3_600);
        assert_eq!(m.poll_timeout(), Some(5_600), "after a report, activity starts over");
        assert_eq!(m.handle_timeout(4_600), None);
    }

    #[test]
    fn cancel_and_restart() {
        let mut m = HeartbeatMonitor::new(500, 0);
        m.cancel();
        assert_eq!(m.poll_timeout(), None);
        assert_eq!(m.handle_timeout(100_000), None, "silence while disconnected is not a miss");
        m.restart(100_000);
        assert!(m.is_running());
        assert_eq!(m.poll_timeout(), Some(101_000));
        assert_eq!(m.handle_timeout(101_000), Some(2));
    }

    #[test]
    fn zero_interval_never_fires() {
        let mut m = HeartbeatMonitor::new(0, 0);
        assert_eq!(m.poll_timeout(), None);
        assert_eq!(m.handle_timeout(u64::MAX), None);
        m.restart(5);
        assert!(!m.is_running());
    }

    #[test]
    fn saturates_at_the_end_of_time() {
        let mut m = HeartbeatMonitor::new(u64::MAX / 2, u64::MAX - 1);
        assert_eq!(m.poll_timeout(), Some(u64::MAX));
        assert_eq!(m.handle_timeout(u64::MAX), None);
        assert_eq!(m.handle_timeout(0), None, "a clock going backwards counts no miss");
    }
}

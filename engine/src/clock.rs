//! The engine's clock: real time, or real time plus the time skipped ahead.
//!
//! Every time the engine writes (event times, timer deadlines, timeouts) comes from here; no
//! other code reads the wall clock. With time skipping on, whenever no work is outstanding and
//! nobody holds a skipping lock, the timer driver moves the clock straight to the next deadline.

use std::time::{Duration, SystemTime};

/// How the clock moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeMode {
    /// Wall-clock time.
    Real,
    /// Wall-clock time plus what was skipped: idle waits for timers and timeouts take no time.
    Skipping,
}

/// The clock, kept inside the engine state (so it is read under the same lock as the state).
#[derive(Debug)]
pub(crate) struct Clock {
    mode: TimeMode,
    /// Total time skipped so far.
    skipped: Duration,
    /// Holders of a skipping lock (TestService `LockTimeSkipping`); skipping waits while > 0.
    locks: u32,
}

impl Clock {
    pub(crate) fn new(mode: TimeMode) -> Self {
        // Like the Java test server, a time-skipping engine starts locked: the client unlocks
        // it while it waits for a result. `TestEngine` unlocks at start for in-process tests.
        Clock {
            mode,
            skipped: Duration::ZERO,
            locks: 0,
        }
    }

    pub(crate) fn mode(&self) -> TimeMode {
        self.mode
    }

    /// The engine's current time.
    pub(crate) fn now(&self) -> SystemTime {
        SystemTime::now() + self.skipped
    }

    /// Turns a deadline on the engine's clock into a real instant to sleep until.
    pub(crate) fn real_wait(&self, deadline: SystemTime) -> Duration {
        deadline
            .duration_since(self.now())
            .unwrap_or(Duration::ZERO)
    }

    /// True when the clock may jump (the caller checks that no work is outstanding).
    pub(crate) fn may_skip(&self) -> bool {
        self.mode == TimeMode::Skipping && self.locks == 0
    }

    /// Jumps ahead to `deadline` (no-op when it is already past).
    pub(crate) fn skip_to(&mut self, deadline: SystemTime) {
        if let Ok(ahead) = deadline.duration_since(self.now()) {
            self.skipped += ahead;
        }
    }

    /// Jumps ahead by `by`, whatever the mode (TestService `Sleep`, fault plans' clock jumps).
    pub(crate) fn advance(&mut self, by: Duration) {
        self.skipped += by;
    }

    pub(crate) fn lock(&mut self) {
        self.locks = self.locks.saturating_add(1);
    }

    /// Returns false when there was no lock to release.
    pub(crate) fn unlock(&mut self) -> bool {
        if self.locks == 0 {
            return false;
        }
        self.locks -= 1;
        true
    }
}

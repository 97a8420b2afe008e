//! The engine's clock: real time, real time plus the time skipped ahead, or purely virtual
//! time that moves only when it skips (for fault-injection runs whose histories must be
//! identical from one run to the next).
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
    /// A fixed epoch plus what was skipped; real time never moves it. Every event time is then
    /// a function of the run's own events, so two runs of the same plan write the same history.
    Virtual {
        /// The clock's value before anything is skipped.
        epoch: SystemTime,
    },
}

impl TimeMode {
    /// True for [`TimeMode::Virtual`].
    pub fn is_virtual(&self) -> bool {
        matches!(self, TimeMode::Virtual { .. })
    }

    /// Virtual time starting at 2025-01-01T00:00:00Z.
    pub fn virtual_default() -> TimeMode {
        TimeMode::Virtual {
            epoch: std::time::UNIX_EPOCH + Duration::from_secs(1_735_689_600),
        }
    }
}

/// The clock, kept inside the engine state (so it is read under the same lock as the state).
#[derive(Debug, Clone)]
pub(crate) struct Clock {
    mode: TimeMode,
    /// Total time skipped so far.
    skipped: Duration,
    /// Holders of a skipping lock (TestService `LockTimeSkipping`); skipping waits while > 0.
    locks: u32,
}

impl Clock {
    pub(crate) fn new(mode: TimeMode) -> Self {
        // Unlocked: `wfkit serve --time-skipping` locks it at start, as the Java test server
        // does (`EngineConfig::start_time_skipping_locked`); in-process tests leave it unlocked.
        Clock {
            mode,
            skipped: Duration::ZERO,
            locks: 0,
        }
    }

    /// The engine's current time.
    pub(crate) fn now(&self) -> SystemTime {
        match self.mode {
            TimeMode::Virtual { epoch } => epoch + self.skipped,
            TimeMode::Real | TimeMode::Skipping => SystemTime::now() + self.skipped,
        }
    }

    /// Turns a deadline on the engine's clock into a real instant to sleep until.
    pub(crate) fn real_wait(&self, deadline: SystemTime) -> Duration {
        if matches!(self.mode, TimeMode::Virtual { .. }) {
            // Virtual time does not pass by waiting; the driver is woken when work ends.
            return Duration::MAX;
        }
        deadline
            .duration_since(self.now())
            .unwrap_or(Duration::ZERO)
    }

    /// True when time moves only by skipping ([`TimeMode::Virtual`]).
    pub(crate) fn is_virtual(&self) -> bool {
        self.mode.is_virtual()
    }

    /// True when the clock may jump (the caller checks that no work is outstanding).
    pub(crate) fn may_skip(&self) -> bool {
        matches!(self.mode, TimeMode::Skipping | TimeMode::Virtual { .. }) && self.locks == 0
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

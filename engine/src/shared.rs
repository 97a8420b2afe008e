//! What every RPC handler and the timer driver share: the state behind its lock, and settings.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;

use crate::state::{Snapshot, State};

/// Engine settings.
#[derive(Debug, Clone)]
#[must_use]
pub struct EngineConfig {
    /// Time skipping on or off.
    pub time_mode: crate::clock::TimeMode,
    /// With time skipping: start with skipping locked, as the Java test server does, so that
    /// clients unlock it while they wait for results (`wfkit serve --time-skipping`). In-process
    /// tests usually want it unlocked from the start.
    pub start_time_skipping_locked: bool,
    /// Seed of every id the engine makes up.
    pub seed: u64,
    /// How long a poll waits for a task before answering empty (the real server: about 60 s).
    pub long_poll_timeout: Duration,
    /// How long a history long poll waits for a new event (the real server: about 20 s).
    pub history_long_poll_timeout: Duration,
    /// A query sent to a queue that no worker polled within this window answers
    /// FAILED_PRECONDITION a second before its deadline (the real server: 20 s).
    pub query_poller_window: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            time_mode: crate::clock::TimeMode::Real,
            start_time_skipping_locked: false,
            seed: 0x5eed_f00d,
            long_poll_timeout: Duration::from_secs(60),
            history_long_poll_timeout: Duration::from_secs(20),
            query_poller_window: Duration::from_secs(20),
        }
    }
}

/// State and settings shared by the gRPC frontend and the timer driver.
#[derive(Debug)]
pub(crate) struct Shared {
    state: Mutex<State>,
    pub(crate) config: EngineConfig,
    pub(crate) timer_wake: Arc<Notify>,
    /// Injected stalls: RPCs wait while one is in force.
    pub(crate) stall: crate::stall::Stall,
}

impl Shared {
    pub(crate) fn new(config: EngineConfig) -> Arc<Self> {
        let timer_wake = Arc::new(Notify::new());
        let mut state = State::new(config.time_mode, config.seed, timer_wake.clone());
        if config.start_time_skipping_locked {
            state.clock.lock();
        }
        Arc::new(Shared {
            state: Mutex::new(state),
            config,
            timer_wake,
            stall: crate::stall::Stall::default(),
        })
    }

    /// Locks the state for one request. If the holder panics, the state is put back as it was
    /// when it locked (`StateGuard`'s drop), so a poisoned lock holds a consistent state and
    /// the engine goes on serving.
    pub(crate) fn lock(&self) -> StateGuard<'_> {
        let state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        StateGuard {
            state,
            before: None,
        }
    }
}

/// The locked state, and the snapshot to restore if the holder panics: a request applies all of
/// its changes or none. The snapshot is taken on the first mutable access, before any change:
/// a holder that only reads pays nothing.
pub(crate) struct StateGuard<'a> {
    state: MutexGuard<'a, State>,
    before: Option<Snapshot>,
}

impl Deref for StateGuard<'_> {
    type Target = State;
    fn deref(&self) -> &State {
        &self.state
    }
}

impl DerefMut for StateGuard<'_> {
    fn deref_mut(&mut self) -> &mut State {
        if self.before.is_none() {
            self.before = Some(self.state.snapshot());
        }
        &mut self.state
    }
}

impl Drop for StateGuard<'_> {
    fn drop(&mut self) {
        if std::thread::panicking()
            && let Some(before) = self.before.take()
        {
            self.state.restore(before);
            tracing::error!(target: "wfkit_engine::rpc", "a request panicked; its changes were undone");
        }
    }
}

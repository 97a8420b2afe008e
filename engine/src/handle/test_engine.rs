//! `TestEngine`: the engine for `cargo test`, on a free loopback port, with direct access to
//! histories and the clock.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, SystemTime};

use temporalio_protos::temporal::api::history::v1::History;

use crate::clock::TimeMode;
use crate::error::EngineError;
use crate::server::{Engine, StartError};
use crate::shared::EngineConfig;

/// An engine for tests. Time skipping is on and unlocked: whenever no workflow or activity task
/// is waiting or running, the clock jumps to the next timer or timeout.
///
/// It is an [`Engine`] (every `Engine` method works on it, through `Deref`), with the test-only
/// additions here: direct access to histories and to the clock.
#[derive(Debug)]
pub struct TestEngine {
    engine: Engine,
}

impl std::ops::Deref for TestEngine {
    type Target = Engine;

    fn deref(&self) -> &Engine {
        &self.engine
    }
}

impl TestEngine {
    /// Starts an engine with time skipping on a free loopback port.
    pub async fn start() -> Result<TestEngine, StartError> {
        Self::start_with(EngineConfig {
            time_mode: TimeMode::Skipping,
            ..EngineConfig::default()
        })
        .await
    }

    /// Starts an engine with the given settings on a free loopback port.
    pub async fn start_with(config: EngineConfig) -> Result<TestEngine, StartError> {
        let engine = Engine::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await?;
        Ok(TestEngine { engine })
    }

    /// The history of the latest run of a workflow id.
    pub fn history(&self, namespace: &str, workflow_id: &str) -> Result<History, EngineError> {
        self.run_history(namespace, workflow_id, "")
    }

    /// The history of one run (`run_id` empty: the latest).
    pub fn run_history(
        &self,
        namespace: &str,
        workflow_id: &str,
        run_id: &str,
    ) -> Result<History, EngineError> {
        let state = self.engine.shared.lock();
        let key = state.resolve(namespace, workflow_id, run_id)?;
        Ok(History {
            events: state.execution(&key)?.events(0, usize::MAX),
        })
    }

    /// The engine's current time.
    pub fn now(&self) -> SystemTime {
        self.engine.shared.lock().now()
    }

    /// Moves the clock ahead by `duration` at once, firing what falls due (TestService `Sleep`).
    pub fn sleep(&self, duration: Duration) {
        let mut state = self.engine.shared.lock();
        state.clock.advance(duration);
        drop(state);
        self.engine.shared.timer_wake.notify_one();
    }

    /// Stops time skipping until [`TestEngine::unlock_time_skipping`] (calls nest).
    pub fn lock_time_skipping(&self) {
        self.engine.shared.lock().clock.lock();
    }

    /// Releases one [`TestEngine::lock_time_skipping`]. Returns false when none was held.
    pub fn unlock_time_skipping(&self) -> bool {
        let released = self.engine.shared.lock().clock.unlock();
        self.engine.shared.timer_wake.notify_one();
        released
    }

    /// Makes the engine panic right after it writes the `nth` event from now (1: the next one),
    /// in the middle of whatever request writes it. The request answers INTERNAL (WFE012) and
    /// is undone: for proving that a request applies all of its changes or none.
    pub fn panic_after_writes(&self, nth: u32) {
        self.engine.shared.lock().test_hooks.panic_after_writes = (nth > 0).then_some(nth);
    }

    /// Stops the engine.
    pub async fn stop(self) {
        self.engine.stop().await;
    }
}

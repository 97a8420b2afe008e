//! Fault injection: the hooks that `wfkit-fuzz` drives. A plan ([`Fault`]s) is installed with
//! [`crate::Engine::install_faults`]; the engine applies each fault once, at the point it names,
//! under the same lock as every other change, so a plan strikes at the same place every time
//! it is applied to the same workflow. What happened is reported as [`FaultEvent`]s.
//!
//! - `activity_faults`: faults that strike when an activity attempt is handed out or answered.
//! - `workflow_task_faults`: faults that strike when a workflow task completion arrives, and
//!   what follows a completion (crashes, restarts, clock jumps, signals).
//! - `crash`: a worker crash and an engine restart drop in-flight tasks.

mod injector;
mod plan;

pub(crate) use injector::{ActivityFate, Dispatch, FaultState};
pub use plan::{CrashPoint, Fault, FaultEvent};

/// The identity recorded when the engine itself acts for a fault (fails an attempt, delivers a
/// signal).
pub const FAULT_IDENTITY_NAME: &str = "wfkit-fault-injector";
pub(crate) const FAULT_IDENTITY: &str = FAULT_IDENTITY_NAME;

//! Where an installed fault plan strikes, under the same lock as every other change.
//!
//! - `activity_faults`: faults that strike when an activity attempt is handed out or answered.
//! - `workflow_task_faults`: faults that strike when a workflow task completion arrives, and
//!   what follows a completion (crashes, restarts, clock jumps, signals).
//! - `crash`: a worker crash and an engine restart drop in-flight tasks.

pub(crate) mod activity_faults;
pub(crate) mod crash;
pub(crate) mod workflow_task_faults;

//! The scenario workflows, one file each. Every workflow has a fixed type name
//! (`WORKFLOW_TYPE` in its module) so recorded histories do not depend on Rust item names.

pub mod activity_heartbeat_cancel;
pub mod activity_retry;
pub mod activity_timeout;
pub mod child_workflow;
pub mod continue_as_new;
pub mod failing;
pub mod hello;
pub mod local_activity;
pub mod long_sleep;
pub mod patched;
pub mod query;
pub mod saga;
pub mod signals;
pub mod timers;
pub mod updates;

pub use activity_heartbeat_cancel::ActivityHeartbeatCancelWorkflow;
pub use activity_retry::ActivityRetryWorkflow;
pub use activity_timeout::ActivityTimeoutWorkflow;
pub use child_workflow::ChildWorkflowParent;
pub use continue_as_new::ContinueAsNewWorkflow;
pub use failing::FailingWorkflow;
pub use hello::HelloWorkflow;
pub use local_activity::LocalActivityWorkflow;
pub use long_sleep::LongSleepWorkflow;
pub use patched::PatchedWorkflow;
pub use query::QueryWorkflow;
pub use saga::SagaWorkflow;
pub use signals::SignalsWorkflow;
pub use timers::TimersWorkflow;
pub use updates::UpdatesWorkflow;

//! The scenario workflows, one file each. Every workflow has a fixed type name
//! (`WORKFLOW_TYPE` in its module) so recorded histories do not depend on Rust item names.

pub mod activity_retry;
pub mod failing;
pub mod hello;
pub mod saga;
pub mod signals;
pub mod timers;

pub use activity_retry::ActivityRetryWorkflow;
pub use failing::FailingWorkflow;
pub use hello::HelloWorkflow;
pub use saga::SagaWorkflow;
pub use signals::SignalsWorkflow;
pub use timers::TimersWorkflow;

//! The faults the engine can apply, and what it reports about them.
//!
//! Every fault names the point where it strikes by a count the engine keeps, so that a plan
//! applied twice to the same workflow strikes at the same place both times:
//! - `activity_task`: the n-th activity attempt the engine hands out (1-based, across the
//!   whole engine, in dispatch order);
//! - `workflow_task`: the n-th workflow task completion the engine accepts (1-based).

use std::time::Duration;

use temporalio_protos::temporal::api::common::v1::Payloads;

/// One fault of a plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// The attempt fails with an application error of type `error_type`. Before its side
    /// effect: the worker never sees the task. After it: the worker runs the activity and its
    /// answer is replaced by the failure.
    ActivityFails {
        /// Which activity attempt.
        activity_task: u32,
        /// How many attempts of that activity fail, from this one on (1: only this one); enough
        /// of them exhaust its retry policy.
        attempts: u32,
        /// The failure's error type.
        error_type: String,
        /// Whether the failure is marked non-retryable.
        non_retryable: bool,
        /// Whether the worker runs the activity first.
        after_side_effect: bool,
    },
    /// The attempt times out (heartbeat timeout when the activity has one, else start-to-close)
    /// and is retried by its retry policy. Before its side effect: the task is lost on the way
    /// to the worker. After it: the worker runs the activity but its answer never arrives (the
    /// worker sees NOT_FOUND, as after a real timeout).
    ActivityTimesOut {
        /// Which activity attempt.
        activity_task: u32,
        /// Whether the worker runs the activity first.
        after_side_effect: bool,
    },
    /// The worker's answer is applied but the reply to the worker is lost: it sees UNAVAILABLE.
    ActivityResponseLost {
        /// Which activity attempt.
        activity_task: u32,
    },
    /// The attempt is handed out twice (to the next two polls), as a task queue that delivers
    /// at least once may do. The first answer counts; the second gets NOT_FOUND.
    ActivityDeliveredTwice {
        /// Which activity attempt.
        activity_task: u32,
    },
    /// The worker's completion is applied but the reply to the worker is lost: it sees
    /// UNAVAILABLE.
    WorkflowTaskResponseLost {
        /// Which workflow task completion.
        workflow_task: u32,
    },
    /// The worker's completion never arrives: the task times out (start-to-close) and is
    /// retried; the worker sees NOT_FOUND.
    WorkflowTaskTimesOut {
        /// Which workflow task completion: the one that would be accepted as this number. A
        /// completion that times out is not accepted, so the retried task's completion has the
        /// same number (and a second fault with it times that one out too).
        workflow_task: u32,
    },
    /// The worker crashes: its in-flight tasks are abandoned (they time out), sticky runs go
    /// back to the normal queue, and it gets no more tasks. The engine reports
    /// [`FaultEvent::WorkerCrashed`] so that the test harness starts a new worker.
    WorkerCrash {
        /// Where it crashes.
        at: CrashPoint,
    },
    /// The engine restarts: its state is kept, every connection and in-flight task is dropped
    /// (in-flight tasks time out).
    EngineRestart {
        /// After which workflow task completion.
        after_workflow_task: u32,
    },
    /// The clock jumps ahead, firing what falls due.
    ClockJump {
        /// After which workflow task completion.
        after_workflow_task: u32,
        /// How far.
        by: Duration,
    },
    /// A signal is delivered to the workflow after a workflow task completion, or as soon as
    /// the workflow has nothing else to do, whichever comes first.
    Signal {
        /// After which workflow task completion.
        after_workflow_task: u32,
        /// The workflow's namespace.
        namespace: String,
        /// The workflow id (its current run receives the signal).
        workflow_id: String,
        /// Signal name.
        name: String,
        /// Signal input.
        input: Option<Payloads>,
    },
    /// An update is sent to the workflow after a workflow task completion, or as soon as the
    /// workflow has nothing else to do, whichever comes first; nobody waits for its outcome
    /// (it is in the history when the worker accepts it).
    Update {
        /// After which workflow task completion.
        after_workflow_task: u32,
        /// The workflow's namespace.
        namespace: String,
        /// The workflow id (its current run receives the update).
        workflow_id: String,
        /// The update id: a repeated delivery of the same id is the same update.
        update_id: String,
        /// The update (handler) name.
        name: String,
        /// The update's arguments.
        input: Option<Payloads>,
    },
}

/// Where a worker crashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
    /// Right after the engine accepted the n-th workflow task completion.
    AfterWorkflowTask(u32),
    /// While the worker runs the n-th activity attempt: the worker got the task (and may do
    /// its side effect) but its answer is never applied.
    DuringActivityTask(u32),
}

/// Something the engine reports while applying faults, in the order it happened.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultEvent {
    /// Fault number `index` (its position in the installed plan) struck.
    Applied {
        /// Position in the plan.
        index: usize,
    },
    /// The worker with this identity crashed; start another one.
    WorkerCrashed {
        /// The crashed worker's identity.
        identity: String,
    },
    /// A worker reported a workflow task failure (such failures of retried tasks are not in
    /// the history, so they are reported here).
    WorkflowTaskFailed {
        /// The workflow id.
        workflow_id: String,
        /// The cause as the enum name, such as `WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR`.
        cause: String,
        /// The failure message.
        message: String,
    },
    /// A workflow task timed out (start-to-close): a worker never answered it.
    WorkflowTaskTimedOut {
        /// The workflow id.
        workflow_id: String,
        /// The attempt that timed out.
        attempt: i32,
    },
    /// A signal fault delivered signal `name` (or could not: the workflow was closed).
    SignalDelivered {
        /// Position in the plan.
        index: usize,
        /// False when no run was open to receive it.
        accepted: bool,
    },
    /// An update fault sent its update (or could not: the workflow was closed, or a limit).
    UpdateSent {
        /// Position in the plan.
        index: usize,
        /// The update id.
        update_id: String,
        /// False when the engine did not admit it.
        admitted: bool,
    },
}

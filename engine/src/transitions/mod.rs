//! The rules of the engine: every change that spans more than one owner, written as `impl State`
//! blocks, one file per kind of change. Frontend handlers and the timer driver call these; they
//! never write events themselves. Nothing below `state` imports from here.
//!
//! - `start`: a new run (client start, continue-as-new, child).
//! - `start_request`: a start request's validation, id reuse and conflict policies.
//! - `workflow_task`: scheduling, dispatching and timing out workflow tasks.
//! - `completion`: a workflow task's answer, and the commands it carries (`commands/`).
//! - `deferred`: effects of commands that happen after their task completed.
//! - `activity`: the activity state machine.
//! - `children`: child workflows and their parents.
//! - `events`: events that arrive from outside a workflow task (signals, cancels).
//! - `close`: closing a run.
//! - `next_run`: the retry or cron run that follows a run closing on its own.
//! - `timers_fired`: what the timer driver fires, and time skipping.
//! - `faults`: where an installed fault plan strikes.
//! - `updates`: workflow updates: admission, the worker's answers, speculative tasks.
//! - `scheduler`: what a schedule does when it wakes (`schedules/` holds its data).
//! - `queries`: where a query goes so that it sees what was accepted before it.

pub(crate) mod activity;
pub(crate) mod children;
pub(crate) mod close;
pub(crate) mod commands;
pub(crate) mod completion;
pub(crate) mod deferred;
pub(crate) mod events;
pub(crate) mod faults;
pub(crate) mod next_run;
pub(crate) mod queries;
pub(crate) mod scheduler;
pub(crate) mod start;
pub(crate) mod start_request;
pub(crate) mod timers_fired;
pub(crate) mod updates;
pub(crate) mod workflow_task;

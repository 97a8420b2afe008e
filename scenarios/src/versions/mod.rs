//! Versions of one example workflow, `VersionedBooking`, for replay tests (issue #4): the code
//! a team deploys over time, every version under the same workflow type name. Histories are
//! recorded with v1 (`fixtures/versioned_booking/v1/`, by the `record-versions` binary) and
//! replayed against each version.
//!
//! | version | code | replaying the v1 histories |
//! |---|---|---|
//! | `v1` | `reserve`, a timer (the hold), `charge` | ok: the code that recorded them |
//! | `v2` | a `check_fraud` activity inserted before `charge`, no patch | nondeterministic at the `charge` `ActivityTaskScheduled` of every history that got past the timer; ok for one still waiting on it |
//! | `v3` | the same change behind `ctx.patched("add-fraud-check")` | ok |
//! | `panics` | panics after `reserve`, before the timer | failed |
//!
//! Each version needs a worker (or replayer) of its own, since they share a type name:
//! [`worker_options`] builds one for the version named.

pub mod booking;
pub mod booking_activities;
pub mod booking_panics;
pub mod booking_v1;
pub mod booking_v2;
pub mod booking_v3;

use temporalio_common::worker::WorkerDeploymentOptions;
use temporalio_sdk::{
    WorkerOptions,
    workflow_replayer::{WorkflowReplayer, WorkflowReplayerOptions},
};

pub use booking_activities::BookingActivities;
pub use booking_panics::BookingPanics;
pub use booking_v1::BookingV1;
pub use booking_v2::BookingV2;
pub use booking_v3::BookingV3;

use crate::{
    error::WorkerError,
    worker::{BUILD_ID, WORKER_IDENTITY},
};

/// The version names [`worker_options`] accepts, oldest first.
pub const VERSIONS: [&str; 4] = ["v1", "v2", "v3", "panics"];

/// Registers the booking workflow of version `$version` (a `&str`) on a worker or replayer
/// options builder, or returns [`WorkerError::UnknownVersion`] from the enclosing function.
macro_rules! register_booking_version {
    ($builder:expr, $version:expr) => {
        match $version {
            "v1" => $builder.register_workflow::<BookingV1>()?,
            "v2" => $builder.register_workflow::<BookingV2>()?,
            "v3" => $builder.register_workflow::<BookingV3>()?,
            "panics" => $builder.register_workflow::<BookingPanics>()?,
            other => {
                return Err(WorkerError::UnknownVersion {
                    version: other.to_owned(),
                    known: VERSIONS.join(", "),
                });
            }
        }
    };
}

/// Worker options for `task_queue` with version `version` (one of [`VERSIONS`]) of
/// `VersionedBooking` and the booking activities registered.
pub fn worker_options(version: &str, task_queue: &str) -> Result<WorkerOptions, WorkerError> {
    let options = WorkerOptions::new(task_queue)
        .client_identity_override(WORKER_IDENTITY.to_owned())
        .deployment_options(WorkerDeploymentOptions::from_build_id(BUILD_ID.to_owned()));
    Ok(register_booking_version!(options, version)
        .register_activities(BookingActivities)
        .build())
}

/// The SDK's own replayer (`temporalio_sdk::workflow_replayer`) with version `version` of
/// `VersionedBooking` registered, to compare its verdicts with wfkit's.
pub fn sdk_replayer(version: &str) -> Result<WorkflowReplayer, WorkerError> {
    let options = register_booking_version!(WorkflowReplayerOptions::new(), version).build();
    Ok(WorkflowReplayer::new(options)?)
}

//! Calendar arithmetic for wfkit's engine.
//!
//! - [`CronSchedule`]: a workflow's `cronSchedule` string, read and stepped exactly as the
//!   Temporal server reads it (the standard five-field crontab of robfig/cron v3, its `@`
//!   descriptors, `@every <duration>`, and a `CRON_TZ=` or `TZ=` time zone prefix), and the
//!   server's backoff to the next run ([`CronSchedule::backoff`]).
//! - [`schedule::Spec`]: a Temporal schedule's spec (`ScheduleSpec`), canonicalised, validated and
//!   stepped as the server's scheduler does (its own cron grammar, calendars, intervals,
//!   exclusions and jitter).
//!
//! Time zones come from the tz database bundled into `jiff`, so a schedule gives the same times on
//! every machine whatever its `/usr/share/zoneinfo` holds. Nothing here reads a clock: every
//! function takes the instant it works from, which is what lets the engine run cron workflows in
//! virtual time.

mod cron;
mod error;
mod go_duration;
pub mod schedule;

pub use cron::CronSchedule;
pub use error::CronError;

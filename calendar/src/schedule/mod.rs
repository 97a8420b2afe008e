//! A Temporal schedule's spec (`ScheduleSpec`), compiled as the server compiles it
//! (`service/worker/scheduler/spec.go` and `calendar.go`), and stepped as its `GetNextTime` steps
//! it.
//!
//! - [`Spec::compile`] canonicalises what a client sent: string calendars and cron strings become
//!   structured calendars (and `@every` strings intervals), a cron string's `CRON_TZ=` fills the
//!   time zone; then it validates with the server's own error texts ([`SpecError`]) and compiles
//!   the matchers.
//! - [`Spec::next_time`] is `GetNextTime`: the first time strictly after an instant, within
//!   `start_time`/`end_time`, not excluded, with the schedule's deterministic jitter.
//! - [`Spec::echoed`] is the canonical spec as Describe and List show it (`CleanSpec`).
//!
//! The schedule cron grammar is not the workflow cron of [`crate::CronSchedule`]: 5 to 7 fields
//! (optional seconds and year), day of month AND day of week, `@every interval/phase` aligned on
//! the Unix epoch, and a `# comment`.
//!
//! Calendars match an instant when its wall clock in the spec's zone matches every field, so wall
//! times in a daylight-saving gap never fire and those in a repeated hour fire twice. Nothing
//! fires after the year 2100.

mod calendar;
mod cron_string;
mod fingerprint;
mod interval;
mod jitter;
mod ranges;
mod zone;

use std::time::{Duration, SystemTime};

use jiff::tz::TimeZone;

use calendar::CompiledCalendar;
use cron_string::CronPart;

/// Values `start`, `start + step`, ... up to `end` of one calendar field, in the proto's compact
/// form: `end` 0 (or below `start`) means `start` alone, and `step` 0 means 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    /// First value.
    pub start: i32,
    /// Last value (inclusive); 0 or below `start` means `start`.
    pub end: i32,
    /// Distance between values; 0 means 1.
    pub step: i32,
}

impl Range {
    /// The single value `value`.
    pub fn single(value: i32) -> Range {
        Range {
            start: value,
            end: 0,
            step: 0,
        }
    }
}

/// A structured calendar (`StructuredCalendarSpec`): each field is a list of ranges, OR'ed.
///
/// A field with no ranges matches nothing, except `year`, where no ranges means every year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CalendarSpec {
    /// Seconds, 0-59.
    pub second: Vec<Range>,
    /// Minutes, 0-59.
    pub minute: Vec<Range>,
    /// Hours, 0-23.
    pub hour: Vec<Range>,
    /// Days of the month, 1-31.
    pub day_of_month: Vec<Range>,
    /// Months, 1-12.
    pub month: Vec<Range>,
    /// Years, 2000-2100; empty for all years.
    pub year: Vec<Range>,
    /// Days of the week, 0-6, Sunday 0.
    pub day_of_week: Vec<Range>,
    /// Free text, at most 200 bytes.
    pub comment: String,
}

/// A calendar written as strings (the proto's `CalendarSpec`), such as `hour: "9-17"`,
/// `day_of_week: "mon-fri"`; an empty string takes the field's default (second, minute and hour
/// `0`, the others `*`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CalendarSpecStrings {
    /// Seconds, 0-59; default `0`.
    pub second: String,
    /// Minutes, 0-59; default `0`.
    pub minute: String,
    /// Hours, 0-23; default `0`.
    pub hour: String,
    /// Days of the month, 1-31; default `*`.
    pub day_of_month: String,
    /// Months, 1-12 or names; default `*`.
    pub month: String,
    /// Years, 2000-2100; default `*`.
    pub year: String,
    /// Days of the week, 0-7 (0 and 7 are Sunday) or names; default `*`.
    pub day_of_week: String,
    /// Free text, at most 200 bytes.
    pub comment: String,
}

/// Times `phase` past every multiple of `interval` since the Unix epoch, in whole seconds.
///
/// A proto duration that is negative cannot be held here: the server refuses a negative interval
/// with "interval is too small" and a negative phase with "phase is negative", which the caller
/// answers before building one. A zero phase here cannot be told from no phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IntervalSpec {
    /// At least one second.
    pub interval: Duration,
    /// Below `interval`.
    pub phase: Duration,
}

/// A schedule spec as a client sent it (`ScheduleSpec`), or, in [`Spec::canonical`], as the
/// server stores it: `calendar`, `exclude_calendar` and `cron_string` empty, their times moved
/// into `structured_calendar`, `exclude_structured_calendar` and `interval`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpecInput {
    /// Calendars whose times run.
    pub structured_calendar: Vec<CalendarSpec>,
    /// Cron strings (the schedule grammar; see the module documentation).
    pub cron_string: Vec<String>,
    /// Calendars written as strings.
    pub calendar: Vec<CalendarSpecStrings>,
    /// Epoch-aligned intervals whose times run.
    pub interval: Vec<IntervalSpec>,
    /// Calendars whose times do not run, even when another part of the spec gives them.
    pub exclude_structured_calendar: Vec<CalendarSpec>,
    /// Exclusions written as strings.
    pub exclude_calendar: Vec<CalendarSpecStrings>,
    /// No time before this one (whole seconds: the second it falls in still counts).
    pub start_time: Option<SystemTime>,
    /// No time after this one (inclusive, compared with the time before jitter).
    pub end_time: Option<SystemTime>,
    /// Each time runs up to this much later, by a deterministic hash.
    pub jitter: Option<Duration>,
    /// The IANA zone calendars are read in; empty for UTC.
    pub timezone_name: String,
    /// A TZif file for the zone, instead of the tz database.
    pub timezone_data: Option<Vec<u8>>,
}

/// Why a spec was refused, in the server's words without its `Invalid schedule spec: ` prefix,
/// such as "interval is too small" or
/// "invalid calendar spec: Minute End is before Start or not in range [0-59]".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SpecError(pub String);

/// One time of a schedule: when it is due, and when it runs after jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextTime {
    /// The time the spec gives (whole seconds).
    pub nominal: SystemTime,
    /// `nominal` plus the jitter (whole milliseconds).
    pub next: SystemTime,
}

/// How many excluded times [`Spec::next_time`] steps over before it gives up, as the server's
/// `scheduler.specMaxIterations` (1,209,600: two weeks of seconds).
const MAX_EXCLUDED_STEPS: u32 = 1_209_600;

/// A compiled schedule spec; see the module documentation.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The spec as the server stores it. Changing it does not recompile the spec.
    pub canonical: SpecInput,
    zone: TimeZone,
    calendars: Vec<CompiledCalendar>,
    excludes: Vec<CompiledCalendar>,
    /// `(interval, phase)` in whole seconds.
    intervals: Vec<(i64, i64)>,
    jitter_seed: String,
}

impl Spec {
    /// Canonicalises, validates and compiles `input` (the server's `canonicalizeSpec`, then
    /// `NewCompiledSpec`). `jitter_seed` is `"<namespace id>-<schedule id>"`.
    pub fn compile(input: SpecInput, jitter_seed: &str) -> Result<Spec, SpecError> {
        let canonical = canonicalize(input)?;
        let zone = zone::load(&canonical.timezone_name, canonical.timezone_data.as_deref())?;
        let calendars = canonical
            .structured_calendar
            .iter()
            .map(CompiledCalendar::new)
            .collect();
        let excludes = canonical
            .exclude_structured_calendar
            .iter()
            .map(CompiledCalendar::new)
            .collect();
        let intervals = canonical
            .interval
            .iter()
            .map(interval::whole_seconds)
            .collect();
        Ok(Spec {
            canonical,
            zone,
            calendars,
            excludes,
            intervals,
            jitter_seed: jitter_seed.to_string(),
        })
    }

    /// The first time of the spec strictly after `after` (`GetNextTime`), or `None` when there
    /// is none: past `end_time`, past the year 2100, or more than 1,209,600 excluded times in a
    /// row (the server's compute limit).
    pub fn next_time(&self, after: SystemTime) -> Option<NextTime> {
        let (after_s, _) = unix_floor(after);
        // Start a second early so that a time in the second of start_time still counts.
        let start_s = self
            .canonical
            .start_time
            .map_or(0, |start| unix_floor(start).0);
        let mut cursor = after_s.max(start_s.checked_sub(1)?);
        let mut excluded_steps = 0;
        let nominal = loop {
            let nominal = self.raw_next(cursor)?;
            let nominal_time = from_unix(nominal)?;
            if self
                .canonical
                .end_time
                .is_some_and(|end| nominal_time > end)
                || nominal >= calendar::FIRST_SECOND_AFTER_2100
            {
                return None;
            }
            if !self
                .excludes
                .iter()
                .any(|exclude| exclude.matches_at(&self.zone, nominal))
            {
                break nominal;
            }
            excluded_steps += 1;
            if excluded_steps >= MAX_EXCLUDED_STEPS {
                return None;
            }
            cursor = nominal;
        };
        // Jitter never pushes a time past the spec's following time, exclusions aside.
        let spec_jitter = self.canonical.jitter.unwrap_or_default();
        let max_jitter = match self.raw_next(nominal) {
            Some(following) => {
                let gap = u64::try_from(following - nominal).unwrap_or(0);
                spec_jitter.min(Duration::from_secs(gap))
            }
            None => spec_jitter,
        };
        let jitter = jitter::jitter(&self.jitter_seed, nominal, max_jitter);
        let nominal = from_unix(nominal)?;
        Some(NextTime {
            nominal,
            next: nominal.checked_add(jitter)?,
        })
    }

    /// The canonical spec as Describe and List show it (`CleanSpec`): in every calendar and
    /// exclusion, a range's `end` below its `start` becomes `start`, and a `step` of 0 becomes 1.
    pub fn echoed(&self) -> SpecInput {
        let mut echoed = self.canonical.clone();
        for calendar in echoed
            .structured_calendar
            .iter_mut()
            .chain(echoed.exclude_structured_calendar.iter_mut())
        {
            for ranges in [
                &mut calendar.second,
                &mut calendar.minute,
                &mut calendar.hour,
                &mut calendar.day_of_month,
                &mut calendar.month,
                &mut calendar.year,
                &mut calendar.day_of_week,
            ] {
                for range in ranges.iter_mut() {
                    if range.end < range.start {
                        range.end = range.start;
                    }
                    if range.step == 0 {
                        range.step = 1;
                    }
                }
            }
        }
        echoed
    }

    /// The earliest second strictly after `after_s` that a calendar or an interval gives
    /// (`rawNextTime`: no exclusions, no end).
    fn raw_next(&self, after_s: i64) -> Option<i64> {
        let calendars = self
            .calendars
            .iter()
            .filter_map(|calendar| calendar.next_after(&self.zone, after_s));
        let intervals = self
            .intervals
            .iter()
            .filter_map(|&(every, phase)| interval::next_after(every, phase, after_s));
        calendars.chain(intervals).min()
    }
}

/// The server's `canonicalizeSpec`: string calendars and cron strings into structured calendars
/// and intervals, the cron time zone into `timezone_name`, then validation.
fn canonicalize(input: SpecInput) -> Result<SpecInput, SpecError> {
    let mut spec = input;
    for strings in std::mem::take(&mut spec.calendar) {
        let structured = ranges::parse_calendar_strings(&strings).map_err(SpecError)?;
        spec.structured_calendar.push(structured);
    }
    for strings in std::mem::take(&mut spec.exclude_calendar) {
        let structured = ranges::parse_calendar_strings(&strings).map_err(SpecError)?;
        spec.exclude_structured_calendar.push(structured);
    }
    // Intervals from @every stay signed until validated: a negative one is refused below, in
    // the server's order (time zone conflicts first).
    let mut cron_intervals = Vec::new();
    // None until a cron string is read; then every cron string must name the same zone, or
    // none alike (an @every string names none).
    let mut cron_zone: Option<String> = None;
    for text in std::mem::take(&mut spec.cron_string) {
        let (part, zone) = cron_string::parse(&text).map_err(SpecError)?;
        if cron_zone.as_ref().is_some_and(|seen| *seen != zone) {
            return Err(conflicting_zones());
        }
        cron_zone = Some(zone);
        match part {
            CronPart::Calendar(structured) => spec.structured_calendar.push(structured),
            CronPart::Interval { interval, phase } => cron_intervals.push((interval, phase)),
        }
    }
    if let Some(zone) = cron_zone.filter(|zone| !zone.is_empty()) {
        if !spec.timezone_name.is_empty() && spec.timezone_name != zone
            || spec.timezone_data.is_some()
        {
            return Err(conflicting_zones());
        }
        spec.timezone_name = zone;
    }
    for structured in &spec.structured_calendar {
        ranges::validate(structured).map_err(SpecError)?;
    }
    for given in &spec.interval {
        interval::validate(
            i128::try_from(given.interval.as_nanos()).unwrap_or(i128::MAX),
            i128::try_from(given.phase.as_nanos()).unwrap_or(i128::MAX),
        )
        .map_err(SpecError)?;
    }
    for (every, phase) in cron_intervals {
        let phase = phase.unwrap_or(0);
        interval::validate(every, phase).map_err(SpecError)?;
        spec.interval.push(IntervalSpec {
            interval: nanos_to_duration(every),
            phase: nanos_to_duration(phase),
        });
    }
    Ok(spec)
}

fn conflicting_zones() -> SpecError {
    SpecError("conflicting timezone names".to_string())
}

/// A validated (non-negative) count of nanoseconds as a `Duration`.
fn nanos_to_duration(nanos: i128) -> Duration {
    let nanos = u128::try_from(nanos).unwrap_or(0);
    Duration::new(
        u64::try_from(nanos / 1_000_000_000).unwrap_or(u64::MAX),
        u32::try_from(nanos % 1_000_000_000).unwrap_or(0),
    )
}

/// Whole seconds since the Unix epoch, rounded down (as Go's `Time.Unix`), and the nanoseconds
/// past them.
fn unix_floor(time: SystemTime) -> (i64, u32) {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) => (
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            since.subsec_nanos(),
        ),
        Err(before) => {
            let before = before.duration();
            let secs = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            match before.subsec_nanos() {
                0 => (-secs, 0),
                nanos => (-secs - 1, 1_000_000_000 - nanos),
            }
        }
    }
}

/// The instant `secs` whole seconds from the Unix epoch.
fn from_unix(secs: i64) -> Option<SystemTime> {
    let magnitude = Duration::from_secs(secs.unsigned_abs());
    if secs >= 0 {
        SystemTime::UNIX_EPOCH.checked_add(magnitude)
    } else {
        SystemTime::UNIX_EPOCH.checked_sub(magnitude)
    }
}

#[cfg(test)]
mod tests;

//! A workflow's `cronSchedule`, as the Temporal server reads it: robfig/cron v3's standard parser
//! (`cron.ParseStandard`) and its `Next`, and the server's `GetBackoffForNextSchedule`.
//!
//! - Five fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or JAN-DEC) and
//!   day of week (0-6 or SUN-SAT; 7 is refused, as robfig refuses it). Each is a comma list of
//!   `*`, `?`, `N`, `N-M`, with an optional `/STEP`; `N/STEP` means `N-max/STEP`.
//! - Day of month and day of week: when either field is `*` or `?` a day must match both; when
//!   both are restricted a day matching either is enough (robfig's rule, like Vixie cron's).
//! - Descriptors: `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`,
//!   `@hourly`, and `@every <Go duration>` (at least one second, whole seconds).
//! - A `CRON_TZ=<zone> ` or `TZ=<zone> ` prefix reads the fields in that zone; without one the
//!   zone is UTC, which is what the server's `time.Local` resolves to for its UTC instants.
//! - `next_after` looks at most five years ahead, as robfig does, and answers `None` beyond.

use std::time::{Duration, SystemTime};

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::error::CronError;
use crate::go_duration;

/// A parsed cron string; see the module documentation for the syntax.
#[derive(Debug, Clone)]
pub struct CronSchedule {
    timing: Timing,
    zone: TimeZone,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Timing {
    /// Calendar fields, matched at second 0 of a minute.
    Fields(Fields),
    /// `@every`: a fixed delay in whole seconds, at least one.
    Every { delay_s: u64 },
}

/// One bit per allowed value of each field.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fields {
    minutes: u64,
    hours: u64,
    days_of_month: u64,
    months: u64,
    days_of_week: u64,
    /// The field was `*` or `?` (not `*/2`): it does not restrict the day on its own.
    day_of_month_star: bool,
    day_of_week_star: bool,
}

/// A field's name, range and value names.
struct Bounds {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [(&'static str, u32)],
}

const MINUTE: Bounds = Bounds {
    name: "minute",
    min: 0,
    max: 59,
    names: &[],
};
const HOUR: Bounds = Bounds {
    name: "hour",
    min: 0,
    max: 23,
    names: &[],
};
const DAY_OF_MONTH: Bounds = Bounds {
    name: "day-of-month",
    min: 1,
    max: 31,
    names: &[],
};
const MONTH: Bounds = Bounds {
    name: "month",
    min: 1,
    max: 12,
    names: &[
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ],
};
const DAY_OF_WEEK: Bounds = Bounds {
    name: "day-of-week",
    min: 0,
    max: 6,
    names: &[
        ("sun", 0),
        ("mon", 1),
        ("tue", 2),
        ("wed", 3),
        ("thu", 4),
        ("fri", 5),
        ("sat", 6),
    ],
};

/// How far ahead `next_after` looks before it gives up, as robfig does.
const SEARCH_YEARS: i16 = 5;

impl CronSchedule {
    /// Reads a cron string; the error says which part is wrong.
    pub fn parse(text: &str) -> Result<Self, CronError> {
        if text.is_empty() {
            return Err(CronError::Empty);
        }
        let (zone, spec) = split_zone(text)?;
        let timing = if spec.starts_with('@') {
            descriptor(spec)?
        } else {
            let fields: Vec<&str> = spec.split_whitespace().collect();
            let [minute, hour, day_of_month, month, day_of_week] = fields[..] else {
                return Err(CronError::FieldCount {
                    found: fields.len(),
                    text: spec.to_string(),
                });
            };
            let (days_of_month, day_of_month_star) = field(day_of_month, &DAY_OF_MONTH)?;
            let (days_of_week, day_of_week_star) = field(day_of_week, &DAY_OF_WEEK)?;
            Timing::Fields(Fields {
                minutes: field(minute, &MINUTE)?.0,
                hours: field(hour, &HOUR)?.0,
                days_of_month,
                months: field(month, &MONTH)?.0,
                days_of_week,
                day_of_month_star,
                day_of_week_star,
            })
        };
        Ok(CronSchedule { timing, zone })
    }

    /// The first time of the schedule strictly after `after`, or `None` when there is none in
    /// the next five years (such as `0 0 30 2 *`, the 30th of February).
    pub fn next_after(&self, after: SystemTime) -> Option<SystemTime> {
        let after = Timestamp::try_from(after).ok()?;
        let next = match &self.timing {
            Timing::Every { delay_s } => {
                // robfig: t + delay - t's nanoseconds, so runs land on whole seconds.
                let subsec = SignedDuration::from_nanos(i64::from(after.subsec_nanosecond()));
                after
                    .checked_add(SignedDuration::from_secs(i64::try_from(*delay_s).ok()?))
                    .ok()?
                    .checked_sub(subsec)
                    .ok()?
            }
            Timing::Fields(fields) => next_matching(fields, &self.zone, after)?,
        };
        Some(SystemTime::from(next))
    }

    /// The server's backoff before the run after one scheduled at `scheduled`, asked at `now`
    /// (`GetBackoffForNextSchedule`): the first schedule time at or after `now` that follows
    /// `scheduled` (or `scheduled` itself while it is still ahead), less `now`, rounded up to
    /// whole seconds. `None` when the schedule has no such time.
    pub fn backoff(&self, scheduled: SystemTime, now: SystemTime) -> Option<Duration> {
        let next = if now < scheduled {
            scheduled
        } else {
            let mut next = self.next_after(scheduled)?;
            if next < now
                && let Timing::Every { delay_s } = self.timing
            {
                // Whole delays from a whole second: jump instead of stepping.
                let behind = now.duration_since(next).ok()?;
                let steps = behind
                    .as_nanos()
                    .div_ceil(u128::from(delay_s) * 1_000_000_000);
                next += Duration::from_secs(delay_s.checked_mul(u64::try_from(steps).ok()?)?);
            }
            while next < now {
                next = self.next_after(next)?;
            }
            next
        };
        let interval = next.duration_since(now).ok()?;
        Some(Duration::from_secs(
            interval
                .as_nanos()
                .div_ceil(1_000_000_000)
                .try_into()
                .ok()?,
        ))
    }
}

/// Splits off a `CRON_TZ=` or `TZ=` prefix: the zone (UTC without one) and the schedule.
fn split_zone(text: &str) -> Result<(TimeZone, &str), CronError> {
    if !(text.starts_with("TZ=") || text.starts_with("CRON_TZ=")) {
        return Ok((TimeZone::UTC, text));
    }
    let Some((prefix, spec)) = text.split_once(' ') else {
        return Err(CronError::ZoneWithoutSchedule {
            prefix: text.to_string(),
        });
    };
    let name = prefix.split_once('=').map_or("", |(_, name)| name);
    // Go's LoadLocation: "" and "UTC" are UTC, and "Local" is the server's own zone, whose
    // instants are UTC.
    let zone = match name {
        "" | "UTC" | "Local" => TimeZone::UTC,
        _ => TimeZone::get(name).map_err(|error| CronError::UnknownZone {
            name: name.to_string(),
            reason: error.to_string(),
        })?,
    };
    Ok((zone, spec.trim()))
}

/// An `@` descriptor.
fn descriptor(spec: &str) -> Result<Timing, CronError> {
    let all = |bounds: &Bounds| bits(bounds.min, bounds.max, 1);
    let at_midnight = |days_of_month: u64, months: u64, days_of_week: u64, dom_star, dow_star| {
        Timing::Fields(Fields {
            minutes: 1,
            hours: 1,
            days_of_month,
            months,
            days_of_week,
            day_of_month_star: dom_star,
            day_of_week_star: dow_star,
        })
    };
    let timing = match spec {
        "@yearly" | "@annually" => at_midnight(1 << 1, 1 << 1, all(&DAY_OF_WEEK), false, true),
        "@monthly" => at_midnight(1 << 1, all(&MONTH), all(&DAY_OF_WEEK), false, true),
        "@weekly" => at_midnight(all(&DAY_OF_MONTH), all(&MONTH), 1, true, false),
        "@daily" | "@midnight" => at_midnight(
            all(&DAY_OF_MONTH),
            all(&MONTH),
            all(&DAY_OF_WEEK),
            true,
            true,
        ),
        "@hourly" => Timing::Fields(Fields {
            minutes: 1,
            hours: all(&HOUR),
            days_of_month: all(&DAY_OF_MONTH),
            months: all(&MONTH),
            days_of_week: all(&DAY_OF_WEEK),
            day_of_month_star: true,
            day_of_week_star: true,
        }),
        _ => match spec.strip_prefix("@every ") {
            Some(text) => {
                let nanos =
                    go_duration::parse_nanos(text).map_err(|reason| CronError::BadEvery {
                        text: text.to_string(),
                        reason,
                    })?;
                // robfig: under a second is a second, and the delay is whole seconds.
                let delay_s = u64::try_from(nanos / 1_000_000_000).unwrap_or(0).max(1);
                Timing::Every { delay_s }
            }
            None => return Err(CronError::UnknownDescriptor(spec.to_string())),
        },
    };
    Ok(timing)
}

/// One field: its bits, and whether it was `*` or `?` (a day field that does not restrict).
fn field(text: &str, bounds: &Bounds) -> Result<(u64, bool), CronError> {
    let mut all_bits = 0;
    let mut star = false;
    for term in text.split(',').filter(|term| !term.is_empty()) {
        let (term_bits, term_star) = range(term, bounds).map_err(|reason| CronError::BadTerm {
            field: bounds.name,
            term: term.to_string(),
            reason,
        })?;
        all_bits |= term_bits;
        star |= term_star;
    }
    Ok((all_bits, star))
}

/// One comma-separated term: `*`, `?`, `N`, `N-M`, each with an optional `/STEP`.
fn range(term: &str, bounds: &Bounds) -> Result<(u64, bool), String> {
    let (span, step) = match term.split('/').collect::<Vec<_>>()[..] {
        [span] => (span, None),
        [span, step] => (span, Some(step)),
        _ => return Err("too many slashes".to_string()),
    };
    let (start, mut end, mut star) = if span == "*" || span == "?" {
        (bounds.min, bounds.max, true)
    } else {
        match span.split('-').collect::<Vec<_>>()[..] {
            [single] => {
                let value = value(single, bounds)?;
                (value, value, false)
            }
            [low, high] => (value(low, bounds)?, value(high, bounds)?, false),
            _ => return Err("too many hyphens".to_string()),
        }
    };
    let step = match step {
        None => 1,
        Some(step) => {
            // "N/STEP" runs from N to the field's end.
            if !span.contains('-') && !star {
                end = bounds.max;
            }
            let step = number(step)?;
            if step > 1 {
                star = false;
            }
            step
        }
    };
    if start < bounds.min {
        return Err(format!("below the minimum {}", bounds.min));
    }
    if end > bounds.max {
        return Err(format!("above the maximum {}", bounds.max));
    }
    if start > end {
        return Err(format!("the range starts ({start}) after it ends ({end})"));
    }
    if step == 0 {
        return Err("the step must be a positive number".to_string());
    }
    Ok((bits(start, end, step), star))
}

/// A number, or a month or weekday name (any case).
fn value(text: &str, bounds: &Bounds) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    match bounds.names.iter().find(|(name, _)| *name == lower) {
        Some((_, value)) => Ok(*value),
        None => number(text),
    }
}

fn number(text: &str) -> Result<u32, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is not a number"));
    }
    text.parse().map_err(|_| format!("{text:?} is too large"))
}

/// Bits `start`, `start + step`, ... up to `end`.
fn bits(start: u32, end: u32, step: u32) -> u64 {
    (start..=end)
        .step_by(step as usize)
        .fold(0, |bits, value| bits | (1 << value))
}

fn has(bits: u64, value: i8) -> bool {
    value >= 0 && bits & (1 << value) != 0
}

fn day_matches(fields: &Fields, date: Date) -> bool {
    let day_of_month = has(fields.days_of_month, date.day());
    let day_of_week = has(fields.days_of_week, date.weekday().to_sunday_zero_offset());
    if fields.day_of_month_star || fields.day_of_week_star {
        day_of_month && day_of_week
    } else {
        day_of_month || day_of_week
    }
}

/// The first wall-clock minute in `zone` after `after` whose fields all match, as an instant.
///
/// Searches the zone's civil time unit by unit, as robfig does: a month that does not match
/// skips to the next month, a day to the next day, and so on. A wall time that does not exist
/// (a daylight-saving gap) runs at the instant the clock shows it next; a wall time that
/// happens twice runs the first time.
fn next_matching(fields: &Fields, zone: &TimeZone, after: Timestamp) -> Option<Timestamp> {
    let local = after.to_zoned(zone.clone()).datetime();
    // The next whole second after `after`.
    let mut t = local
        .date()
        .at(local.hour(), local.minute(), local.second(), 0)
        .checked_add(SignedDuration::from_secs(1))
        .ok()?;
    let year_limit = t.year().checked_add(SEARCH_YEARS)?;
    loop {
        if t.year() > year_limit {
            return None;
        }
        if !has(fields.months, t.month()) {
            let first = t.date().first_of_month();
            t = first
                .checked_add(jiff::Span::new().months(1))
                .ok()?
                .at(0, 0, 0, 0);
            continue;
        }
        if !day_matches(fields, t.date()) {
            t = t.date().tomorrow().ok()?.at(0, 0, 0, 0);
            continue;
        }
        if !has(fields.hours, t.hour()) {
            t = start_of_hour(t)
                .checked_add(SignedDuration::from_hours(1))
                .ok()?;
            continue;
        }
        if !has(fields.minutes, t.minute()) || t.second() != 0 {
            t = start_of_minute(t)
                .checked_add(SignedDuration::from_mins(1))
                .ok()?;
            continue;
        }
        let instant = zone.to_ambiguous_zoned(t).compatible().ok()?.timestamp();
        if instant > after {
            return Some(instant);
        }
        // A repeated wall time already passed as an instant: look further.
        t = t.checked_add(SignedDuration::from_mins(1)).ok()?;
    }
}

fn start_of_hour(t: DateTime) -> DateTime {
    t.date().at(t.hour(), 0, 0, 0)
}

fn start_of_minute(t: DateTime) -> DateTime {
    t.date().at(t.hour(), t.minute(), 0, 0)
}

#[cfg(test)]
mod tests;

//! A structured calendar compiled to bit sets, matched against an instant's wall clock in the
//! spec's zone (`compiledCalendar` in the server's `calendar.go`).
//!
//! The server steps the local wall clock field by field and patches up a one-hour DST shift by
//! hand. Here the same rule is kept in its general form: an instant matches iff its wall clock
//! matches, so the search walks the zone's stretches between offset changes, in each of which the
//! wall clock runs in step with the instant. Wall times in a gap belong to no stretch (they never
//! fire); wall times repeated by a fall-back belong to two (they fire twice).

use jiff::tz::TimeZone;

use super::{CalendarSpec, Range, zone};

/// The last year any time is looked for in (the server's `maxCalendarYear`).
const MAX_YEAR: i64 = 2100;

/// 2101-01-01T00:00:00Z in Unix seconds: nominal times from here on are past the year 2100.
pub(super) const FIRST_SECOND_AFTER_2100: i64 = days_from_civil(MAX_YEAR + 1, 1, 1) * 86_400;

/// A wall-clock reading; ordered as time runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl Civil {
    /// The reading `secs` seconds after 1970-01-01T00:00:00 on the same clock.
    fn from_seconds(secs: i64) -> Civil {
        let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
        let in_day = secs.rem_euclid(86_400);
        // All three are below 86,400, so the conversions cannot fail.
        let part = |value: i64| u32::try_from(value).unwrap_or(0);
        Civil {
            year,
            month,
            day,
            hour: part(in_day / 3600),
            minute: part(in_day / 60 % 60),
            second: part(in_day % 60),
        }
    }

    /// Seconds after 1970-01-01T00:00:00 on the same clock.
    fn seconds(&self) -> i64 {
        days_from_civil(self.year, i64::from(self.month), i64::from(self.day)) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }
}

/// Which years match: all, or those in a set.
#[derive(Debug, Clone)]
enum Years {
    All,
    /// Bit `y` for year `y`, years 0 to 2111.
    Some(Box<[u64; 33]>),
}

impl Years {
    fn contains(&self, year: i64) -> bool {
        match self {
            Years::All => true,
            Years::Some(bits) => usize::try_from(year)
                .ok()
                .and_then(|year| bits.get(year / 64).map(|word| word >> (year % 64) & 1 == 1))
                .unwrap_or(false),
        }
    }
}

/// A compiled calendar: one bit per matching value of each field.
#[derive(Debug, Clone)]
pub(super) struct CompiledCalendar {
    second: u64,
    minute: u64,
    hour: u64,
    day_of_month: u64,
    month: u64,
    day_of_week: u64,
    years: Years,
    /// No day up to 2100 matches (such as the 30th of February, or a field with no ranges), so
    /// searching is pointless.
    never: bool,
}

impl CompiledCalendar {
    /// Compiles `spec`. Ranges are read as the server reads them (`iterateRanges`): step 0 as
    /// 1, an end below the start as the start. Exclusions are not validated by the server, so
    /// values outside a field's bounds may appear; they are ignored, and a negative step (on
    /// which the server would loop forever) is read as 1.
    pub(super) fn new(spec: &CalendarSpec) -> CompiledCalendar {
        let years = if spec.year.is_empty() {
            Years::All
        } else {
            let mut bits = Box::new([0u64; 33]);
            for_each_value(&spec.year, MAX_YEAR, |year| {
                let year = usize::try_from(year).unwrap_or(0);
                bits[year / 64] |= 1 << (year % 64);
            });
            Years::Some(bits)
        };
        let mut calendar = CompiledCalendar {
            second: bits(&spec.second),
            minute: bits(&spec.minute),
            hour: bits(&spec.hour),
            day_of_month: bits(&spec.day_of_month),
            month: bits(&spec.month),
            day_of_week: bits(&spec.day_of_week),
            years,
            never: false,
        };
        calendar.never = !calendar.has_a_day_until_2100()
            || calendar.second & ((1 << 60) - 1) == 0
            || calendar.minute & ((1 << 60) - 1) == 0
            || calendar.hour & ((1 << 24) - 1) == 0;
        calendar
    }

    /// Whether some date from 2000 to 2100 matches. Every pattern of leap years and weekdays
    /// occurs in that span, so a calendar with all years and no such date has none at all.
    fn has_a_day_until_2100(&self) -> bool {
        (2000..=MAX_YEAR)
            .filter(|&year| self.years.contains(year))
            .any(|year| {
                (1..=12u32)
                    .filter(|&month| has(self.month, month))
                    .any(|month| {
                        (1..=days_in_month(year, month)).any(|day| {
                            has(self.day_of_month, day)
                                && has(self.day_of_week, weekday(year, month, day))
                        })
                    })
            })
    }

    /// Whether the wall clock in `zone` at `secs` (Unix seconds) matches every field.
    pub(super) fn matches_at(&self, zone: &TimeZone, secs: i64) -> bool {
        zone::offset_at(zone, secs)
            .and_then(|offset| secs.checked_add(offset))
            .is_some_and(|local| self.matches(Civil::from_seconds(local)))
    }

    fn matches(&self, t: Civil) -> bool {
        self.years.contains(t.year)
            && has(self.month, t.month)
            && has(self.day_of_month, t.day)
            && has(self.day_of_week, weekday(t.year, t.month, t.day))
            && has(self.hour, t.hour)
            && has(self.minute, t.minute)
            && has(self.second, t.second)
    }

    /// The first whole second strictly after `after_s` (Unix seconds) whose wall clock in `zone`
    /// matches, or `None` when there is none up to the end of 2100 (local).
    pub(super) fn next_after(&self, zone: &TimeZone, after_s: i64) -> Option<i64> {
        if self.never {
            return None;
        }
        let mut from = after_s.checked_add(1)?;
        // One stretch of constant offset at a time: [from, transition).
        loop {
            let offset = zone::offset_at(zone, from)?;
            let local_from = Civil::from_seconds(from.checked_add(offset)?);
            if local_from.year > MAX_YEAR {
                return None;
            }
            let transition = zone::next_transition(zone, from);
            let limit = match transition {
                Some(transition) => Some(Civil::from_seconds(transition.checked_add(offset)?)),
                None => None,
            };
            if let Some(found) = self.next_local(local_from, limit) {
                return found.seconds().checked_sub(offset);
            }
            from = transition?;
        }
    }

    /// The first matching wall-clock reading at or after `from` and before `limit`, up to the
    /// end of 2100. Skips whole years, months, days, hours and minutes that cannot match, as the
    /// server's `next` does.
    fn next_local(&self, from: Civil, limit: Option<Civil>) -> Option<Civil> {
        let mut t = from;
        loop {
            // Carry overflowed fields outward.
            if t.second >= 60 {
                t.minute += 1;
                t.second = 0;
            }
            if t.minute >= 60 {
                t.hour += 1;
                t.minute = 0;
            }
            if t.hour >= 24 {
                t.day += 1;
                t.hour = 0;
            }
            if t.day > days_in_month(t.year, t.month) {
                t.month += 1;
                t.day = 1;
            }
            if t.month > 12 {
                t.year += 1;
                t.month = 1;
            }
            if t.year > MAX_YEAR || limit.is_some_and(|limit| t >= limit) {
                return None;
            }
            if !self.years.contains(t.year) {
                t = Civil {
                    year: t.year + 1,
                    month: 1,
                    day: 1,
                    hour: 0,
                    minute: 0,
                    second: 0,
                };
            } else if !has(self.month, t.month) {
                t = Civil {
                    month: t.month + 1,
                    day: 1,
                    hour: 0,
                    minute: 0,
                    second: 0,
                    ..t
                };
            } else if !has(self.day_of_month, t.day)
                || !has(self.day_of_week, weekday(t.year, t.month, t.day))
            {
                t = Civil {
                    day: t.day + 1,
                    hour: 0,
                    minute: 0,
                    second: 0,
                    ..t
                };
            } else if !has(self.hour, t.hour) {
                t.hour = next_bit(self.hour, t.hour);
                t.minute = 0;
                t.second = 0;
            } else if !has(self.minute, t.minute) {
                t.minute = next_bit(self.minute, t.minute);
                t.second = 0;
            } else if !has(self.second, t.second) {
                t.second = next_bit(self.second, t.second);
            } else {
                return Some(t);
            }
        }
    }
}

/// The bits of every value of `ranges` from 0 to 63.
fn bits(ranges: &[Range]) -> u64 {
    let mut bits = 0u64;
    for_each_value(ranges, 63, |value| bits |= 1 << value);
    bits
}

/// Calls `f` with every value of `ranges` from 0 to `max`.
fn for_each_value(ranges: &[Range], max: i64, mut f: impl FnMut(i64)) {
    for range in ranges {
        let start = i64::from(range.start);
        let end = i64::from(range.end).max(start).min(max);
        let step = i64::from(range.step.max(1));
        let mut value = start;
        if value < 0 {
            // The first value of the progression that is not negative.
            value += (-value + step - 1) / step * step;
        }
        while value <= end {
            f(value);
            value += step;
        }
    }
}

fn has(bits: u64, value: u32) -> bool {
    value < 64 && bits >> value & 1 == 1
}

/// The first value above `value` whose bit is set, or 64 (which carries into the next field)
/// when there is none.
fn next_bit(bits: u64, value: u32) -> u32 {
    let above = value + 1;
    if above >= 64 {
        return 64;
    }
    match bits >> above {
        0 => 64,
        rest => above + rest.trailing_zeros(),
    }
}

/// 0 for Sunday to 6 for Saturday.
fn weekday(year: i64, month: u32, day: u32) -> u32 {
    let days = days_from_civil(year, i64::from(month), i64::from(day));
    // 1970-01-01 was a Thursday.
    u32::try_from((days + 4).rem_euclid(7)).unwrap_or(0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = if year >= 0 { year } else { year - 399 } / 400;
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date `days` days from 1970-01-01 (Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = if days >= 0 { days } else { days - 146_096 } / 146_097;
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are small and positive by construction.
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip() {
        for days in [-800_000, -1, 0, 1, 10_957, 20_454, 47_482, 800_000] {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(
                days_from_civil(year, i64::from(month), i64::from(day)),
                days
            );
        }
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        // 2026-02-13 is a Friday.
        assert_eq!(weekday(2026, 2, 13), 5);
        assert_eq!(FIRST_SECOND_AFTER_2100, 4_133_980_800);
    }

    #[test]
    fn next_bit_carries_past_the_last_value() {
        assert_eq!(next_bit(0b1010, 1), 3);
        assert_eq!(next_bit(0b1010, 3), 64);
        assert_eq!(next_bit(u64::MAX, 63), 64);
    }
}

//! Calendar fields written as strings (`1-5/2,8`, `mon-fri`, `*/15`) read into ranges, and
//! structured calendars validated, with the server's error texts (`makeRange`,
//! `parseCalendarToStructured` and `validateStructuredCalendar` in `calendar.go`/`spec.go`).

use super::{CalendarSpec, CalendarSpecStrings, Range};

/// The longest comment a calendar may carry, in bytes.
const MAX_COMMENT_LEN: usize = 200;

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

/// How a field's values are written besides decimal numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Numbers only.
    Int,
    /// Numbers only, and `*` is no ranges (all years).
    Year,
    /// Also month names, by a prefix of at least three letters.
    Month,
    /// Also weekday names, by a prefix of at least two letters; 7 is Sunday.
    DayOfWeek,
}

/// One field: its name in messages, default text, bounds and mode.
struct Field {
    name: &'static str,
    default: &'static str,
    min: i64,
    max: i64,
    mode: Mode,
}

/// Reads a string calendar; the error joins each bad field's message with ", " in the server's
/// order (second, minute, hour, day of week, day of month, month, year).
pub(super) fn parse_calendar_strings(
    strings: &CalendarSpecStrings,
) -> Result<CalendarSpec, String> {
    let mut errors = Vec::new();
    let mut read = |text: &str, field: Field| {
        make_ranges(text, &field).unwrap_or_else(|error| {
            errors.push(error);
            Vec::new()
        })
    };
    let second = read(&strings.second, int_field("Second", "0", 0, 59));
    let minute = read(&strings.minute, int_field("Minute", "0", 0, 59));
    let hour = read(&strings.hour, int_field("Hour", "0", 0, 23));
    let day_of_week = read(
        &strings.day_of_week,
        Field {
            name: "DayOfWeek",
            default: "*",
            min: 0,
            max: 7,
            mode: Mode::DayOfWeek,
        },
    );
    let day_of_month = read(&strings.day_of_month, int_field("DayOfMonth", "*", 1, 31));
    let month = read(
        &strings.month,
        Field {
            name: "Month",
            default: "*",
            min: 1,
            max: 12,
            mode: Mode::Month,
        },
    );
    let year = read(
        &strings.year,
        Field {
            name: "Year",
            default: "*",
            min: 2000,
            max: 2100,
            mode: Mode::Year,
        },
    );
    if !errors.is_empty() {
        return Err(errors.join(", "));
    }
    Ok(CalendarSpec {
        second,
        minute,
        hour,
        day_of_month,
        month,
        year,
        day_of_week,
        comment: strings.comment.clone(),
    })
}

fn int_field(name: &'static str, default: &'static str, min: i64, max: i64) -> Field {
    Field {
        name,
        default,
        min,
        max,
        mode: Mode::Int,
    }
}

/// One field's comma-separated parts, each into a compact range (`end` 0 for a single value,
/// `step` 0 for 1), or the first part's error.
fn make_ranges(text: &str, field: &Field) -> Result<Vec<Range>, String> {
    let name = field.name;
    let (min, max) = (field.min, field.max);
    let text = match text.trim() {
        "" => field.default,
        trimmed => trimmed,
    };
    if text == "*" && field.mode == Mode::Year {
        return Ok(Vec::new());
    }
    let mut ranges = Vec::new();
    for part in text.split(',') {
        let (span, step) = match part.matches('/').count() {
            0 => (part, None),
            1 => {
                let (span, step) = part.split_once('/').unwrap_or((part, ""));
                if step.is_empty() {
                    return Err(format!("{name} missing step value"));
                }
                let step = go_atoi(step)?;
                if step < 1 {
                    return Err(format!("{name} has invalid Step"));
                }
                (span, Some(step))
            }
            _ => return Err(format!("{name} has too many slashes")),
        };
        let (start, mut end) = if span == "*" {
            (min, max)
        } else if let Some((low, high)) = span.split_once('-') {
            if high.contains('-') {
                return Err(format!("{name} has too many dashes"));
            }
            let start = value(low, min, max, field.mode)
                .ok_or_else(|| format!("{name} Start is not in range [{min}-{max}]"))?;
            let end = value(high, start, max, field.mode).ok_or_else(|| {
                format!("{name} End is before Start or not in range [{min}-{max}]")
            })?;
            (start, end)
        } else {
            let start = value(span, min, max, field.mode)
                .ok_or_else(|| format!("{name} is not in range [{min}-{max}]"))?;
            // `x/y` runs from x to the field's end; a plain `x` is x alone.
            (start, if step.is_some() { max } else { start })
        };
        let step = step.unwrap_or(1);
        // Sunday is 0: a range reaching 7 ends at 6 instead, with a separate 0 in front when 7
        // is one of its values and 0 is not (`1-7/2` is `0,1-6/2`; `7` alone is just `0`).
        if field.mode == Mode::DayOfWeek && end == 7 {
            if (7 - start) % step == 0 && (step > 1 || start > 1) {
                ranges.push(Range::single(0));
                if start == 7 {
                    continue;
                }
            }
            end = 6;
        }
        // The proto's compact form. The values are within the field's bounds, so they fit; a
        // step beyond i32 wraps as Go's int32() conversion does.
        ranges.push(Range {
            start: start as i32,
            end: if end == start { 0 } else { end as i32 },
            step: if step == 1 { 0 } else { step as i32 },
        });
    }
    Ok(ranges)
}

/// One value: a decimal number, or a month or weekday name by prefix, within [min, max].
fn value(text: &str, min: i64, max: i64, mode: Mode) -> Option<i64> {
    let names: &[&str] = match mode {
        Mode::Month if text.len() >= 3 => &MONTHS,
        Mode::DayOfWeek if text.len() >= 2 => &WEEKDAYS,
        _ => &[],
    };
    let lower = text.to_lowercase();
    let named = names
        .iter()
        .position(|name| name.starts_with(&lower))
        .and_then(|index| i64::try_from(index).ok())
        .map(|index| {
            if mode == Mode::Month {
                index + 1
            } else {
                index
            }
        });
    let value = match named {
        Some(value) => value,
        None => go_atoi(text).ok()?,
    };
    (min..=max).contains(&value).then_some(value)
}

/// Go's `strconv.Atoi`, with its error text (a step's error reaches the client as it is).
fn go_atoi(text: &str) -> Result<i64, String> {
    text.parse::<i64>().map_err(|error| {
        let why = match error.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => {
                "value out of range"
            }
            _ => "invalid syntax",
        };
        format!("strconv.Atoi: parsing {text:?}: {why}")
    })
}

/// The server's `validateStructuredCalendar`: every range within its field's bounds (day of
/// week 0-6, year 2000-2100), a non-zero end not below the start, no negative step, and a
/// comment of at most 200 bytes.
pub(super) fn validate(calendar: &CalendarSpec) -> Result<(), String> {
    let mut errors = Vec::new();
    let mut check = |ranges: &[Range], name: &str, min: i32, max: i32| {
        for range in ranges {
            if range.start < min || range.start > max {
                errors.push(format!("{name} Start is not in range [{min}-{max}]"));
            }
            if range.end != 0 && (range.end < range.start || range.end > max) {
                errors.push(format!(
                    "{name} End is before Start or not in range [{min}-{max}]"
                ));
            }
            if range.step < 0 {
                errors.push(format!("{name} has invalid Step"));
            }
        }
    };
    check(&calendar.second, "Second", 0, 59);
    check(&calendar.minute, "Minute", 0, 59);
    check(&calendar.hour, "Hour", 0, 23);
    check(&calendar.day_of_month, "DayOfMonth", 1, 31);
    check(&calendar.month, "Month", 1, 12);
    check(&calendar.year, "Year", 2000, 2100);
    check(&calendar.day_of_week, "DayOfWeek", 0, 6);
    if calendar.comment.len() > MAX_COMMENT_LEN {
        errors.push("comment is too long".to_string());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("invalid calendar spec: {}", errors.join(", ")))
    }
}

//! A schedule's `cron_string`, read as the server's `parseCronString` reads it:
//!
//! - an optional `TZ=<zone> ` or `CRON_TZ=<zone> ` prefix;
//! - an optional `# comment` at the end, kept as the calendar's comment;
//! - `@every <interval>[/<phase>]` in Go duration syntax plus `d` for 24 hours (`90m/5m`, `1d`);
//! - `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`;
//! - or 5 fields (minute hour day-of-month month day-of-week), 6 (and year) or 7 (second first,
//!   year last), each read as a string calendar field (`ranges.rs`).

use super::ranges::parse_calendar_strings;
use super::{CalendarSpec, CalendarSpecStrings};
use crate::go_duration;

/// What one cron string gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum CronPart {
    /// A calendar (fields or a shorthand).
    Calendar(CalendarSpec),
    /// `@every`: signed nanoseconds, not yet validated.
    Interval {
        /// The interval.
        interval: i128,
        /// The phase, when the string had one.
        phase: Option<i128>,
    },
}

/// Reads one cron string: what it gives, and the zone its prefix names (empty without one, and
/// always empty for `@every`, as the server has it).
pub(super) fn parse(text: &str) -> Result<(CronPart, String), String> {
    let mut text = text.trim();
    let mut zone = "";
    if text.starts_with("TZ=") || text.starts_with("CRON_TZ=") {
        let Some((prefix, rest)) = text.split_once(' ') else {
            return Err("CronString has time zone but missing fields".to_string());
        };
        zone = prefix.split_once('=').map_or("", |(_, name)| name);
        text = rest;
    }
    let (fields, comment) = text.split_once('#').unwrap_or((text, ""));
    let (fields, comment) = (fields.trim(), comment.trim());
    if fields.starts_with("@every") {
        let Some((_, every)) = fields.split_once(' ') else {
            return Err("CronString does not have interval after @every".to_string());
        };
        let (interval, phase) = every.split_once('/').unwrap_or((every, ""));
        let interval = parse_duration(interval)?;
        let phase = match phase {
            "" => None,
            phase => Some(parse_duration(phase)?),
        };
        return Ok((CronPart::Interval { interval, phase }, String::new()));
    }
    let fields = match fields {
        "@yearly" | "@annually" => "0 0 1 1 *",
        "@monthly" => "0 0 1 * *",
        "@weekly" => "0 0 * * 0",
        "@daily" | "@midnight" => "0 0 * * *",
        "@hourly" => "0 * * * *",
        fields => fields,
    };
    let fields: Vec<&str> = fields.split_whitespace().collect();
    // Fields left unset take the string calendar's defaults: second 0, every year.
    let (second, year, [minute, hour, day_of_month, month, day_of_week]) = match fields[..] {
        [minute, hour, dom, month, dow] => ("", "", [minute, hour, dom, month, dow]),
        [minute, hour, dom, month, dow, year] => ("", year, [minute, hour, dom, month, dow]),
        [second, minute, hour, dom, month, dow, year] => {
            (second, year, [minute, hour, dom, month, dow])
        }
        _ => return Err("CronString does not have 5-7 fields".to_string()),
    };
    let strings = CalendarSpecStrings {
        second: second.to_string(),
        minute: minute.to_string(),
        hour: hour.to_string(),
        day_of_month: day_of_month.to_string(),
        month: month.to_string(),
        year: year.to_string(),
        day_of_week: day_of_week.to_string(),
        comment: comment.to_string(),
    };
    let calendar = parse_calendar_strings(&strings)?;
    Ok((CronPart::Calendar(calendar), zone.to_string()))
}

/// The server's `timestamp.ParseDuration`: each `<number>d` is first rewritten to hours
/// (`1.5d` → `36.000000h`), then Go's `time.ParseDuration` reads the result; errors are Go's
/// and quote the rewritten text.
fn parse_duration(text: &str) -> Result<i128, String> {
    let rewritten = rewrite_days(text);
    go_duration::parse(&rewritten).map_err(|malformed| malformed.go_message(&rewritten))
}

/// Replaces every match of the regular expression `(\d+(\.\d*)?|(\.\d+))d`, leftmost first and
/// without overlap, by `24 × number` formatted as Go's `%f` followed by `h`.
fn rewrite_days(text: &str) -> String {
    let bytes = text.as_bytes();
    let digits_from = |at: usize| {
        at + bytes[at..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count()
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        // The end of a `<number>d` match starting at `at`, if one does.
        let number_end = if bytes[at].is_ascii_digit() {
            let whole_end = digits_from(at);
            if bytes.get(whole_end) == Some(&b'.') {
                digits_from(whole_end + 1)
            } else {
                whole_end
            }
        } else if bytes[at] == b'.' && bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
            digits_from(at + 1)
        } else {
            at
        };
        if number_end > at && bytes.get(number_end) == Some(&b'd') {
            let number = &text[at..number_end];
            out.push_str(&text[copied..at]);
            match number.parse::<f64>() {
                Ok(days) if days.is_finite() => out.push_str(&format!("{:.6}h", 24.0 * days)),
                // Go's ParseFloat fails on overflow, and the text is left for ParseDuration
                // to refuse.
                _ => out.push_str(&text[at..=number_end]),
            }
            at = number_end + 1;
            copied = at;
        } else {
            at += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::rewrite_days;

    #[test]
    fn days_become_hours_as_the_server_rewrites_them() {
        assert_eq!(rewrite_days("1d"), "24.000000h");
        assert_eq!(rewrite_days("1.5d2h"), "36.000000h2h");
        assert_eq!(rewrite_days(".5d"), "12.000000h");
        assert_eq!(rewrite_days("1h30d"), "1h720.000000h");
        assert_eq!(rewrite_days("90m"), "90m");
        assert_eq!(rewrite_days("d1"), "d1");
        assert_eq!(rewrite_days("1.2.3d"), "1.55.200000h");
    }
}

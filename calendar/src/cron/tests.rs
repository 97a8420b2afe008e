use std::time::{Duration, SystemTime};

use jiff::Timestamp;
use proptest::prelude::*;

use super::*;

fn at(text: &str) -> SystemTime {
    SystemTime::from(text.parse::<Timestamp>().expect(text))
}

fn show(time: Option<SystemTime>) -> String {
    time.map_or("none".to_string(), |time| {
        Timestamp::try_from(time).expect("in range").to_string()
    })
}

fn next(spec: &str, after: &str) -> String {
    let schedule = CronSchedule::parse(spec).unwrap_or_else(|error| panic!("{spec}: {error}"));
    show(schedule.next_after(at(after)))
}

#[test]
fn fields_step_to_the_next_matching_minute() {
    // 2026-12-03 is a Thursday.
    for (spec, after, expected) in [
        ("* * * * *", "2026-12-03T18:00:30Z", "2026-12-03T18:01:00Z"),
        ("* * * * *", "2026-12-03T18:00:00Z", "2026-12-03T18:01:00Z"),
        ("0 0 * * *", "2026-12-03T18:00:00Z", "2026-12-04T00:00:00Z"),
        (
            "*/15 * * * *",
            "2026-12-03T18:16:00Z",
            "2026-12-03T18:30:00Z",
        ),
        (
            "5/20 * * * *",
            "2026-12-03T18:26:00Z",
            "2026-12-03T18:45:00Z",
        ),
        (
            "0 9 * * 1-5",
            "2026-12-04T10:00:00Z",
            "2026-12-07T09:00:00Z",
        ),
        (
            "0 9 * * MON-fri",
            "2026-12-04T10:00:00Z",
            "2026-12-07T09:00:00Z",
        ),
        (
            "30 6 1 JAN,jul ?",
            "2026-12-03T00:00:00Z",
            "2027-01-01T06:30:00Z",
        ),
        ("0 0 29 2 *", "2026-12-03T00:00:00Z", "2028-02-29T00:00:00Z"),
        (
            "0 12 31 * *",
            "2026-12-31T12:00:00Z",
            "2027-01-31T12:00:00Z",
        ),
        (
            "59 23 * 12 *",
            "2026-12-31T23:59:00Z",
            "2027-12-01T23:59:00Z",
        ),
    ] {
        assert_eq!(next(spec, after), expected, "{spec} after {after}");
    }
}

#[test]
fn restricted_day_fields_match_either_and_a_star_makes_both_count() {
    // Both restricted: the 1st, the 15th or any Wednesday.
    assert_eq!(
        next("0 0 1,15 * 3", "2026-12-03T00:00:00Z"),
        "2026-12-09T00:00:00Z"
    );
    assert_eq!(
        next("0 0 1,15 * 5", "2026-12-03T00:00:00Z"),
        "2026-12-04T00:00:00Z"
    );
    // Day of month is *: only Wednesdays.
    assert_eq!(
        next("0 0 * * 3", "2026-12-03T00:00:00Z"),
        "2026-12-09T00:00:00Z"
    );
    // */2 restricts (robfig drops the star for a step above one): odd days or Mondays.
    assert_eq!(
        next("0 0 */2 * 1", "2026-12-03T01:00:00Z"),
        "2026-12-05T00:00:00Z"
    );
}

#[test]
fn descriptors_are_midnights_and_hours() {
    for (spec, expected) in [
        ("@yearly", "2027-01-01T00:00:00Z"),
        ("@annually", "2027-01-01T00:00:00Z"),
        ("@monthly", "2027-01-01T00:00:00Z"),
        ("@weekly", "2026-12-06T00:00:00Z"),
        ("@daily", "2026-12-04T00:00:00Z"),
        ("@midnight", "2026-12-04T00:00:00Z"),
        ("@hourly", "2026-12-03T19:00:00Z"),
    ] {
        assert_eq!(next(spec, "2026-12-03T18:10:00Z"), expected, "{spec}");
    }
}

#[test]
fn every_adds_whole_seconds_and_drops_the_fraction() {
    assert_eq!(
        next("@every 90s", "2026-12-03T18:00:00.250Z"),
        "2026-12-03T18:01:30Z"
    );
    assert_eq!(
        next("@every 1h30m", "2026-12-03T18:00:00Z"),
        "2026-12-03T19:30:00Z"
    );
    // Under a second is a second; fractions of a second are dropped.
    assert_eq!(
        next("@every 500ms", "2026-12-03T18:00:00Z"),
        "2026-12-03T18:00:01Z"
    );
    assert_eq!(
        next("@every 2.7s", "2026-12-03T18:00:00Z"),
        "2026-12-03T18:00:02Z"
    );
}

#[test]
fn a_time_zone_prefix_reads_the_fields_in_that_zone() {
    // New York is UTC-5 in winter and UTC-4 in summer.
    assert_eq!(
        next("CRON_TZ=America/New_York 0 6 * * *", "2026-12-03T12:00:00Z"),
        "2026-12-04T11:00:00Z"
    );
    assert_eq!(
        next("TZ=America/New_York 0 6 * * *", "2026-07-03T12:00:00Z"),
        "2026-07-04T10:00:00Z"
    );
    // 02:30 does not exist on 2026-03-08 in New York: the run is at 03:30 EDT.
    assert_eq!(
        next(
            "CRON_TZ=America/New_York 30 2 * * *",
            "2026-03-08T05:00:00Z"
        ),
        "2026-03-08T07:30:00Z"
    );
    // 01:30 happens twice on 2026-11-01: the run is the first time, once.
    assert_eq!(
        next(
            "CRON_TZ=America/New_York 30 1 * * *",
            "2026-11-01T04:00:00Z"
        ),
        "2026-11-01T05:30:00Z"
    );
    assert_eq!(
        next(
            "CRON_TZ=America/New_York 30 1 * * *",
            "2026-11-01T05:30:00Z"
        ),
        "2026-11-02T06:30:00Z"
    );
    assert_eq!(
        next("CRON_TZ=UTC 0 * * * *", "2026-12-03T18:10:00Z"),
        "2026-12-03T19:00:00Z"
    );
}

#[test]
fn impossible_dates_have_no_next_time() {
    assert_eq!(next("0 0 30 2 *", "2026-12-03T00:00:00Z"), "none");
    assert_eq!(next("0 0 31 4,6,9,11 *", "2026-12-03T00:00:00Z"), "none");
}

#[test]
fn malformed_strings_name_the_part_that_is_wrong() {
    for (spec, expected) in [
        ("", "empty"),
        ("* * * *", "expected exactly 5 fields"),
        ("* * * * * *", "found 6"),
        (
            "60 * * * *",
            "minute field, term \"60\": above the maximum 59",
        ),
        ("* 24 * * *", "hour field"),
        (
            "* * 0 * *",
            "day-of-month field, term \"0\": below the minimum 1",
        ),
        ("* * * 13 *", "month field"),
        (
            "* * * * 7",
            "day-of-week field, term \"7\": above the maximum 6",
        ),
        ("5-1 * * * *", "starts (5) after it ends (1)"),
        ("*/0 * * * *", "positive"),
        ("1-2-3 * * * *", "too many hyphens"),
        ("*/2/3 * * * *", "too many slashes"),
        ("x * * * *", "\"x\" is not a number"),
        ("* * * FOO *", "month field, term \"FOO\""),
        ("-1 * * * *", "is not a number"),
        ("@fortnightly", "unrecognized descriptor"),
        ("@every x", "@every needs a duration"),
        (
            "CRON_TZ=Mars/Olympus 0 * * * *",
            "unknown time zone \"Mars/Olympus\"",
        ),
        ("CRON_TZ=Europe/Paris", "must be followed by a space"),
    ] {
        let error = CronSchedule::parse(spec).expect_err(spec).to_string();
        assert!(error.contains(expected), "{spec:?}: {error}");
    }
}

#[test]
fn backoff_is_the_servers_rounded_up_wait_for_the_next_time() {
    let minutely = CronSchedule::parse("* * * * *").expect("valid");
    // The first run of a cron workflow: scheduled = now.
    let now = at("2026-12-03T18:00:20.500Z");
    assert_eq!(minutely.backoff(now, now), Some(Duration::from_secs(40)));
    // A run that ends after its next time skips to the one after now.
    let scheduled = at("2026-12-03T18:00:00Z");
    let late = at("2026-12-03T18:02:10Z");
    assert_eq!(
        minutely.backoff(scheduled, late),
        Some(Duration::from_secs(50))
    );
    // A scheduled time still ahead is waited for.
    let early = at("2026-12-03T17:59:58.200Z");
    assert_eq!(
        minutely.backoff(scheduled, early),
        Some(Duration::from_secs(2))
    );
    let every = CronSchedule::parse("@every 2s").expect("valid");
    let started = at("2026-12-03T18:00:00.700Z");
    assert_eq!(
        every.backoff(started, started),
        Some(Duration::from_secs(2))
    );
    // Far behind: whole delays are skipped at once.
    let behind = at("2026-12-13T18:00:01.100Z");
    assert_eq!(
        every.backoff(at("2026-12-03T18:00:02Z"), behind),
        Some(Duration::from_secs(1))
    );
    let never = CronSchedule::parse("0 0 30 2 *").expect("valid");
    assert_eq!(never.backoff(now, now), None);
}

/// Brute force: the first minute after `after` (UTC) whose fields all match.
fn scan(fields: &Fields, after: SystemTime) -> SystemTime {
    let after = Timestamp::try_from(after).expect("in range");
    let mut minute = after
        .checked_add(SignedDuration::from_secs(
            60 - after.as_second().rem_euclid(60),
        ))
        .expect("in range");
    loop {
        let t = minute.to_zoned(TimeZone::UTC).datetime();
        if has(fields.months, t.month())
            && day_matches(fields, t.date())
            && has(fields.hours, t.hour())
            && has(fields.minutes, t.minute())
        {
            return SystemTime::from(minute);
        }
        minute = minute
            .checked_add(SignedDuration::from_mins(1))
            .expect("in range");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The step-by-step search finds exactly the first matching minute a scan finds.
    #[test]
    fn next_after_is_the_first_matching_minute(
        minutes in prop::sample::subsequence((0u32..60).collect::<Vec<_>>(), 1..4),
        hours in prop::sample::subsequence((0u32..24).collect::<Vec<_>>(), 1..4),
        days in prop::sample::subsequence((1u32..32).collect::<Vec<_>>(), 0..4),
        weekdays in prop::sample::subsequence((0u32..7).collect::<Vec<_>>(), 0..3),
        after_s in 1_700_000_000i64..1_900_000_000,
    ) {
        let list = |values: &[u32]| {
            if values.is_empty() {
                "*".to_string()
            } else {
                values.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
            }
        };
        let spec = format!(
            "{} {} {} * {}",
            list(&minutes), list(&hours), list(&days), list(&weekdays)
        );
        let schedule = CronSchedule::parse(&spec).expect("generated specs are valid");
        let Timing::Fields(fields) = &schedule.timing else {
            panic!("{spec} is not fields");
        };
        let after = SystemTime::from(Timestamp::from_second(after_s).expect("in range"));
        let expected = scan(fields, after);
        prop_assert_eq!(show(schedule.next_after(after)), show(Some(expected)), "{}", spec);
    }
}

use std::time::{Duration, SystemTime};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use proptest::prelude::*;

use super::*;

const SEED: &str = "01a23d30-a028-7c90-b5a0-dd77f5bdc799-spec29";

fn at(text: &str) -> SystemTime {
    SystemTime::from(text.parse::<Timestamp>().expect(text))
}

fn show(time: SystemTime) -> String {
    Timestamp::try_from(time).expect("in range").to_string()
}

fn compile(input: SpecInput) -> Spec {
    Spec::compile(input, SEED).unwrap_or_else(|error| panic!("{error}"))
}

fn cron(strings: &[&str]) -> Spec {
    compile(SpecInput {
        cron_string: strings.iter().map(|text| text.to_string()).collect(),
        ..SpecInput::default()
    })
}

fn cron_error(text: &str) -> String {
    let input = SpecInput {
        cron_string: vec![text.to_string()],
        ..SpecInput::default()
    };
    Spec::compile(input, SEED).expect_err(text).to_string()
}

/// The first `count` nominal times after `after`.
fn nominals(spec: &Spec, after: &str, count: usize) -> Vec<String> {
    let mut times = Vec::new();
    let mut cursor = at(after);
    for _ in 0..count {
        let Some(next) = spec.next_time(cursor) else {
            break;
        };
        times.push(show(next.nominal));
        cursor = next.nominal;
    }
    times
}

fn every(interval_s: u64, phase_s: u64) -> IntervalSpec {
    IntervalSpec {
        interval: Duration::from_secs(interval_s),
        phase: Duration::from_secs(phase_s),
    }
}

/// Observed on the dev server: jitter is bit-exact with the server's FarmHash of the time and
/// `<namespace id>-<schedule id>`.
#[test]
fn jitter_matches_the_server_bit_for_bit() {
    let spec = compile(SpecInput {
        interval: vec![every(60, 0)],
        jitter: Some(Duration::from_secs(30)),
        ..SpecInput::default()
    });
    let mut cursor = at("2026-01-01T00:00:00Z");
    let mut runs = Vec::new();
    for _ in 0..4 {
        let next = spec.next_time(cursor).expect("a time");
        runs.push((show(next.nominal), show(next.next)));
        cursor = next.nominal;
    }
    assert_eq!(
        runs,
        [
            ("2026-01-01T00:01:00Z", "2026-01-01T00:01:24.509Z"),
            ("2026-01-01T00:02:00Z", "2026-01-01T00:02:23.171Z"),
            ("2026-01-01T00:03:00Z", "2026-01-01T00:03:20.004Z"),
            ("2026-01-01T00:04:00Z", "2026-01-01T00:04:15.072Z"),
        ]
        .map(|(nominal, next)| (nominal.to_string(), next.to_string()))
    );
}

#[test]
fn jitter_is_capped_by_the_following_time() {
    let spec = compile(SpecInput {
        interval: vec![every(60, 0)],
        jitter: Some(Duration::from_secs(3600)),
        ..SpecInput::default()
    });
    let mut cursor = at("2026-01-01T00:00:00Z");
    for _ in 0..50 {
        let next = spec.next_time(cursor).expect("a time");
        let delay = next.next.duration_since(next.nominal).expect("not before");
        assert!(delay < Duration::from_secs(60), "{delay:?}");
        cursor = next.nominal;
    }
    // No jitter: next is nominal.
    let plain = compile(SpecInput {
        interval: vec![every(60, 0)],
        ..SpecInput::default()
    });
    let next = plain.next_time(cursor).expect("a time");
    assert_eq!(next.next, next.nominal);
}

#[test]
fn day_of_month_and_day_of_week_both_have_to_match() {
    let spec = cron(&["0 0 13 * 5"]);
    assert_eq!(
        nominals(&spec, "2026-01-01T00:00:00Z", 3),
        [
            "2026-02-13T00:00:00Z",
            "2026-03-13T00:00:00Z",
            "2026-11-13T00:00:00Z"
        ]
    );
}

#[test]
fn intervals_are_aligned_on_the_epoch_with_their_phase() {
    let day = 86_400;
    let plain = compile(SpecInput {
        interval: vec![every(28 * day, 0)],
        ..SpecInput::default()
    });
    assert_eq!(
        nominals(&plain, "2022-02-01T00:00:00Z", 1),
        ["2022-02-17T00:00:00Z"]
    );
    let phased = compile(SpecInput {
        interval: vec![every(28 * day, 3 * day + 5 * 3600 + 23 * 60)],
        ..SpecInput::default()
    });
    assert_eq!(
        nominals(&phased, "2022-02-01T00:00:00Z", 1),
        ["2022-02-20T05:23:00Z"]
    );
    let cron_phased = cron(&["@every 90m/5m"]);
    assert_eq!(
        nominals(&cron_phased, "2026-01-01T00:00:00Z", 3),
        [
            "2026-01-01T00:05:00Z",
            "2026-01-01T01:35:00Z",
            "2026-01-01T03:05:00Z"
        ]
    );
    assert_eq!(
        cron_phased.canonical.interval,
        [every(5400, 300)],
        "stored as the server stores it"
    );
    assert_eq!(cron(&["@every 1d"]).canonical.interval, [every(day, 0)]);
    assert_eq!(
        cron(&["@every 1.5d # comments are dropped"]).canonical,
        SpecInput {
            interval: vec![every(day * 3 / 2, 0)],
            ..SpecInput::default()
        }
    );
}

#[test]
fn a_gap_time_never_runs_and_a_repeated_time_runs_twice() {
    // 2026-03-08 02:30 does not exist in New York.
    let gap = cron(&["CRON_TZ=America/New_York 30 2 * * *"]);
    assert_eq!(
        nominals(&gap, "2026-03-07T00:00:00Z", 3),
        [
            "2026-03-07T07:30:00Z",
            "2026-03-09T06:30:00Z",
            "2026-03-10T06:30:00Z"
        ]
    );
    // 2026-11-01 01:30 happens in EDT, then again in EST.
    let repeated = cron(&["CRON_TZ=America/New_York 30 1 * * *"]);
    assert_eq!(
        nominals(&repeated, "2026-11-01T00:00:00Z", 3),
        [
            "2026-11-01T05:30:00Z",
            "2026-11-01T06:30:00Z",
            "2026-11-02T06:30:00Z"
        ]
    );
    // Starting inside the first 01:xx still finds the second one.
    assert_eq!(
        nominals(&repeated, "2026-11-01T05:45:00Z", 1),
        ["2026-11-01T06:30:00Z"]
    );
    let hourly = compile(SpecInput {
        cron_string: vec!["@hourly".to_string()],
        timezone_name: "America/New_York".to_string(),
        ..SpecInput::default()
    });
    assert_eq!(
        nominals(&hourly, "2026-11-01T03:30:00Z", 5),
        [
            "2026-11-01T04:00:00Z",
            "2026-11-01T05:00:00Z",
            "2026-11-01T06:00:00Z",
            "2026-11-01T07:00:00Z",
            "2026-11-01T08:00:00Z"
        ]
    );
    assert_eq!(
        nominals(&hourly, "2026-03-08T05:30:00Z", 3),
        [
            "2026-03-08T06:00:00Z",
            "2026-03-08T07:00:00Z",
            "2026-03-08T08:00:00Z"
        ],
        "01:00 EST, then 03:00 EDT, then 04:00 EDT"
    );
}

#[test]
fn cron_strings_become_structured_calendars() {
    let spec = cron(&["CRON_TZ=Europe/Paris */5 * * * * # morning"]);
    let full = |start, end| {
        vec![Range {
            start,
            end,
            step: 0,
        }]
    };
    assert_eq!(
        spec.canonical,
        SpecInput {
            structured_calendar: vec![CalendarSpec {
                second: vec![Range::single(0)],
                minute: vec![Range {
                    start: 0,
                    end: 59,
                    step: 5
                }],
                hour: full(0, 23),
                day_of_month: full(1, 31),
                month: full(1, 12),
                year: vec![],
                day_of_week: full(0, 6),
                comment: "morning".to_string(),
            }],
            timezone_name: "Europe/Paris".to_string(),
            ..SpecInput::default()
        }
    );
    let echoed = spec.echoed();
    let cleaned = |start, end| {
        vec![Range {
            start,
            end,
            step: 1,
        }]
    };
    assert_eq!(
        echoed.structured_calendar,
        [CalendarSpec {
            second: cleaned(0, 0),
            minute: vec![Range {
                start: 0,
                end: 59,
                step: 5
            }],
            hour: cleaned(0, 23),
            day_of_month: cleaned(1, 31),
            month: cleaned(1, 12),
            year: vec![],
            day_of_week: cleaned(0, 6),
            comment: "morning".to_string(),
        }]
    );
    assert_eq!(echoed.timezone_name, "Europe/Paris");
}

#[test]
fn echo_cleans_exclusions_and_keeps_the_rest() {
    let spec = compile(SpecInput {
        structured_calendar: vec![CalendarSpec {
            second: vec![Range::single(0)],
            minute: vec![Range::single(0)],
            hour: vec![Range {
                start: 9,
                end: 0,
                step: 0,
            }],
            day_of_month: vec![Range {
                start: 1,
                end: 31,
                step: 0,
            }],
            month: vec![Range {
                start: 1,
                end: 12,
                step: 0,
            }],
            day_of_week: vec![Range {
                start: 0,
                end: 6,
                step: 0,
            }],
            ..CalendarSpec::default()
        }],
        exclude_structured_calendar: vec![CalendarSpec {
            hour: vec![Range {
                start: 5,
                end: 2,
                step: 0,
            }],
            ..CalendarSpec::default()
        }],
        start_time: Some(at("2026-01-01T00:00:00Z")),
        jitter: Some(Duration::from_secs(5)),
        ..SpecInput::default()
    });
    let echoed = spec.echoed();
    assert_eq!(
        echoed.structured_calendar[0].hour,
        [Range {
            start: 9,
            end: 9,
            step: 1
        }]
    );
    assert_eq!(
        echoed.exclude_structured_calendar[0].hour,
        [Range {
            start: 5,
            end: 5,
            step: 1
        }]
    );
    assert_eq!(echoed.start_time, Some(at("2026-01-01T00:00:00Z")));
    assert_eq!(echoed.jitter, Some(Duration::from_secs(5)));
    assert_eq!(
        compile(SpecInput::default()).echoed(),
        SpecInput::default(),
        "an empty spec echoes empty"
    );
}

#[test]
fn fields_have_five_to_seven_forms_and_names() {
    // Seven fields: second first, year last.
    let seven = cron(&["30 15 10 1 jan * 2027"]);
    assert_eq!(
        nominals(&seven, "2026-01-01T00:00:00Z", 2),
        ["2027-01-01T10:15:30Z"]
    );
    // Six fields: year last.
    let six = cron(&["0 12 * * * 2026,2028"]);
    assert_eq!(
        nominals(&six, "2026-12-31T13:00:00Z", 1),
        ["2028-01-01T12:00:00Z"]
    );
    // Names by prefix, any case: months from 3 letters, weekdays from 2.
    let named = cron(&["0 9 * MARCH-apr Mo-wEDNES"]);
    let calendar = &named.canonical.structured_calendar[0];
    assert_eq!(
        calendar.month,
        [Range {
            start: 3,
            end: 4,
            step: 0
        }]
    );
    assert_eq!(
        calendar.day_of_week,
        [Range {
            start: 1,
            end: 3,
            step: 0
        }]
    );
    // Sunday is 0 or 7 (observed on the server).
    let dow = |text: &str| {
        cron(&[&format!("0 0 * * {text}")])
            .canonical
            .structured_calendar[0]
            .day_of_week
            .clone()
    };
    assert_eq!(
        dow("1-7/2"),
        [
            Range::single(0),
            Range {
                start: 1,
                end: 6,
                step: 2
            }
        ]
    );
    assert_eq!(
        dow("sun,7,tue-thu"),
        [
            Range::single(0),
            Range::single(0),
            Range {
                start: 2,
                end: 4,
                step: 0
            }
        ]
    );
    assert_eq!(
        dow("0-7"),
        [Range {
            start: 0,
            end: 6,
            step: 0
        }]
    );
    assert_eq!(
        dow("3-7/3"),
        [Range {
            start: 3,
            end: 6,
            step: 3
        }]
    );
    // Shorthands.
    for (shorthand, after, expected) in [
        ("@yearly", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("@annually", "2026-03-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("@monthly", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"),
        ("@weekly", "2026-03-02T00:00:00Z", "2026-03-08T00:00:00Z"),
        ("@daily", "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z"),
        ("@midnight", "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z"),
        ("@hourly", "2026-03-01T00:30:00Z", "2026-03-01T01:00:00Z"),
    ] {
        assert_eq!(
            nominals(&cron(&[shorthand]), after, 1),
            [expected],
            "{shorthand}"
        );
    }
}

#[test]
fn string_calendars_take_defaults_and_join_errors() {
    let spec = compile(SpecInput {
        calendar: vec![CalendarSpecStrings {
            hour: "9-17/4".to_string(),
            day_of_week: "mon-fri".to_string(),
            ..CalendarSpecStrings::default()
        }],
        ..SpecInput::default()
    });
    assert!(spec.canonical.calendar.is_empty());
    assert_eq!(
        nominals(&spec, "2026-03-06T14:00:00Z", 3),
        [
            "2026-03-06T17:00:00Z",
            "2026-03-09T09:00:00Z",
            "2026-03-09T13:00:00Z"
        ]
    );
    let error = Spec::compile(
        SpecInput {
            calendar: vec![CalendarSpecStrings {
                second: "61".to_string(),
                day_of_month: "0".to_string(),
                day_of_week: "xx".to_string(),
                ..CalendarSpecStrings::default()
            }],
            ..SpecInput::default()
        },
        SEED,
    )
    .expect_err("invalid");
    assert_eq!(
        error.0,
        "Second is not in range [0-59], DayOfWeek is not in range [0-7], DayOfMonth is not in range [1-31]"
    );
}

#[test]
fn refusals_use_the_servers_words() {
    for (text, message) in [
        ("* * * *", "CronString does not have 5-7 fields"),
        ("* * * * * * * *", "CronString does not have 5-7 fields"),
        ("@minutely", "CronString does not have 5-7 fields"),
        ("CRON_TZ=UTC", "CronString has time zone but missing fields"),
        ("@every", "CronString does not have interval after @every"),
        ("@every 1x", "time: unknown unit \"x\" in duration \"1x\""),
        ("@every 10", "time: missing unit in duration \"10\""),
        ("@every 500ms", "interval is too small"),
        ("@every -5m", "interval is too small"),
        ("@every 5m/-1m", "phase is negative"),
        ("@every 5m/5m", "phase cannot be greater than Interval"),
        ("0 0 ? * *", "DayOfMonth is not in range [1-31]"),
        (
            "0 0 31-1 * *",
            "DayOfMonth End is before Start or not in range [1-31]",
        ),
        ("0 0 x-3 * *", "DayOfMonth Start is not in range [1-31]"),
        ("1/2/3 * * * *", "Minute has too many slashes"),
        ("1/ * * * *", "Minute missing step value"),
        ("*/x * * * *", "strconv.Atoi: parsing \"x\": invalid syntax"),
        ("*/0 * * * *", "Minute has invalid Step"),
        ("1-2-3 * * * *", "Minute has too many dashes"),
        ("0 0 * * * 1999", "Year is not in range [2000-2100]"),
        ("CRON_TZ=Mars/Base 0 0 * * *", "unknown time zone Mars/Base"),
        (
            "CRON_TZ=america/new_york 0 0 * * *",
            "unknown time zone america/new_york",
        ),
        ("TZ=../etc/passwd 0 0 * * *", "time: invalid location name"),
    ] {
        assert_eq!(cron_error(text), message, "{text}");
    }
    let long = format!("0 0 * * * # {}", "x".repeat(201));
    assert_eq!(
        cron_error(&long),
        "invalid calendar spec: comment is too long"
    );
}

#[test]
fn structured_calendars_are_validated_with_every_error() {
    let error = Spec::compile(
        SpecInput {
            structured_calendar: vec![CalendarSpec {
                second: vec![Range {
                    start: 0,
                    end: 0,
                    step: -1,
                }],
                minute: vec![Range {
                    start: 5,
                    end: 2,
                    step: 0,
                }],
                hour: vec![Range::single(24)],
                day_of_week: vec![Range::single(7)],
                ..CalendarSpec::default()
            }],
            ..SpecInput::default()
        },
        SEED,
    )
    .expect_err("invalid");
    assert_eq!(
        error.0,
        "invalid calendar spec: Second has invalid Step, Minute End is before Start or not in range [0-59], Hour Start is not in range [0-23], DayOfWeek Start is not in range [0-6]"
    );
    let zone = Spec::compile(
        SpecInput {
            timezone_name: "Mars/Base".to_string(),
            ..SpecInput::default()
        },
        SEED,
    )
    .expect_err("unknown zone");
    assert_eq!(zone.to_string(), "unknown time zone Mars/Base");
    let small = Spec::compile(
        SpecInput {
            interval: vec![IntervalSpec::default()],
            ..SpecInput::default()
        },
        SEED,
    )
    .expect_err("zero interval");
    assert_eq!(small.0, "interval is too small");
}

#[test]
fn cron_time_zones_must_agree() {
    let conflict = |cron_string: &[&str], timezone_name: &str| {
        Spec::compile(
            SpecInput {
                cron_string: cron_string.iter().map(|text| text.to_string()).collect(),
                timezone_name: timezone_name.to_string(),
                ..SpecInput::default()
            },
            SEED,
        )
        .map(|spec| spec.canonical.timezone_name)
    };
    let refused = Err(SpecError("conflicting timezone names".to_string()));
    assert_eq!(
        conflict(&["CRON_TZ=Europe/Paris 0 0 * * *", "0 12 * * *"], ""),
        refused
    );
    assert_eq!(
        conflict(&["CRON_TZ=Europe/Paris 0 0 * * *", "@every 1h"], ""),
        refused
    );
    assert_eq!(
        conflict(&["CRON_TZ=Europe/Paris 0 0 * * *"], "Asia/Tokyo"),
        refused
    );
    assert_eq!(
        conflict(
            &[
                "CRON_TZ=Europe/Paris 0 0 * * *",
                "TZ=Europe/Paris 0 9 * * *"
            ],
            "Europe/Paris"
        ),
        Ok("Europe/Paris".to_string())
    );
    // A cron string without a zone leaves the spec's zone alone.
    assert_eq!(
        conflict(&["0 0 * * *"], "Asia/Tokyo"),
        Ok("Asia/Tokyo".to_string())
    );
}

#[test]
fn an_empty_field_matches_nothing_but_an_empty_year_matches_all() {
    let only_hour = compile(SpecInput {
        structured_calendar: vec![CalendarSpec {
            hour: vec![Range::single(12)],
            ..CalendarSpec::default()
        }],
        ..SpecInput::default()
    });
    assert_eq!(only_hour.next_time(at("2026-01-01T00:00:00Z")), None);
    let feb_30 = cron(&["0 0 30 2 *"]);
    assert_eq!(feb_30.next_time(at("2026-01-01T00:00:00Z")), None);
    let every_year = cron(&["0 0 29 2 *"]);
    assert_eq!(
        nominals(&every_year, "2026-01-01T00:00:00Z", 2),
        ["2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"]
    );
}

#[test]
fn start_and_end_bound_the_nominal_times() {
    let hourly = |start: Option<&str>, end: Option<&str>| {
        compile(SpecInput {
            interval: vec![every(3600, 0)],
            start_time: start.map(at),
            end_time: end.map(at),
            jitter: Some(Duration::from_secs(600)),
            ..SpecInput::default()
        })
    };
    // start_time counts in whole seconds (observed).
    let spec = hourly(Some("2026-01-01T02:00:00.5Z"), None);
    assert_eq!(
        nominals(&spec, "2026-01-01T00:00:00Z", 1),
        ["2026-01-01T02:00:00Z"]
    );
    // end_time is inclusive, on the nominal time, whatever the jitter.
    let spec = hourly(None, Some("2026-01-01T03:00:00Z"));
    assert_eq!(
        nominals(&spec, "2026-01-01T01:30:00Z", 5),
        ["2026-01-01T02:00:00Z", "2026-01-01T03:00:00Z"]
    );
    // Strictly after: a time equal to `after` is not next.
    let spec = hourly(None, None);
    assert_eq!(
        nominals(&spec, "2026-01-01T02:00:00Z", 1),
        ["2026-01-01T03:00:00Z"]
    );
}

#[test]
fn exclusions_skip_times() {
    let weekdays = compile(SpecInput {
        cron_string: vec!["0 9 * * *".to_string()],
        exclude_calendar: vec![CalendarSpecStrings {
            hour: "*".to_string(),
            minute: "*".to_string(),
            second: "*".to_string(),
            day_of_week: "sat,sun".to_string(),
            ..CalendarSpecStrings::default()
        }],
        ..SpecInput::default()
    });
    // 2026-03-06 is a Friday.
    assert_eq!(
        nominals(&weekdays, "2026-03-06T10:00:00Z", 1),
        ["2026-03-09T09:00:00Z"]
    );
    // Exclusions are read in the spec's zone.
    let paris = compile(SpecInput {
        interval: vec![every(3600, 0)],
        exclude_calendar: vec![CalendarSpecStrings {
            hour: "0-7".to_string(),
            minute: "*".to_string(),
            ..CalendarSpecStrings::default()
        }],
        timezone_name: "Europe/Paris".to_string(),
        ..SpecInput::default()
    });
    // 23:00Z is 00:00 in Paris (UTC+1 in March before the change).
    assert_eq!(
        nominals(&paris, "2026-03-01T22:30:00Z", 2),
        ["2026-03-02T07:00:00Z", "2026-03-02T08:00:00Z"]
    );
    // Everything excluded: the compute limit ends the search.
    let all_excluded = compile(SpecInput {
        interval: vec![every(1, 0)],
        exclude_calendar: vec![CalendarSpecStrings {
            second: "*".to_string(),
            minute: "*".to_string(),
            hour: "*".to_string(),
            ..CalendarSpecStrings::default()
        }],
        ..SpecInput::default()
    });
    assert_eq!(all_excluded.next_time(at("2026-01-01T00:00:00Z")), None);
}

#[test]
fn nothing_runs_after_2100() {
    let yearly = cron(&["@yearly"]);
    assert_eq!(
        nominals(&yearly, "2099-06-01T00:00:00Z", 5),
        ["2100-01-01T00:00:00Z"]
    );
    let interval = compile(SpecInput {
        interval: vec![every(3600, 0)],
        ..SpecInput::default()
    });
    assert_eq!(
        nominals(&interval, "2100-12-31T22:30:00Z", 5),
        ["2100-12-31T23:00:00Z"]
    );
    assert_eq!(
        nominals(&cron(&["0 0 1 1 * 2100"]), "2100-06-01T00:00:00Z", 1),
        Vec::<String>::new()
    );
}

#[test]
fn several_parts_give_the_earliest_time_once() {
    let spec = compile(SpecInput {
        cron_string: vec!["0 * * * *".to_string(), "30 * * * *".to_string()],
        interval: vec![every(3600, 0)],
        ..SpecInput::default()
    });
    assert_eq!(
        nominals(&spec, "2026-01-01T00:00:00Z", 3),
        [
            "2026-01-01T00:30:00Z",
            "2026-01-01T01:00:00Z",
            "2026-01-01T01:30:00Z"
        ]
    );
}

/// A wall-clock reading from jiff, independent of the calendar's own arithmetic.
fn brute_matches(calendar: &CalendarSpec, zone: &TimeZone, secs: i64) -> bool {
    let local = Timestamp::from_second(secs)
        .expect("in range")
        .to_zoned(zone.clone())
        .datetime();
    let year_ok = calendar.year.is_empty() || in_ranges(&calendar.year, i64::from(local.year()));
    year_ok
        && in_ranges(&calendar.month, i64::from(local.month()))
        && in_ranges(&calendar.day_of_month, i64::from(local.day()))
        && in_ranges(
            &calendar.day_of_week,
            i64::from(local.weekday().to_sunday_zero_offset()),
        )
        && in_ranges(&calendar.hour, i64::from(local.hour()))
        && in_ranges(&calendar.minute, i64::from(local.minute()))
        && in_ranges(&calendar.second, i64::from(local.second()))
}

fn in_ranges(ranges: &[Range], value: i64) -> bool {
    ranges.iter().any(|range| {
        let start = i64::from(range.start);
        let end = i64::from(range.end).max(start);
        let step = i64::from(range.step.max(1));
        value >= start && value <= end && (value - start) % step == 0
    })
}

fn ranges_strategy(min: i32, max: i32) -> impl Strategy<Value = Vec<Range>> {
    prop::collection::vec(
        (min..=max, 0..=(max - min), 0i32..4).prop_map(move |(start, span, step)| Range {
            start,
            end: if span == 0 {
                0
            } else {
                (start + span).min(max)
            },
            step,
        }),
        1..3,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// `next_time` finds exactly the first second that a scan of wall clocks finds, across
    /// zones with daylight saving.
    #[test]
    fn next_time_is_the_first_matching_second(
        second in prop::sample::subsequence(vec![0, 15, 30, 59], 1..3),
        minute in ranges_strategy(0, 59),
        hour in ranges_strategy(0, 23),
        day_of_month in prop::option::of(ranges_strategy(1, 31)),
        day_of_week in prop::option::of(ranges_strategy(0, 6)),
        month in prop::option::of(ranges_strategy(1, 12)),
        zone in prop::sample::select(vec![
            "UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata",
        ]),
        after_s in 1_772_000_000i64..1_800_000_000,
    ) {
        let calendar = CalendarSpec {
            second: second.iter().map(|&second| Range::single(second)).collect(),
            minute,
            hour,
            day_of_month: day_of_month.unwrap_or(vec![Range { start: 1, end: 31, step: 0 }]),
            month: month.unwrap_or(vec![Range { start: 1, end: 12, step: 0 }]),
            year: vec![],
            day_of_week: day_of_week.unwrap_or(vec![Range { start: 0, end: 6, step: 0 }]),
            comment: String::new(),
        };
        let spec = compile(SpecInput {
            structured_calendar: vec![calendar.clone()],
            timezone_name: zone.to_string(),
            ..SpecInput::default()
        });
        let tz = TimeZone::get(zone).expect("known zone");
        // Every offset of these zones is a whole number of minutes, so a wall clock's second
        // is the instant's: only those seconds need checking.
        let window_minutes = 45 * 24 * 60;
        let first_minute = after_s.div_euclid(60);
        let expected = (first_minute..first_minute + window_minutes)
            .flat_map(|minute| second.iter().map(move |&second| minute * 60 + i64::from(second)))
            .find(|&secs| secs > after_s && brute_matches(&calendar, &tz, secs));
        let after = SystemTime::UNIX_EPOCH + Duration::from_secs(after_s as u64);
        let found = spec.next_time(after).map(|next| {
            next.nominal.duration_since(SystemTime::UNIX_EPOCH).expect("after 1970").as_secs() as i64
        });
        match expected {
            Some(expected) => prop_assert_eq!(found, Some(expected)),
            None => prop_assert!(
                found.is_none_or(|found| found >= (first_minute + window_minutes) * 60),
                "found {:?} inside the window", found
            ),
        }
    }
}

/// Around every 2026 offset change of zones with one-hour and half-hour shifts, the times
/// `next_time` steps through are exactly the seconds whose wall clock matches.
#[test]
fn every_wall_clock_match_around_offset_changes() {
    for zone in ["America/New_York", "Europe/London", "Australia/Lord_Howe"] {
        let tz = TimeZone::get(zone).expect("known zone");
        let transitions: Vec<i64> = tz
            .following(Timestamp::from_second(1_767_225_600).expect("2026"))
            .take(2)
            .map(|transition| transition.timestamp().as_second())
            .collect();
        assert_eq!(transitions.len(), 2, "{zone}");
        for cron_fields in ["*/10 * * * *", "15,45 1-2 * * *", "0 * * * *"] {
            let spec = compile(SpecInput {
                cron_string: vec![cron_fields.to_string()],
                timezone_name: zone.to_string(),
                ..SpecInput::default()
            });
            let calendar = spec.canonical.structured_calendar[0].clone();
            for &transition in &transitions {
                let (from, to) = (transition - 4 * 3600, transition + 4 * 3600);
                let expected: Vec<i64> = (from / 60 + 1..=to / 60)
                    .map(|minute| minute * 60)
                    .filter(|&secs| brute_matches(&calendar, &tz, secs))
                    .collect();
                assert!(!expected.is_empty());
                let mut found = Vec::new();
                let mut cursor = SystemTime::UNIX_EPOCH + Duration::from_secs(from as u64);
                while let Some(next) = spec.next_time(cursor) {
                    let secs = next
                        .nominal
                        .duration_since(SystemTime::UNIX_EPOCH)
                        .expect("after 1970")
                        .as_secs() as i64;
                    if secs > to {
                        break;
                    }
                    found.push(secs);
                    cursor = next.nominal;
                }
                assert_eq!(found, expected, "{zone} {cron_fields} around {transition}");
            }
        }
    }
}

//! Reading load models and stop conditions from command-line values.
//!
//! | flag | value | model |
//! |---|---|---|
//! | `--rate` | `100/s` | constant rate |
//! | `--ramp` | `10/s..200/s:60s` | linear ramp, then the end rate |
//! | `--steps` | `"30s@50/s,30s@100/s"` | constant rates one after the other |
//! | `--poisson` | `100/s` (with `--seed N`) | Poisson arrivals |
//! | `--concurrency` | `20` | closed model |
//! | `--duration` | `60s`, `1m30s`, `500ms`, `1.5h` | stop after this long |
//! | `--iterations` | `10000` | stop after this many |
//!
//! Rates take `/s`, `/m` or `/h` (a bare number is per second). Every error names the flag and
//! the value, and says what was expected.

use std::time::Duration;

use super::{
    ArrivalModel, LoadModel, MAX_CONCURRENCY, MAX_ITERATIONS, MAX_RUN_DURATION, MAX_STEPS,
    StopCondition,
};
use crate::LoadgenError;

/// The Poisson seed when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 1;

/// The raw values of the load flags, as a command-line parser collected them. `None` means the
/// flag was not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadArgs {
    /// `--rate`, such as `100/s`.
    pub rate: Option<String>,
    /// `--ramp`, such as `10/s..200/s:60s`.
    pub ramp: Option<String>,
    /// `--steps`, such as `30s@50/s,30s@100/s`.
    pub steps: Option<String>,
    /// `--poisson`, such as `100/s`.
    pub poisson: Option<String>,
    /// `--seed` for `--poisson`.
    pub seed: Option<String>,
    /// `--concurrency`, such as `20`.
    pub concurrency: Option<String>,
    /// `--duration`, such as `60s`.
    pub duration: Option<String>,
    /// `--iterations`, such as `10000`.
    pub iterations: Option<String>,
}

/// A load model with the condition that ends it: what a run needs to start.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadPlan {
    /// How load is offered.
    pub model: LoadModel,
    /// When the run stops issuing.
    pub stop: StopCondition,
}

impl LoadArgs {
    /// Reads and validates the flags: exactly one load model, at least one stop condition.
    pub fn parse(&self) -> Result<LoadPlan, LoadgenError> {
        let given: Vec<(&str, &str)> = [
            ("--rate", &self.rate),
            ("--ramp", &self.ramp),
            ("--steps", &self.steps),
            ("--poisson", &self.poisson),
            ("--concurrency", &self.concurrency),
        ]
        .into_iter()
        .filter_map(|(flag, value)| value.as_deref().map(|value| (flag, value)))
        .collect();
        let (flag, value) = match given.as_slice() {
            [] => return Err(LoadgenError::MissingModel),
            [one] => *one,
            [first, second, ..] => {
                return Err(LoadgenError::ConflictingFlags {
                    first: first.0.to_owned(),
                    second: second.0.to_owned(),
                    reason: "each sets the load model: choose one".to_owned(),
                });
            }
        };
        let mut model = parse_model(flag, value)?;
        if let Some(seed_text) = &self.seed {
            match &mut model {
                LoadModel::Open(ArrivalModel::Poisson { seed, .. }) => {
                    *seed = parse_u64("--seed", seed_text)?;
                }
                _ => {
                    return Err(LoadgenError::flag(
                        "--seed",
                        seed_text,
                        format!("applies only to --poisson, not to {flag}"),
                    ));
                }
            }
        }
        let stop = StopCondition {
            duration: self
                .duration
                .as_deref()
                .map(|text| parse_duration("--duration", text))
                .transpose()?,
            iterations: self
                .iterations
                .as_deref()
                .map(|text| parse_iterations("--iterations", text))
                .transpose()?,
        };
        if stop.duration.is_none() && stop.iterations.is_none() {
            return Err(LoadgenError::MissingStop);
        }
        stop.validate()?;
        Ok(LoadPlan { model, stop })
    }
}

/// Reads one load-model flag: `--rate`, `--ramp`, `--steps`, `--poisson` (seed
/// [`DEFAULT_SEED`]) or `--concurrency`. The model is validated; errors name the flag.
pub fn parse_model(flag: &str, value: &str) -> Result<LoadModel, LoadgenError> {
    let model = match flag {
        "--rate" => LoadModel::Open(ArrivalModel::Constant {
            rate_per_s: positive_rate(flag, value, value)?,
        }),
        "--poisson" => LoadModel::Open(ArrivalModel::Poisson {
            rate_per_s: positive_rate(flag, value, value)?,
            seed: DEFAULT_SEED,
        }),
        "--ramp" => parse_ramp(value)?,
        "--steps" => parse_steps(value)?,
        "--concurrency" => {
            let in_flight = parse_u64(flag, value)?;
            let in_flight = usize::try_from(in_flight)
                .ok()
                .filter(|n| (1..=MAX_CONCURRENCY).contains(n))
                .ok_or_else(|| {
                    LoadgenError::flag(
                        flag,
                        value,
                        format!("expected a number of iterations from 1 to {MAX_CONCURRENCY}"),
                    )
                })?;
            LoadModel::Closed { in_flight }
        }
        other => {
            return Err(LoadgenError::flag(
                other,
                value,
                "not a load-model flag: use --rate, --ramp, --steps, --poisson or --concurrency",
            ));
        }
    };
    model
        .validate()
        .map_err(|error| LoadgenError::flag(flag, value, without_code(&error)))?;
    Ok(model)
}

fn parse_ramp(value: &str) -> Result<LoadModel, LoadgenError> {
    const FLAG: &str = "--ramp";
    const SHAPE: &str = "expected FROM..TO:OVER, such as 10/s..200/s:60s";
    let (rates, over) = value
        .rsplit_once(':')
        .ok_or_else(|| LoadgenError::flag(FLAG, value, SHAPE))?;
    let (from, to) = rates
        .split_once("..")
        .ok_or_else(|| LoadgenError::flag(FLAG, value, SHAPE))?;
    let from_per_s = rate_in(FLAG, value, from, true)?;
    let to_per_s = rate_in(FLAG, value, to, true)?;
    let over = duration_in(FLAG, value, over)?;
    Ok(LoadModel::Open(ArrivalModel::Ramp {
        from_per_s,
        to_per_s,
        over,
    }))
}

fn parse_steps(value: &str) -> Result<LoadModel, LoadgenError> {
    const FLAG: &str = "--steps";
    let mut steps = Vec::new();
    for (index, part) in value.split(',').enumerate() {
        if index >= MAX_STEPS {
            return Err(LoadgenError::flag(
                FLAG,
                value,
                format!("more than {MAX_STEPS} steps"),
            ));
        }
        let part = part.trim();
        let (length, rate) = part.split_once('@').ok_or_else(|| {
            LoadgenError::flag(
                FLAG,
                value,
                format!(
                    "step {} {part:?}: expected LENGTH@RATE, such as 30s@50/s",
                    index + 1
                ),
            )
        })?;
        let length = duration_in(FLAG, value, length)?;
        let rate_per_s = rate_in(FLAG, value, rate, true)?;
        steps.push((length, rate_per_s));
    }
    Ok(LoadModel::Open(ArrivalModel::Steps(steps)))
}

/// Reads a rate such as `100/s`, `600/m`, `3600/h` or `100` (per second) into starts per
/// second. Zero is refused; use `--steps` for a pause.
pub fn parse_rate_per_s(flag: &str, value: &str) -> Result<f64, LoadgenError> {
    positive_rate(flag, value, value)
}

fn positive_rate(flag: &str, whole: &str, part: &str) -> Result<f64, LoadgenError> {
    rate_in(flag, whole, part, false)
}

/// Reads the rate `part` of the flag value `whole`; errors quote both.
fn rate_in(flag: &str, whole: &str, part: &str, zero_allowed: bool) -> Result<f64, LoadgenError> {
    let part = part.trim();
    let (number, per_s_factor) = match part.split_once('/') {
        None => (part, 1.0),
        Some((number, unit)) => {
            let factor = match unit.trim() {
                "s" | "sec" => 1.0,
                "m" | "min" => 1.0 / 60.0,
                "h" => 1.0 / 3600.0,
                other => {
                    return Err(LoadgenError::flag(
                        flag,
                        whole,
                        format!("unknown rate unit {other:?} in {part:?}: use /s, /m or /h"),
                    ));
                }
            };
            (number, factor)
        }
    };
    let count: f64 = number.trim().parse().map_err(|_| {
        LoadgenError::flag(
            flag,
            whole,
            format!("{part:?} is not a rate: expected a number and a unit, such as 100/s"),
        )
    })?;
    let rate_per_s = count * per_s_factor;
    let low_ok = if zero_allowed {
        rate_per_s >= 0.0
    } else {
        rate_per_s > 0.0
    };
    if !rate_per_s.is_finite() || !low_ok {
        let bound = if zero_allowed {
            "zero or more"
        } else {
            "more than zero"
        };
        return Err(LoadgenError::flag(
            flag,
            whole,
            format!("rate {part:?} must be {bound}"),
        ));
    }
    Ok(rate_per_s)
}

/// Reads a duration such as `500ms`, `30s`, `1.5s`, `2m`, `1h` or `1m30s`.
pub fn parse_duration(flag: &str, value: &str) -> Result<Duration, LoadgenError> {
    let duration = duration_in(flag, value, value)?;
    if duration.is_zero() {
        return Err(LoadgenError::flag(flag, value, "must be longer than zero"));
    }
    if duration > MAX_RUN_DURATION {
        return Err(LoadgenError::flag(
            flag,
            value,
            format!("longer than the limit of {} s", MAX_RUN_DURATION.as_secs()),
        ));
    }
    Ok(duration)
}

fn duration_in(flag: &str, whole: &str, part: &str) -> Result<Duration, LoadgenError> {
    let text = part.trim();
    let shape = || {
        LoadgenError::flag(
            flag,
            whole,
            format!(
                "{text:?} is not a duration: expected a number and a unit (ms, s, m, h), such as 30s or 1m30s"
            ),
        )
    };
    if text.is_empty() {
        return Err(shape());
    }
    let mut total_ns = 0.0_f64;
    let mut rest = text;
    // Each pass consumes one `<number><unit>` pair, so the loop ends within `text.len()` passes.
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_len);
        let unit_len = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_len);
        let amount: f64 = number.parse().map_err(|_| shape())?;
        let unit_ns = match unit {
            "ms" => 1e6,
            "s" => 1e9,
            "m" | "min" => 60e9,
            "h" => 3600e9,
            "" => {
                return Err(LoadgenError::flag(
                    flag,
                    whole,
                    format!(
                        "{text:?} has no unit: write {number}s, {number}ms, {number}m or {number}h"
                    ),
                ));
            }
            _ => return Err(shape()),
        };
        total_ns += amount * unit_ns;
        rest = next;
    }
    // Summed in nanoseconds and rounded once, so `0.3s` is 300 ms and not 299.999999 ms.
    if !total_ns.is_finite() || total_ns > MAX_RUN_DURATION.as_secs_f64() * 2e9 {
        return Err(LoadgenError::flag(
            flag,
            whole,
            format!(
                "{text:?} is longer than the limit of {} s",
                MAX_RUN_DURATION.as_secs()
            ),
        ));
    }
    Ok(Duration::from_nanos(total_ns.round() as u64))
}

fn parse_iterations(flag: &str, value: &str) -> Result<u64, LoadgenError> {
    let count = parse_u64(flag, value)?;
    if count == 0 || count > MAX_ITERATIONS {
        return Err(LoadgenError::flag(
            flag,
            value,
            format!("expected a count from 1 to {MAX_ITERATIONS}"),
        ));
    }
    Ok(count)
}

fn parse_u64(flag: &str, value: &str) -> Result<u64, LoadgenError> {
    let digits: String = value.trim().chars().filter(|c| *c != '_').collect();
    digits.parse().map_err(|_| {
        LoadgenError::flag(
            flag,
            value,
            "expected a whole number without sign, such as 20",
        )
    })
}

/// The message of a validation error without its code, to nest inside a flag error.
fn without_code(error: &LoadgenError) -> String {
    let text = error.to_string();
    match text.split_once("] ") {
        Some((_, rest)) => rest.to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> LoadArgs {
        LoadArgs {
            duration: Some("10s".to_owned()),
            ..LoadArgs::default()
        }
    }

    fn error_text(result: Result<LoadPlan, LoadgenError>) -> (String, &'static str) {
        match result {
            Ok(plan) => panic!("expected an error, got {plan:?}"),
            Err(error) => (error.to_string(), error.code()),
        }
    }

    #[test]
    fn reads_every_model() {
        let cases = [
            (
                "--rate",
                "100/s",
                LoadModel::Open(ArrivalModel::Constant { rate_per_s: 100.0 }),
            ),
            (
                "--rate",
                "600/m",
                LoadModel::Open(ArrivalModel::Constant { rate_per_s: 10.0 }),
            ),
            (
                "--ramp",
                "10/s..200/s:60s",
                LoadModel::Open(ArrivalModel::Ramp {
                    from_per_s: 10.0,
                    to_per_s: 200.0,
                    over: Duration::from_secs(60),
                }),
            ),
            (
                "--steps",
                "30s@50/s, 30s@100/s",
                LoadModel::Open(ArrivalModel::Steps(vec![
                    (Duration::from_secs(30), 50.0),
                    (Duration::from_secs(30), 100.0),
                ])),
            ),
            (
                "--poisson",
                "100/s",
                LoadModel::Open(ArrivalModel::Poisson {
                    rate_per_s: 100.0,
                    seed: DEFAULT_SEED,
                }),
            ),
            ("--concurrency", "20", LoadModel::Closed { in_flight: 20 }),
        ];
        for (flag, value, expected) in cases {
            let got = parse_model(flag, value).unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(got, expected, "{flag} {value}");
        }
    }

    #[test]
    fn display_gives_back_the_flags() {
        for (flag, value) in [
            ("--rate", "100/s"),
            ("--ramp", "10/s..200/s:60s"),
            ("--steps", "30s@50/s,500ms@100/s"),
            ("--concurrency", "20"),
        ] {
            let model = parse_model(flag, value).unwrap_or_else(|error| panic!("{error}"));
            let shown = model.to_string();
            let (shown_flag, shown_value) = shown.split_once(' ').expect("flag and value");
            let again = parse_model(shown_flag, shown_value.trim_matches('"'))
                .unwrap_or_else(|error| panic!("{shown}: {error}"));
            assert_eq!(again, model, "{shown}");
        }
    }

    #[test]
    fn durations() {
        let cases = [
            ("500ms", 500),
            ("30s", 30_000),
            ("1.5s", 1_500),
            ("0.3s", 300),
            ("2m", 120_000),
            ("1m30s", 90_000),
            ("1h", 3_600_000),
        ];
        for (text, expected_ms) in cases {
            let got = parse_duration("--duration", text).unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(got, Duration::from_millis(expected_ms), "{text}");
        }
    }

    #[test]
    fn errors_name_the_flag_and_say_what_was_expected() {
        let cases: [(&str, &str, &str); 12] = [
            ("--rate", "fast", "is not a rate"),
            ("--rate", "100/x", "unknown rate unit \"x\""),
            ("--rate", "0/s", "must be more than zero"),
            ("--rate", "5000000/s", "at most 1000000/s"),
            ("--ramp", "10/s-200/s:60s", "expected FROM..TO:OVER"),
            ("--ramp", "10/s..200/s", "expected FROM..TO:OVER"),
            ("--ramp", "10/s..200/s:60", "has no unit: write 60s"),
            (
                "--steps",
                "30s@50/s,30s",
                "step 2 \"30s\": expected LENGTH@RATE",
            ),
            ("--steps", "30s@0/s", "every rate is zero"),
            ("--poisson", "-3/s", "must be more than zero"),
            ("--concurrency", "0", "from 1 to 100000"),
            ("--concurrency", "-2", "whole number"),
        ];
        for (flag, value, needle) in cases {
            let error = match parse_model(flag, value) {
                Ok(model) => panic!("{flag} {value}: expected an error, got {model:?}"),
                Err(error) => error,
            };
            let text = error.to_string();
            assert_eq!(error.code(), "WFL001", "{text}");
            assert!(text.starts_with(&format!("[WFL001] {flag} ")), "{text}");
            assert!(text.contains(needle), "{flag} {value}: {text}");
        }
    }

    #[test]
    fn a_plan_needs_exactly_one_model_and_a_stop() {
        let (text, code) = error_text(args().parse());
        assert_eq!(code, "WFL003", "{text}");

        let both = LoadArgs {
            rate: Some("10/s".to_owned()),
            concurrency: Some("4".to_owned()),
            ..args()
        };
        let (text, code) = error_text(both.parse());
        assert_eq!(code, "WFL002", "{text}");
        assert!(text.contains("--rate and --concurrency"), "{text}");

        let no_stop = LoadArgs {
            rate: Some("10/s".to_owned()),
            ..LoadArgs::default()
        };
        let (text, code) = error_text(no_stop.parse());
        assert_eq!(code, "WFL004", "{text}");

        let seed_without_poisson = LoadArgs {
            rate: Some("10/s".to_owned()),
            seed: Some("7".to_owned()),
            ..args()
        };
        let (text, _) = error_text(seed_without_poisson.parse());
        assert!(
            text.contains("--seed") && text.contains("only to --poisson"),
            "{text}"
        );

        let bad_iterations = LoadArgs {
            rate: Some("10/s".to_owned()),
            iterations: Some("0".to_owned()),
            ..args()
        };
        let (text, _) = error_text(bad_iterations.parse());
        assert!(text.starts_with("[WFL001] --iterations \"0\""), "{text}");
    }

    #[test]
    fn a_full_plan() {
        let plan = LoadArgs {
            poisson: Some("50/s".to_owned()),
            seed: Some("7".to_owned()),
            duration: Some("1m".to_owned()),
            iterations: Some("10_000".to_owned()),
            ..LoadArgs::default()
        }
        .parse()
        .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(
            plan.model,
            LoadModel::Open(ArrivalModel::Poisson {
                rate_per_s: 50.0,
                seed: 7
            })
        );
        assert_eq!(plan.stop.duration, Some(Duration::from_secs(60)));
        assert_eq!(plan.stop.iterations, Some(10_000));
    }
}

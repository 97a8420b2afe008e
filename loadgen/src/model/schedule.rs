//! The intended start times of an open-model run.
//!
//! Deterministic rate curves (constant, ramp, steps) place the k-th start (k = 0, 1, 2, …) where
//! the curve's cumulative count reaches k: `N(t_k) = k`. That keeps ramps and steps continuous
//! (no start is lost or doubled at a step boundary) and makes a constant rate exact: at 100/s the
//! offsets are 0 ms, 10 ms, 20 ms, … to the nanosecond. Poisson gaps come from the seeded
//! [`SplitMix64`], so a seed always gives the same schedule.

use std::time::Duration;

use super::{ArrivalModel, SplitMix64, StopCondition};
use crate::LoadgenError;

/// An iterator over intended start offsets (time since the run started), bounded by a
/// [`StopCondition`]. Offsets never decrease.
#[derive(Debug, Clone)]
pub struct Schedule {
    curve: Curve,
    next_index: u64,
    duration_ns: Option<u64>,
    iterations: Option<u64>,
    end: Option<Duration>,
}

#[derive(Debug, Clone)]
enum Curve {
    Constant {
        rate_per_s: f64,
    },
    Ramp {
        from_per_s: f64,
        to_per_s: f64,
        over_s: f64,
        /// Starts the ramp itself holds: `N(over)`.
        ramp_count: f64,
    },
    Steps {
        steps: Vec<Step>,
        /// The step the last start fell in; starts only move forward.
        current: usize,
        total_s: f64,
    },
    Poisson {
        rate_per_s: f64,
        rng: SplitMix64,
        now_s: f64,
    },
}

#[derive(Debug, Clone)]
struct Step {
    start_s: f64,
    length_s: f64,
    rate_per_s: f64,
    /// Starts before this step: `N(start_s)`.
    count_before: f64,
}

/// Where the k-th start falls, or where the curve ends if it has no k-th start.
enum Next {
    At(u64),
    EndsAt(f64),
}

impl Schedule {
    /// The schedule of `arrival`, bounded by `stop`. Both are validated first.
    pub fn new(arrival: &ArrivalModel, stop: &StopCondition) -> Result<Self, LoadgenError> {
        arrival.validate()?;
        stop.validate()?;
        let curve = match arrival {
            ArrivalModel::Constant { rate_per_s } => Curve::Constant {
                rate_per_s: *rate_per_s,
            },
            ArrivalModel::Ramp {
                from_per_s,
                to_per_s,
                over,
            } => {
                let over_s = over.as_secs_f64();
                Curve::Ramp {
                    from_per_s: *from_per_s,
                    to_per_s: *to_per_s,
                    over_s,
                    ramp_count: (from_per_s + to_per_s) / 2.0 * over_s,
                }
            }
            ArrivalModel::Steps(list) => {
                let mut steps = Vec::with_capacity(list.len());
                let mut start_s = 0.0;
                let mut count_before = 0.0;
                for (length, rate_per_s) in list {
                    let length_s = length.as_secs_f64();
                    steps.push(Step {
                        start_s,
                        length_s,
                        rate_per_s: *rate_per_s,
                        count_before,
                    });
                    start_s += length_s;
                    count_before += length_s * rate_per_s;
                }
                Curve::Steps {
                    steps,
                    current: 0,
                    total_s: start_s,
                }
            }
            ArrivalModel::Poisson { rate_per_s, seed } => Curve::Poisson {
                rate_per_s: *rate_per_s,
                rng: SplitMix64::new(*seed),
                now_s: 0.0,
            },
        };
        Ok(Schedule {
            curve,
            next_index: 0,
            duration_ns: stop.duration.map(duration_ns),
            iterations: stop.iterations,
            end: None,
        })
    }

    /// Where the schedule ended, once the iterator has returned `None`: the stop duration, the
    /// offset the next start would have had when the iteration count was reached, or the end
    /// of the curve (the last step). The intended rate of the run is its starts divided by this.
    #[must_use]
    pub fn end_offset(&self) -> Option<Duration> {
        self.end
    }

    /// How many offsets the iterator has yielded.
    #[must_use]
    pub fn yielded(&self) -> u64 {
        self.next_index
    }

    fn finish(&mut self, end_ns: u64) -> Option<Duration> {
        let capped = match self.duration_ns {
            Some(limit) => end_ns.min(limit),
            None => end_ns,
        };
        self.end = Some(Duration::from_nanos(capped));
        None
    }
}

impl Iterator for Schedule {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        if self.end.is_some() {
            return None;
        }
        let index = self.next_index;
        let offset_ns = match self.curve.offset_ns(index) {
            Next::At(offset_ns) => offset_ns,
            Next::EndsAt(end_s) => return self.finish(seconds_to_ns(end_s)),
        };
        if self.iterations.is_some_and(|limit| index >= limit) {
            return self.finish(offset_ns);
        }
        if self.duration_ns.is_some_and(|limit| offset_ns >= limit) {
            return self.finish(offset_ns);
        }
        self.next_index += 1;
        Some(Duration::from_nanos(offset_ns))
    }
}

impl Curve {
    /// The offset of start number `index`. Called with `index` = 0, 1, 2, … in order (Poisson
    /// and steps keep state).
    fn offset_ns(&mut self, index: u64) -> Next {
        let k = index as f64;
        match self {
            Curve::Constant { rate_per_s } => {
                // k * 1e9 / rate rather than k / rate * 1e9: exact for rates dividing 1e9.
                Next::At(round_ns(k * 1e9 / *rate_per_s))
            }
            Curve::Ramp {
                from_per_s,
                to_per_s,
                over_s,
                ramp_count,
            } => {
                if k <= *ramp_count {
                    // N(t) = a t² + b t with a = (to - from) / (2 over), b = from. The root in
                    // the form 2k / (b + √(b² + 4ak)) stays accurate when a is tiny or negative.
                    let a = (*to_per_s - *from_per_s) / (2.0 * *over_s);
                    let b = *from_per_s;
                    let root = (b * b + 4.0 * a * k).max(0.0).sqrt();
                    let denominator = b + root;
                    let t_s = if index == 0 || denominator <= 0.0 {
                        0.0
                    } else {
                        2.0 * k / denominator
                    };
                    Next::At(seconds_to_ns(t_s.min(*over_s)))
                } else if *to_per_s > 0.0 {
                    Next::At(seconds_to_ns(*over_s + (k - *ramp_count) / *to_per_s))
                } else {
                    Next::EndsAt(*over_s)
                }
            }
            Curve::Steps {
                steps,
                current,
                total_s,
            } => {
                while let Some(step) = steps.get(*current) {
                    let inside = step.rate_per_s > 0.0
                        && k < step.count_before + step.rate_per_s * step.length_s;
                    if inside {
                        let t_s = step.start_s + (k - step.count_before) / step.rate_per_s;
                        return Next::At(seconds_to_ns(t_s));
                    }
                    *current += 1;
                }
                Next::EndsAt(*total_s)
            }
            Curve::Poisson {
                rate_per_s,
                rng,
                now_s,
            } => {
                *now_s += rng.next_exponential(*rate_per_s);
                Next::At(seconds_to_ns(*now_s))
            }
        }
    }
}

fn round_ns(ns: f64) -> u64 {
    // `as` saturates: a schedule past u64 nanoseconds (584 years) cannot be reached anyway.
    ns.round() as u64
}

fn seconds_to_ns(seconds: f64) -> u64 {
    round_ns(seconds * 1e9)
}

fn duration_ns(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offsets(arrival: ArrivalModel, stop: StopCondition) -> Vec<Duration> {
        match Schedule::new(&arrival, &stop) {
            Ok(schedule) => schedule.collect(),
            Err(error) => panic!("{error}"),
        }
    }

    fn ms(value: u64) -> Duration {
        Duration::from_millis(value)
    }

    #[test]
    fn constant_rate_is_exact() {
        let got = offsets(
            ArrivalModel::Constant { rate_per_s: 100.0 },
            StopCondition::duration(Duration::from_secs(1)),
        );
        let expected: Vec<Duration> = (0..100).map(|k| ms(10 * k)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn iterations_bound_the_schedule_and_set_its_end() {
        let mut schedule = Schedule::new(
            &ArrivalModel::Constant { rate_per_s: 4.0 },
            &StopCondition::iterations(3),
        )
        .expect("valid");
        let got: Vec<Duration> = schedule.by_ref().collect();
        assert_eq!(got, vec![ms(0), ms(250), ms(500)]);
        assert_eq!(schedule.end_offset(), Some(ms(750)));
        assert_eq!(schedule.yielded(), 3);
    }

    #[test]
    fn the_tighter_bound_wins() {
        let stop = StopCondition {
            duration: Some(ms(100)),
            iterations: Some(1_000),
        };
        let got = offsets(ArrivalModel::Constant { rate_per_s: 100.0 }, stop);
        assert_eq!(got.len(), 10);
    }

    #[test]
    fn ramp_counts_match_the_area_under_the_curve() {
        // 0/s to 100/s over 10 s holds 500 starts; the rate then stays at 100/s.
        let got = offsets(
            ArrivalModel::Ramp {
                from_per_s: 0.0,
                to_per_s: 100.0,
                over: Duration::from_secs(10),
            },
            StopCondition::duration(Duration::from_secs(12)),
        );
        assert_eq!(got.len(), 700);
        assert!(got.windows(2).all(|pair| pair[0] <= pair[1]));
        // Halfway through the ramp a quarter of its starts have happened: N(5) = 125.
        let before_half = got.iter().filter(|t| **t < Duration::from_secs(5)).count();
        assert_eq!(before_half, 125);
        // After the ramp, starts are 10 ms apart.
        assert_eq!(got[600] - got[599], ms(10));
    }

    #[test]
    fn ramp_down_to_zero_ends_with_the_ramp() {
        let mut schedule = Schedule::new(
            &ArrivalModel::Ramp {
                from_per_s: 100.0,
                to_per_s: 0.0,
                over: Duration::from_secs(2),
            },
            &StopCondition::iterations(10_000),
        )
        .expect("valid");
        let count = schedule.by_ref().count();
        assert_eq!(count, 101);
        assert_eq!(schedule.end_offset(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn steps_are_continuous_and_end_after_the_last_step() {
        let mut schedule = Schedule::new(
            &ArrivalModel::Steps(vec![
                (Duration::from_secs(1), 10.0),
                (Duration::from_secs(1), 0.0),
                (Duration::from_secs(1), 20.0),
            ]),
            &StopCondition::duration(Duration::from_secs(60)),
        )
        .expect("valid");
        let got: Vec<Duration> = schedule.by_ref().collect();
        assert_eq!(got.len(), 30);
        assert_eq!(got[9], ms(900));
        assert_eq!(got[10], ms(2_000));
        assert_eq!(got[11], ms(2_050));
        assert_eq!(schedule.end_offset(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn poisson_is_deterministic_for_a_seed() {
        let arrival = ArrivalModel::Poisson {
            rate_per_s: 100.0,
            seed: 42,
        };
        let stop = StopCondition::duration(Duration::from_secs(10));
        let first = offsets(arrival.clone(), stop);
        let second = offsets(arrival, stop);
        assert_eq!(first, second);
        // Pinned: SplitMix64 is fixed, so this count never changes for seed 42.
        assert_eq!(first.len(), POISSON_SEED_42_COUNT);
        // And it is a plausible Poisson count: mean 1000, standard deviation ≈ 32.
        assert!((900..=1100).contains(&first.len()), "{}", first.len());
        let other = offsets(
            ArrivalModel::Poisson {
                rate_per_s: 100.0,
                seed: 43,
            },
            stop,
        );
        assert_ne!(first, other);
    }

    const POISSON_SEED_42_COUNT: usize = 969;
}

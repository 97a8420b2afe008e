//! Properties over generated inputs: schedules are ordered, bounded and reproducible; the
//! command-line form of a model reads back as the same model; histogram encodings are exact.

use std::time::Duration;

use proptest::prelude::*;
use wfkit_loadgen::measure::{EncodedHistogram, latency_histogram};
use wfkit_loadgen::model::parse_model;
use wfkit_loadgen::{ArrivalModel, LoadModel, Schedule, StopCondition};

fn arrival() -> impl Strategy<Value = ArrivalModel> {
    prop_oneof![
        (1u32..5_000).prop_map(|rate| ArrivalModel::Constant {
            rate_per_s: f64::from(rate)
        }),
        (0u32..2_000, 1u32..2_000, 1u64..20_000).prop_map(|(from, to, over_ms)| {
            ArrivalModel::Ramp {
                from_per_s: f64::from(from),
                to_per_s: f64::from(to),
                over: Duration::from_millis(over_ms),
            }
        }),
        prop::collection::vec((1u64..5_000, 0u32..2_000), 1..6).prop_map(|steps| {
            let mut steps: Vec<(Duration, f64)> = steps
                .into_iter()
                .map(|(ms, rate)| (Duration::from_millis(ms), f64::from(rate)))
                .collect();
            steps[0].1 = steps[0].1.max(1.0);
            ArrivalModel::Steps(steps)
        }),
        (1u32..5_000, any::<u64>()).prop_map(|(rate, seed)| ArrivalModel::Poisson {
            rate_per_s: f64::from(rate),
            seed
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn schedules_are_ordered_bounded_and_reproducible(
        arrival in arrival(),
        duration_ms in 1u64..10_000,
        iterations in prop::option::of(1u64..20_000),
    ) {
        let stop = StopCondition { duration: Some(Duration::from_millis(duration_ms)), iterations };
        let first: Vec<Duration> = Schedule::new(&arrival, &stop).expect("valid").collect();
        let second: Vec<Duration> = Schedule::new(&arrival, &stop).expect("valid").collect();
        prop_assert_eq!(&first, &second);
        prop_assert!(first.windows(2).all(|pair| pair[0] <= pair[1]));
        prop_assert!(first.iter().all(|offset| *offset < Duration::from_millis(duration_ms)));
        if let Some(limit) = iterations {
            prop_assert!(first.len() as u64 <= limit);
        }
        // Never more starts than the rate curve allows, plus the one at t = 0.
        let allowed = arrival.mean_rate_per_s(Duration::from_millis(duration_ms))
            * duration_ms as f64 / 1_000.0;
        if !matches!(arrival, ArrivalModel::Poisson { .. }) {
            prop_assert!(first.len() as f64 <= allowed.ceil() + 1.0, "{} > {}", first.len(), allowed);
        }
    }

    #[test]
    fn the_flag_form_reads_back_as_the_same_model(arrival in arrival()) {
        let model = LoadModel::Open(arrival);
        let shown = model.to_string();
        let (flag, rest) = shown.split_once(' ').expect("flag and value");
        let value = rest.split(" --seed").next().unwrap_or(rest).trim_matches('"');
        let parsed = parse_model(flag, value).expect("parses");
        match (&model, parsed) {
            (LoadModel::Open(ArrivalModel::Poisson { rate_per_s, .. }),
             LoadModel::Open(ArrivalModel::Poisson { rate_per_s: back, .. })) => {
                prop_assert_eq!(*rate_per_s, back);
            }
            (expected, parsed) => prop_assert_eq!(expected, &parsed),
        }
    }

    #[test]
    fn histogram_encodings_are_exact(values in prop::collection::vec(0u64..5_000_000_000, 0..300)) {
        let mut histogram = latency_histogram();
        for value in &values {
            histogram.saturating_record(*value);
        }
        let decoded = EncodedHistogram::encode(&histogram)
            .expect("encodes")
            .decode("property")
            .expect("decodes");
        prop_assert_eq!(decoded, histogram);
    }
}

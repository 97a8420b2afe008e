//! Latency histograms: one shape for all of them (microseconds, 1 µs to 1 h, 3 significant
//! digits), recording durations, summary percentiles, and the base64 V2-deflate encoding that
//! reports carry so merged results are exact.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Deserializer, Serializer as _, V2DeflateSerializer};
use serde::{Deserialize, Serialize};

use crate::LoadgenError;

/// The lowest distinguishable latency, in microseconds.
pub const LATENCY_LOWEST_US: u64 = 1;
/// The highest trackable latency (one hour), in microseconds. Longer values are recorded as
/// this value; the iteration timeout normally ends an iteration long before.
pub const LATENCY_HIGHEST_US: u64 = 3_600_000_000;
/// Significant decimal digits kept: values are exact to 0.1 %.
pub const LATENCY_SIGNIFICANT_DIGITS: u8 = 3;

/// An empty latency histogram of the standard shape.
#[must_use]
pub fn latency_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(
        LATENCY_LOWEST_US,
        LATENCY_HIGHEST_US,
        LATENCY_SIGNIFICANT_DIGITS,
    )
    .expect("the standard bounds are constants that hdrhistogram accepts")
}

/// Records `value` in microseconds, clamped to [`LATENCY_HIGHEST_US`].
pub fn record_duration(histogram: &mut Histogram<u64>, value: Duration) {
    histogram.saturating_record(duration_us(value));
}

/// A duration in whole microseconds, saturating.
#[must_use]
pub fn duration_us(value: Duration) -> u64 {
    u64::try_from(value.as_micros()).unwrap_or(u64::MAX)
}

/// Summary of one histogram, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Percentiles {
    /// Number of recorded values.
    pub count: u64,
    /// Mean.
    pub mean_us: f64,
    /// Median.
    pub p50_us: u64,
    /// 90th percentile.
    pub p90_us: u64,
    /// 99th percentile.
    pub p99_us: u64,
    /// 99.9th percentile.
    pub p999_us: u64,
    /// Largest value (to histogram precision).
    pub max_us: u64,
}

impl Percentiles {
    /// The summary of `histogram`; all zeros when it is empty.
    #[must_use]
    pub fn of(histogram: &Histogram<u64>) -> Self {
        if histogram.is_empty() {
            return Percentiles::default();
        }
        Percentiles {
            count: histogram.len(),
            mean_us: histogram.mean(),
            p50_us: histogram.value_at_quantile(0.50),
            p90_us: histogram.value_at_quantile(0.90),
            p99_us: histogram.value_at_quantile(0.99),
            p999_us: histogram.value_at_quantile(0.999),
            max_us: histogram.max(),
        }
    }
}

/// A histogram in HdrHistogram's compressed V2 encoding, base64: the form every HdrHistogram
/// implementation reads (Java's `HistogramLogProcessor`, Go, Python) and the form reports store.
/// Decoding gives back exactly the recorded counts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EncodedHistogram(pub String);

impl EncodedHistogram {
    /// Encodes `histogram`.
    pub fn encode(histogram: &Histogram<u64>) -> Result<Self, LoadgenError> {
        let mut bytes = Vec::new();
        V2DeflateSerializer::new()
            .serialize(histogram, &mut bytes)
            .map_err(|error| LoadgenError::Histogram {
                name: "encode".to_owned(),
                message: format!("{error:?}"),
            })?;
        Ok(EncodedHistogram(STANDARD.encode(bytes)))
    }

    /// Encodes an empty histogram of the standard shape.
    #[must_use]
    pub fn empty() -> Self {
        // An empty histogram cannot fail to encode: there are no counts to overflow.
        Self::encode(&latency_histogram()).unwrap_or_default()
    }

    /// Decodes into a histogram of the standard shape. `name` says which histogram, for errors.
    /// The empty string stands for an empty histogram.
    pub fn decode(&self, name: &str) -> Result<Histogram<u64>, LoadgenError> {
        let fail = |message: String| LoadgenError::Histogram {
            name: name.to_owned(),
            message,
        };
        let mut standard = latency_histogram();
        if self.0.is_empty() {
            return Ok(standard);
        }
        let bytes = STANDARD
            .decode(self.0.trim())
            .map_err(|error| fail(format!("not base64: {error}")))?;
        let decoded: Histogram<u64> = Deserializer::new()
            .deserialize(&mut bytes.as_slice())
            .map_err(|error| fail(format!("not an HdrHistogram V2 encoding: {error:?}")))?;
        standard
            .add(&decoded)
            .map_err(|error| fail(format!("values outside 1 µs..1 h: {error:?}")))?;
        Ok(standard)
    }

    /// Decodes and summarises.
    pub fn percentiles(&self, name: &str) -> Result<Percentiles, LoadgenError> {
        Ok(Percentiles::of(&self.decode(name)?))
    }
}

/// Adds `source` into `target`, naming the histogram in the error.
pub(crate) fn add_into(
    target: &mut Histogram<u64>,
    source: &Histogram<u64>,
    name: &str,
) -> Result<(), LoadgenError> {
    target.add(source).map_err(|error| LoadgenError::Histogram {
        name: name.to_owned(),
        message: format!("cannot add: {error:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips_exactly() {
        let mut histogram = latency_histogram();
        for value in [0, 1, 17, 999, 1_000, 123_456, 1_000_000, LATENCY_HIGHEST_US] {
            histogram.saturating_record(value);
        }
        histogram.saturating_record(u64::MAX);
        let encoded = EncodedHistogram::encode(&histogram).expect("encodes");
        let decoded = encoded.decode("test").expect("decodes");
        assert_eq!(decoded, histogram);
        assert_eq!(decoded.len(), 9);
    }

    #[test]
    fn bad_encodings_are_named_errors() {
        let error = EncodedHistogram("not base64!".to_owned())
            .decode("start_latency_us")
            .expect_err("fails");
        assert_eq!(error.code(), "WFL010");
        assert!(error.to_string().contains("start_latency_us"), "{error}");
        let error = EncodedHistogram(STANDARD.encode(b"garbage"))
            .decode("x")
            .expect_err("fails");
        assert!(error.to_string().contains("HdrHistogram"), "{error}");
    }

    #[test]
    fn percentiles_of_a_known_distribution() {
        let mut histogram = latency_histogram();
        for value in 1..=1_000 {
            histogram.saturating_record(value);
        }
        let summary = Percentiles::of(&histogram);
        assert_eq!(summary.count, 1_000);
        assert_eq!(summary.p50_us, 500);
        assert_eq!(summary.p99_us, 990);
        assert_eq!(summary.max_us, 1_000);
        assert_eq!(
            Percentiles::of(&latency_histogram()),
            Percentiles::default()
        );
    }
}

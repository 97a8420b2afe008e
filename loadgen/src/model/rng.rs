//! A tiny seeded random generator for Poisson schedules.
//!
//! Why not `rand`: a schedule is part of a benchmark's definition. The same `--poisson 100/s
//! --seed 7` must give the same intended start times on every machine and with every future
//! build, so that runs stay comparable and tests can pin an exact count. `rand` documents that
//! its `StdRng` algorithm may change between versions; SplitMix64 is fixed here, is a few lines,
//! passes BigCrush, and is all a schedule needs (it is not for cryptography).

/// SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit generator with a 2^64 period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator started from `seed`. Every seed, zero included, is fine.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `(0, 1]`: never zero, so its logarithm is finite.
    pub fn next_open_unit(&mut self) -> f64 {
        // 53 random bits, shifted up by one so the range is 1..=2^53, then scaled.
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// An exponentially distributed number with mean `1 / rate`.
    pub fn next_exponential(&mut self, rate: f64) -> f64 {
        -self.next_open_unit().ln() / rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_sequence() {
        // First outputs of the reference C implementation for seed 1234567.
        let mut rng = SplitMix64::new(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
        assert_eq!(rng.next_u64(), 9_817_491_932_198_370_423);
    }

    #[test]
    fn unit_values_stay_in_range() {
        let mut rng = SplitMix64::new(0);
        for _ in 0..10_000 {
            let value = rng.next_open_unit();
            assert!(value > 0.0 && value <= 1.0, "{value}");
        }
    }
}

//! A time's jitter (`addJitter`): a fraction of the allowed maximum picked by hashing the time
//! and the schedule's seed, so that the same schedule always runs a given time at the same
//! moment, and different schedules spread out.

use std::time::Duration;

use super::fingerprint::fingerprint32;

/// Seconds from 0001-01-01T00:00:00Z (Go's zero time) to the Unix epoch.
const GO_EPOCH_OFFSET_S: i64 = 62_135_596_800;

/// The jitter for the nominal time `nominal_s` (Unix seconds, UTC): `FarmHash Fingerprint32` of
/// Go's `Time.MarshalBinary` of the time followed by the seed, scaled to `max_jitter` in whole
/// milliseconds (at most 2^32 - 1 of them).
pub(super) fn jitter(seed: &str, nominal_s: i64, max_jitter: Duration) -> Duration {
    let mut bytes = go_marshal_binary_utc(nominal_s).to_vec();
    bytes.extend_from_slice(seed.as_bytes());
    let fingerprint = u64::from(fingerprint32(&bytes));
    let max_ms = u64::try_from(max_jitter.as_millis())
        .unwrap_or(u64::MAX)
        .min(u64::from(u32::MAX));
    Duration::from_millis((fingerprint * max_ms) >> 32)
}

/// Go's `Time.MarshalBinary` of a whole-second UTC time: version 1, seconds since year 1 and
/// nanoseconds big-endian, then the zone offset in minutes, -1 meaning UTC.
fn go_marshal_binary_utc(unix_s: i64) -> [u8; 15] {
    let mut bytes = [0u8; 15];
    bytes[0] = 1;
    bytes[1..9].copy_from_slice(&unix_s.wrapping_add(GO_EPOCH_OFFSET_S).to_be_bytes());
    bytes[9..13].copy_from_slice(&0i32.to_be_bytes());
    bytes[13..15].copy_from_slice(&(-1i16).to_be_bytes());
    bytes
}

//! Conversions between std time and the protobuf time types of the Temporal API.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The protobuf timestamp type used by `temporalio-protos`.
pub(crate) type ProtoTimestamp = prost_wkt_types::Timestamp;
/// The protobuf duration type used by `temporalio-protos`.
pub(crate) type ProtoDuration = prost_wkt_types::Duration;

/// A point in time as a protobuf timestamp.
pub(crate) fn timestamp(time: SystemTime) -> ProtoTimestamp {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    ProtoTimestamp {
        seconds: since.as_secs() as i64,
        nanos: since.subsec_nanos() as i32,
    }
}

/// A duration as a protobuf duration.
pub(crate) fn proto_duration(duration: Duration) -> ProtoDuration {
    ProtoDuration {
        seconds: duration.as_secs() as i64,
        nanos: duration.subsec_nanos() as i32,
    }
}

/// A protobuf duration as a std duration; negative or absent durations are `None`.
pub(crate) fn duration(proto: Option<&ProtoDuration>) -> Option<Duration> {
    let proto = proto?;
    if proto.seconds < 0 || proto.nanos < 0 {
        return None;
    }
    Some(Duration::new(proto.seconds as u64, proto.nanos as u32))
}

/// A protobuf duration as a std duration where zero means "not set".
pub(crate) fn nonzero_duration(proto: Option<&ProtoDuration>) -> Option<Duration> {
    duration(proto).filter(|d| !d.is_zero())
}

/// Nanoseconds since the epoch, the key of the timer wheel.
pub(crate) fn nanos(time: SystemTime) -> u128 {
    time.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos()
}

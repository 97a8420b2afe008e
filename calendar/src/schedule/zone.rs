//! The spec's time zone: loaded by name as Go's `time.LoadLocation` loads it (or from TZif data
//! as `time.LoadLocationFromTZData`), and read as offsets and offset changes.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::SpecError;

/// The zone named `name`, or from `data` when given, with Go's errors.
pub(super) fn load(name: &str, data: Option<&[u8]>) -> Result<TimeZone, SpecError> {
    if let Some(data) = data {
        return TimeZone::tzif(name, data)
            .map_err(|_| SpecError("malformed time zone information".to_string()));
    }
    match name {
        // "Local" is the server's own zone; the engine's instants, like a server's in a
        // container, are UTC.
        "" | "UTC" | "Local" => return Ok(TimeZone::UTC),
        _ => {}
    }
    if name.contains("..") || name.starts_with('/') || name.starts_with('\\') {
        return Err(SpecError("time: invalid location name".to_string()));
    }
    let unknown = || SpecError(format!("unknown time zone {name}"));
    let zone = TimeZone::get(name).map_err(|_| unknown())?;
    // The tz database here is looked up ignoring case; Go reads zoneinfo files, whose names
    // are case-sensitive.
    match zone.iana_name() {
        Some(found) if found != name && found.eq_ignore_ascii_case(name) => Err(unknown()),
        _ => Ok(zone),
    }
}

/// The zone's offset from UTC at `secs` (Unix seconds), in seconds.
pub(super) fn offset_at(zone: &TimeZone, secs: i64) -> Option<i64> {
    let at = Timestamp::from_second(secs).ok()?;
    Some(i64::from(zone.to_offset(at).seconds()))
}

/// The first instant strictly after `secs` at which the zone's offset (or abbreviation) changes.
pub(super) fn next_transition(zone: &TimeZone, secs: i64) -> Option<i64> {
    let at = Timestamp::from_second(secs).ok()?;
    zone.following(at)
        .map(|transition| transition.timestamp().as_second())
        .find(|&transition| transition > secs)
}

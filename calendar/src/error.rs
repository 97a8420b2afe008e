//! Why a cron string was refused. The engine answers a client with the server's own words
//! ("invalid CronSchedule."); these say which part of the string was wrong, for logs and tests.

/// A cron string that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CronError {
    /// Nothing to read.
    #[error("the cron string is empty")]
    Empty,
    /// `CRON_TZ=` or `TZ=` with no schedule after the zone name.
    #[error("the time zone prefix {prefix:?} must be followed by a space and a schedule")]
    ZoneWithoutSchedule {
        /// The whole prefix, such as `CRON_TZ=Europe/Paris`.
        prefix: String,
    },
    /// The zone name is not in the tz database.
    #[error("unknown time zone {name:?}: {reason}")]
    UnknownZone {
        /// The name after `CRON_TZ=` or `TZ=`.
        name: String,
        /// What the tz database said.
        reason: String,
    },
    /// An `@` word that is none of the descriptors.
    #[error(
        "unrecognized descriptor {0:?} (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>)"
    )]
    UnknownDescriptor(String),
    /// `@every` with a duration that is not a Go duration such as `1h30m`.
    #[error("@every needs a duration such as 90s or 1h30m, got {text:?}: {reason}")]
    BadEvery {
        /// The text after `@every `.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Not exactly five fields.
    #[error(
        "expected exactly 5 fields (minute hour day-of-month month day-of-week), found {found}: {text:?}"
    )]
    FieldCount {
        /// How many whitespace-separated fields there were.
        found: usize,
        /// The schedule part of the string.
        text: String,
    },
    /// One term of a field (`5-1`, `*/0`, `61`, `FOO`).
    #[error("{field} field, term {term:?}: {reason}")]
    BadTerm {
        /// Which field: minute, hour, day-of-month, month or day-of-week.
        field: &'static str,
        /// The comma-separated term that is wrong.
        term: String,
        /// What is wrong with it.
        reason: String,
    },
}

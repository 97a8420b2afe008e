//! A logger that keeps goose quiet. goose logs a warning for every request that gets no
//! response (a wrong port gives thousands); those failures are counted in the report
//! instead. Installed before the attack, it takes the place goose's own logger would take
//! (goose carries on when a logger is already set) and lets only errors through.

use log::{Level, LevelFilter, Log, Metadata, Record};

struct ErrorsOnly;

impl Log for ErrorsOnly {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= Level::Error
    }

    fn log(&self, record: &Record<'_>) {
        if self.enabled(record.metadata()) {
            eprintln!("goose: {}", record.args());
        }
    }

    fn flush(&self) {}
}

static LOGGER: ErrorsOnly = ErrorsOnly;

/// Installs the errors-only logger for the process. Returns `false` when another logger was
/// installed first (then that one decides).
pub fn install_quiet_logger() -> bool {
    let installed = log::set_logger(&LOGGER).is_ok();
    if installed {
        log::set_max_level(LevelFilter::Error);
    }
    installed
}

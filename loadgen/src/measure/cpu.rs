//! The load generator's own CPU time, so a report can say what the load cost the machine
//! that issued it (and whether the generator, not the target, was the limit).
//!
//! Linux only: the process's user and system time from `/proc/self/stat`. That file sums every
//! thread of the process, including threads that already exited (tokio's blocking pool), which
//! `/proc/self/schedstat` (the main thread only) would miss. Elsewhere the time is unknown and
//! reports leave it out.

use std::time::Duration;

/// Clock ticks per second of the `/proc/<pid>/stat` times (`USER_HZ`). The kernel fixes it at
/// 100 on every architecture Rust targets; reading `sysconf(_SC_CLK_TCK)` would need `unsafe`.
pub const USER_HZ: u64 = 100;

/// CPU time spent by a process, in user and in system (kernel) mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CpuTime {
    /// Time running the process's own code.
    pub user: Duration,
    /// Time the kernel spent on the process's behalf (system calls: sockets, timers).
    pub system: Duration,
}

impl CpuTime {
    /// This process's CPU time since it started: `None` when it cannot be read (not Linux,
    /// `/proc` not mounted, a format this code does not know).
    #[must_use]
    pub fn of_process() -> Option<CpuTime> {
        if cfg!(target_os = "linux") {
            let text = std::fs::read_to_string("/proc/self/stat").ok()?;
            CpuTime::from_proc_stat(&text)
        } else {
            None
        }
    }

    /// Parses a `/proc/<pid>/stat` line: `utime` and `stime` are fields 14 and 15, in
    /// [`USER_HZ`] ticks. The command name (field 2) is in parentheses and may itself hold
    /// spaces and parentheses, so the fields are counted from the last `)`.
    #[must_use]
    pub fn from_proc_stat(text: &str) -> Option<CpuTime> {
        let (_, after_name) = text.rsplit_once(')')?;
        // Field 3 (the state) is the first after the name, so field n is at index n - 3.
        let mut fields = after_name.split_ascii_whitespace().skip(14 - 3);
        let user_ticks: u64 = fields.next()?.parse().ok()?;
        let system_ticks: u64 = fields.next()?.parse().ok()?;
        Some(CpuTime {
            user: ticks(user_ticks),
            system: ticks(system_ticks),
        })
    }

    /// User plus system time.
    #[must_use]
    pub fn total(self) -> Duration {
        self.user.saturating_add(self.system)
    }

    /// The time spent since `earlier` (zero, not negative, if the counters went backwards).
    #[must_use]
    pub fn since(self, earlier: CpuTime) -> CpuTime {
        CpuTime {
            user: self.user.saturating_sub(earlier.user),
            system: self.system.saturating_sub(earlier.system),
        }
    }

    /// The CPU time of two processes together (merged reports).
    #[must_use]
    pub fn plus(self, other: CpuTime) -> CpuTime {
        CpuTime {
            user: self.user.saturating_add(other.user),
            system: self.system.saturating_add(other.system),
        }
    }

    /// Milliseconds of CPU time per 1,000 starts: `None` when nothing was started.
    #[must_use]
    pub fn ms_per_1000_starts(self, starts: u64) -> Option<f64> {
        (starts > 0).then(|| self.total().as_secs_f64() * 1e6 / starts as f64)
    }
}

fn ticks(count: u64) -> Duration {
    Duration::from_millis(count.saturating_mul(1_000 / USER_HZ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real line of a process whose name holds a space and a parenthesis.
    const STAT: &str = "4242 (tokio (rt) x) S 1 4242 4242 0 -1 4194560 2117 0 0 0 \
        731 129 0 0 20 0 9 0 12345 123456789 4321 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 \
        17 1 0 0 0 0 0";

    #[test]
    fn reads_utime_and_stime_after_the_name() {
        let cpu = CpuTime::from_proc_stat(STAT).expect("parses");
        assert_eq!(cpu.user, Duration::from_millis(7_310));
        assert_eq!(cpu.system, Duration::from_millis(1_290));
        assert_eq!(cpu.total(), Duration::from_millis(8_600));
    }

    #[test]
    fn a_truncated_or_garbled_line_is_unknown() {
        assert_eq!(CpuTime::from_proc_stat("4242 (x) S 1 2 3"), None);
        assert_eq!(CpuTime::from_proc_stat("4242 x S 1"), None);
        assert_eq!(
            CpuTime::from_proc_stat(&STAT.replace(" 731 ", " -5 ")),
            None
        );
    }

    #[test]
    fn differences_sums_and_rates() {
        let later = CpuTime {
            user: Duration::from_millis(900),
            system: Duration::from_millis(300),
        };
        let earlier = CpuTime {
            user: Duration::from_millis(400),
            system: Duration::from_millis(400),
        };
        let spent = later.since(earlier);
        assert_eq!(spent.user, Duration::from_millis(500));
        assert_eq!(spent.system, Duration::ZERO);
        assert_eq!(spent.plus(spent).total(), Duration::from_millis(1_000));
        assert_eq!(spent.ms_per_1000_starts(2_000), Some(250.0));
        assert_eq!(spent.ms_per_1000_starts(0), None);
    }

    #[test]
    fn this_process_has_a_cpu_time_on_linux() {
        let cpu = CpuTime::of_process();
        assert_eq!(cpu.is_some(), cfg!(target_os = "linux"));
    }
}

//! The `generator_cpu` section of a report: what the load cost the machine that issued it.
//! Absent when the CPU time is unknown (not Linux) and in reports written before it existed.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::measure::CpuTime;

/// The load generator process's CPU time over the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratorCpuReport {
    /// User plus system time. The resolution is 10 ms (Linux counts in 1/100 s ticks).
    pub cpu_time_ms: u64,
    /// Time in the process's own code.
    pub user_time_ms: u64,
    /// Time in the kernel on the process's behalf (sockets, timers).
    pub system_time_ms: u64,
    /// `cpu_time_ms` per 1,000 issued starts; `null` when nothing was issued.
    pub cpu_ms_per_1000_starts: Option<f64>,
}

impl GeneratorCpuReport {
    /// The section for `cpu`, spent issuing `issued` starts.
    #[must_use]
    pub fn of(cpu: CpuTime, issued: u64) -> GeneratorCpuReport {
        // Whole milliseconds first, so a report read back and written again is identical.
        let user_time_ms = whole_ms(cpu.user);
        let system_time_ms = whole_ms(cpu.system);
        let whole = CpuTime {
            user: Duration::from_millis(user_time_ms),
            system: Duration::from_millis(system_time_ms),
        };
        GeneratorCpuReport {
            cpu_time_ms: whole_ms(whole.total()),
            user_time_ms,
            system_time_ms,
            cpu_ms_per_1000_starts: whole.ms_per_1000_starts(issued),
        }
    }

    /// One line for the Markdown summary.
    #[must_use]
    pub fn markdown(&self) -> String {
        let per_starts = match self.cpu_ms_per_1000_starts {
            Some(ms) => format!("{ms:.1} ms per 1,000 starts"),
            None => "no starts issued".to_owned(),
        };
        format!(
            "{} ms of CPU time (user {} ms, system {} ms): {per_starts}. The whole load \
             generator process, so an engine or worker running inside it counts too.\n",
            self.cpu_time_ms, self.user_time_ms, self.system_time_ms
        )
    }

    /// The CPU time this section holds.
    #[must_use]
    pub fn to_cpu_time(&self) -> CpuTime {
        CpuTime {
            user: Duration::from_millis(self.user_time_ms),
            system: Duration::from_millis(self.system_time_ms),
        }
    }
}

fn whole_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::report::{Report, markdown, merge_reports};
    use crate::{ArrivalModel, LoadModel, RunOptions, SimulatedTarget, StopCondition, run_load};

    async fn report(name: &str) -> Report {
        let target = SimulatedTarget::new(Duration::from_millis(1), Duration::from_millis(5));
        let result = run_load(
            Arc::new(target),
            LoadModel::Open(ArrivalModel::Constant { rate_per_s: 100.0 }),
            StopCondition::duration(Duration::from_secs(1)),
            RunOptions::default(),
        )
        .await
        .expect("runs");
        Report::from_result(name, &result).expect("reports")
    }

    #[test]
    fn per_1000_starts_from_whole_milliseconds() {
        let cpu = CpuTime {
            user: Duration::from_micros(300_900),
            system: Duration::from_millis(100),
        };
        let section = GeneratorCpuReport::of(cpu, 800);
        assert_eq!(section.cpu_time_ms, 400);
        assert_eq!(section.user_time_ms, 300);
        assert_eq!(section.cpu_ms_per_1000_starts, Some(500.0));
        assert_eq!(GeneratorCpuReport::of(section.to_cpu_time(), 800), section);
        assert!(section.markdown().contains("500.0 ms per 1,000 starts"));
        assert_eq!(GeneratorCpuReport::of(cpu, 0).cpu_ms_per_1000_starts, None);
    }

    #[tokio::test(start_paused = true)]
    async fn runs_carry_it_and_reports_without_it_still_read() {
        let report = report("cpu").await;
        let Some(section) = report.generator_cpu.clone() else {
            assert_eq!(
                CpuTime::of_process(),
                None,
                "a readable CPU time is reported"
            );
            return;
        };
        assert!(markdown(&report, None, None).contains("## Load generator CPU"));
        let merged = merge_reports("both", &[report.clone(), report.clone()]).expect("merges");
        let merged_section = merged.generator_cpu.expect("both parts have it");
        assert_eq!(merged_section.cpu_time_ms, 2 * section.cpu_time_ms);
        assert_eq!(
            merged_section.cpu_ms_per_1000_starts,
            section.cpu_ms_per_1000_starts
        );

        // A report written before the section existed.
        let mut value: serde_json::Value =
            serde_json::from_str(&report.to_json().expect("serialises")).expect("json");
        let removed = value
            .as_object_mut()
            .and_then(|object| object.remove("generator_cpu"));
        assert!(removed.is_some());
        let old = Report::from_json(&value.to_string(), "old.json").expect("still reads");
        assert_eq!(old.generator_cpu, None);
        assert!(!markdown(&old, None, None).contains("Load generator CPU"));
        let mixed = merge_reports("mixed", &[report, old]).expect("merges");
        assert_eq!(mixed.generator_cpu, None, "a part without it: unknown");
    }
}

//! The replay report: one result per history, as text for people and JSON for CI.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::verdict::Verdict;

/// The verdict on one history.
#[derive(Debug, Clone, Serialize)]
pub struct ReplayResult {
    /// File (and `#N` within arrays).
    pub source: String,
    /// `workflow/version` for files under `fixtures/<workflow>/<version>/`.
    pub group: Option<String>,
    /// The workflow type.
    pub workflow_type: String,
    /// The verdict.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// Time spent judging it.
    pub duration_ms: u64,
}

/// Every result of a replay run, in input order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReplayReport {
    /// Report format version.
    pub version: u32,
    /// The results.
    pub results: Vec<ReplayResult>,
}

impl ReplayReport {
    /// True when every history replays `ok`.
    pub fn is_ok(&self) -> bool {
        self.results.iter().all(|r| r.verdict.is_ok())
    }

    /// Number of results per verdict name, in name order.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for result in &self.results {
            *counts.entry(result.verdict.name()).or_default() += 1;
        }
        counts
    }

    /// Panics with the human report unless every history is `ok`.
    #[track_caller]
    pub fn assert_all_ok(&self) {
        assert!(self.is_ok(), "replay found problems:\n{}", self.human());
    }

    /// One line per history, diagnosis blocks, then the version matrix when there are groups.
    pub fn human(&self) -> String {
        let mut out = String::new();
        for result in &self.results {
            let _ = writeln!(
                out,
                "{:<17} {}  ({})",
                result.verdict.name().to_uppercase(),
                result.source,
                result.workflow_type
            );
            if !matches!(&result.verdict, crate::verdict::Verdict::Ok { notes } if notes.is_empty())
            {
                let _ = writeln!(out, "      {}", result.verdict);
            }
        }
        let mut matrix: BTreeMap<&str, BTreeMap<&'static str, usize>> = BTreeMap::new();
        for result in &self.results {
            if let Some(group) = &result.group {
                *matrix
                    .entry(group.as_str())
                    .or_default()
                    .entry(result.verdict.name())
                    .or_default() += 1;
            }
        }
        if !matrix.is_empty() {
            let _ = writeln!(
                out,
                "\n{:<40} {:>4} {:>16} {:>6} {:>10}",
                "recorded version", "ok", "nondeterministic", "failed", "unreadable"
            );
            for (group, counts) in &matrix {
                let get = |name| counts.get(name).copied().unwrap_or(0);
                let _ = writeln!(
                    out,
                    "{group:<40} {:>4} {:>16} {:>6} {:>10}",
                    get("ok"),
                    get("nondeterministic"),
                    get("failed"),
                    get("unreadable")
                );
            }
        }
        let counts = self.counts();
        let summary: Vec<String> = counts
            .iter()
            .map(|(name, count)| format!("{count} {name}"))
            .collect();
        let _ = writeln!(
            out,
            "\n{} histories: {}",
            self.results.len(),
            summary.join(", ")
        );
        out
    }

    /// The report as JSON (stable schema, `version` 1).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
    }
}

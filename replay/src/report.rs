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

    /// JUnit XML: one test suite per group (or `replay`), one test case per history; failures
    /// for `nondeterministic` and `failed`, errors for `unreadable`.
    pub fn to_junit(&self) -> String {
        let mut suites: BTreeMap<String, Vec<&ReplayResult>> = BTreeMap::new();
        for result in &self.results {
            suites
                .entry(result.group.clone().unwrap_or_else(|| "replay".to_string()))
                .or_default()
                .push(result);
        }
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"wfkit replay\">\n",
        );
        for (suite, results) in &suites {
            let failures = results
                .iter()
                .filter(|r| {
                    matches!(
                        r.verdict,
                        Verdict::Nondeterministic { .. } | Verdict::Failed { .. }
                    )
                })
                .count();
            let errors = results
                .iter()
                .filter(|r| matches!(r.verdict, Verdict::Unreadable { .. }))
                .count();
            let seconds: f64 = results.iter().map(|r| r.duration_ms as f64 / 1000.0).sum();
            let _ = writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{seconds:.3}\">",
                xml(suite),
                results.len()
            );
            for result in results {
                let _ = write!(
                    out,
                    "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                    xml(&result.workflow_type),
                    xml(&result.source),
                    result.duration_ms as f64 / 1000.0
                );
                match &result.verdict {
                    Verdict::Ok { .. } => out.push_str("/>\n"),
                    Verdict::Unreadable { reason } => {
                        let _ = writeln!(
                            out,
                            ">\n      <error message=\"unreadable\">{}</error>\n    </testcase>",
                            xml(reason)
                        );
                    }
                    other => {
                        let _ = writeln!(
                            out,
                            ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                            other.name(),
                            xml(&other.to_string())
                        );
                    }
                }
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
    }

    /// GitHub Actions workflow commands: one `::error` line per history that is not ok.
    pub fn github_annotations(&self) -> String {
        let mut out = String::new();
        for result in &self.results {
            let file = result.source.split('#').next().unwrap_or(&result.source);
            let (title, message) = match &result.verdict {
                Verdict::Ok { .. } => continue,
                Verdict::Nondeterministic { hint, .. } => (
                    format!("Nondeterminism ({})", hint.code),
                    result.verdict.to_string(),
                ),
                Verdict::Failed { hint, .. } => (
                    format!("Replay failed ({})", hint.code),
                    result.verdict.to_string(),
                ),
                Verdict::Unreadable { .. } => {
                    ("Unreadable history".to_string(), result.verdict.to_string())
                }
            };
            let _ = writeln!(
                out,
                "::error file={},title={}::{}",
                escape_property(file),
                escape_property(&title),
                escape_data(&message)
            );
        }
        out
    }

    /// The report as JSON (stable schema, `version` 1).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
    }
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// GitHub's escaping for the message of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// GitHub's escaping for a property of a workflow command.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::{Divergence, hint};

    fn sample() -> ReplayReport {
        let result = |source: &str, verdict| ReplayResult {
            source: source.to_string(),
            group: Some("booking/v1".to_string()),
            workflow_type: "Booking".to_string(),
            verdict,
            duration_ms: 12,
        };
        ReplayReport {
            version: 1,
            results: vec![
                result("a.json", Verdict::Ok { notes: Vec::new() }),
                result(
                    "b.json",
                    Verdict::Nondeterministic {
                        divergence: Divergence {
                            event_id: Some(16),
                            event_type: Some("ActivityTaskScheduled".to_string()),
                            expected: Some("activity charge (id 2)".to_string()),
                            actual: Some("activity check_fraud (id 2)".to_string()),
                            sdk_message: None,
                        },
                        hint: hint("activity-type-changed", "an activity was inserted"),
                    },
                ),
                result(
                    "c.json",
                    Verdict::Unreadable {
                        reason: "truncated <file>".to_string(),
                    },
                ),
            ],
        }
    }

    #[test]
    fn junit_counts_failures_and_errors() {
        let junit = sample().to_junit();
        assert!(
            junit
                .contains("<testsuite name=\"booking/v1\" tests=\"3\" failures=\"1\" errors=\"1\""),
            "{junit}"
        );
        assert!(
            junit.contains("<failure message=\"nondeterministic\">"),
            "{junit}"
        );
        assert!(junit.contains("truncated &lt;file&gt;"), "{junit}");
        assert_eq!(junit.matches("<testcase").count(), 3);
    }

    #[test]
    fn github_annotations_name_each_problem() {
        let lines = sample().github_annotations();
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].starts_with("::error file=b.json,title=Nondeterminism (activity-type-changed)::nondeterministic at event 16"), "{}", lines[0]);
        assert!(
            lines[1].starts_with("::error file=c.json,title=Unreadable history::"),
            "{}",
            lines[1]
        );
        assert!(!lines[0].contains('\n'));
    }
}

//! The report's tables, built once and written two ways: as Markdown for `summary.md` and as
//! HTML for `report.html`. The numbers, columns and rows come from here only.

use std::fmt::Write as _;

use super::svg::escape;
use crate::measure::{ErrorCount, Percentiles, RunCounts};

/// A table: column titles (numeric columns are right-aligned) and rows of cells.
pub(crate) struct Table {
    columns: Vec<(String, Align)>,
    rows: Vec<Vec<Cell>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// One cell: plain text, a code span (a status label), or a flag that must stand out (a
/// regression).
pub(crate) enum Cell {
    Text(String),
    Code(String),
    Flag(String),
}

impl Table {
    /// A table of these columns and rows (each row one cell per column).
    pub(crate) fn new(columns: Vec<(String, Align)>, rows: Vec<Vec<Cell>>) -> Self {
        Table { columns, rows }
    }

    /// As Markdown: the header, the alignment row, then one line per row.
    pub(crate) fn markdown(&self) -> String {
        let titles: Vec<&str> = self
            .columns
            .iter()
            .map(|(title, _)| title.as_str())
            .collect();
        let mut text = format!("| {} |\n|", titles.join(" | "));
        for (_, align) in &self.columns {
            text.push_str(if *align == Align::Right {
                "---:|"
            } else {
                "---|"
            });
        }
        text.push('\n');
        for row in &self.rows {
            let cells: Vec<String> = row
                .iter()
                .map(|cell| match cell {
                    Cell::Text(text) => text.clone(),
                    Cell::Code(text) => format!("`{text}`"),
                    Cell::Flag(text) => format!("**{text}**"),
                })
                .collect();
            let _ = writeln!(text, "| {} |", cells.join(" | "));
        }
        text
    }

    /// As an HTML `<table>`, numeric cells right-aligned by the page's `td.n` style.
    pub(crate) fn html(&self) -> String {
        let mut page = String::from("<table><tr>");
        for (title, _) in &self.columns {
            let _ = write!(page, "<th>{}</th>", escape(title));
        }
        page.push_str("</tr>");
        for row in &self.rows {
            page.push_str("<tr>");
            for (cell, (_, align)) in row.iter().zip(&self.columns) {
                let class = if *align == Align::Right {
                    " class=\"n\""
                } else {
                    ""
                };
                let _ = match cell {
                    Cell::Text(text) => write!(page, "<td{class}>{}</td>", escape(text)),
                    Cell::Code(text) => {
                        write!(page, "<td{class}><code>{}</code></td>", escape(text))
                    }
                    Cell::Flag(text) => write!(
                        page,
                        "<td{class}><span class=\"fail\">{}</span></td>",
                        escape(text)
                    ),
                };
            }
            page.push_str("</tr>");
        }
        page.push_str("</table>\n");
        page
    }
}

/// A left-aligned (text) column.
pub(crate) fn left(title: &str) -> (String, Align) {
    (title.to_string(), Align::Left)
}

/// A right-aligned (numeric) column.
pub(crate) fn right(title: &str) -> (String, Align) {
    (title.to_string(), Align::Right)
}

/// Named percentiles in milliseconds; `heading` titles the name column.
pub(crate) fn percentiles(heading: &str, rows: &[(&'static str, &Percentiles)]) -> Table {
    let mut columns = vec![(heading.to_string(), Align::Left)];
    columns.extend(["count", "p50", "p90", "p99", "p99.9", "max"].map(right));
    Table {
        columns,
        rows: rows
            .iter()
            .map(|(name, p)| {
                let mut row = vec![
                    Cell::Text((*name).to_string()),
                    Cell::Text(p.count.to_string()),
                ];
                row.extend(
                    [p.p50_us, p.p90_us, p.p99_us, p.p999_us, p.max_us]
                        .map(|us| Cell::Text(ms(us))),
                );
                row
            })
            .collect(),
    }
}

/// The run's counts, one row.
pub(crate) fn counts(counts: &RunCounts) -> Table {
    Table {
        columns: [
            "scheduled",
            "issued",
            "late",
            "dropped",
            "completed",
            "failed",
            "unfinished",
        ]
        .map(right)
        .to_vec(),
        rows: vec![
            [
                counts.scheduled,
                counts.issued,
                counts.late,
                counts.dropped,
                counts.completed,
                counts.failed,
                counts.unfinished,
            ]
            .map(|n| Cell::Text(n.to_string()))
            .into_iter()
            .collect(),
        ],
    }
}

/// Failures by phase and status.
pub(crate) fn errors(errors: &[ErrorCount]) -> Table {
    Table {
        columns: vec![
            ("phase".to_string(), Align::Left),
            ("status".to_string(), Align::Left),
            right("count"),
        ],
        rows: errors
            .iter()
            .map(|error| {
                vec![
                    Cell::Text(error.phase.as_str().to_string()),
                    Cell::Code(error.status.clone()),
                    Cell::Text(error.count.to_string()),
                ]
            })
            .collect(),
    }
}

/// Microseconds as milliseconds with three decimals.
pub(crate) fn ms(us: u64) -> String {
    format!("{:.3}", us as f64 / 1_000.0)
}

//! Line charts as inline SVG: axes with round-number ticks, one polyline per series, a legend.
//! No scripts, no fonts to fetch, nothing from the network.

use std::fmt::Write as _;

/// Chart size in SVG user units.
const WIDTH: f64 = 860.0;
const HEIGHT: f64 = 340.0;
const MARGIN_LEFT: f64 = 70.0;
const MARGIN_RIGHT: f64 = 150.0;
const MARGIN_TOP: f64 = 34.0;
const MARGIN_BOTTOM: f64 = 48.0;
/// The most points drawn per series; longer series are thinned evenly.
const MAX_POINTS: usize = 2_000;

/// One line of a chart.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub(crate) label: String,
    pub(crate) color: &'static str,
    pub(crate) dashed: bool,
    pub(crate) points: Vec<(f64, f64)>,
}

/// A line chart.
#[derive(Debug, Clone)]
pub(crate) struct LineChart {
    pub(crate) title: String,
    pub(crate) x_label: String,
    pub(crate) y_label: String,
    pub(crate) lines: Vec<Line>,
    /// Fixed x ticks `(position, label)`; `None` for round numbers.
    pub(crate) x_ticks: Option<Vec<(f64, String)>>,
}

impl LineChart {
    /// The chart as an `<svg>` element.
    pub(crate) fn render(&self) -> String {
        let finite = |value: f64| value.is_finite();
        let points = || {
            self.lines
                .iter()
                .flat_map(|line| line.points.iter())
                .filter(|(x, y)| finite(*x) && finite(*y))
        };
        let (mut x_min, mut x_max) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut y_max: f64 = 0.0;
        for (x, y) in points() {
            x_min = x_min.min(*x);
            x_max = x_max.max(*x);
            y_max = y_max.max(*y);
        }
        if let Some(ticks) = &self.x_ticks {
            for (x, _) in ticks {
                x_min = x_min.min(*x);
                x_max = x_max.max(*x);
            }
        }
        if !x_min.is_finite() {
            (x_min, x_max) = (0.0, 1.0);
        }
        if x_max <= x_min {
            x_max = x_min + 1.0;
        }
        let y_ticks = nice_ticks(0.0, if y_max > 0.0 { y_max } else { 1.0 });
        let y_top = y_ticks
            .last()
            .copied()
            .unwrap_or(1.0)
            .max(f64::MIN_POSITIVE);
        let plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
        let plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
        let sx = |x: f64| MARGIN_LEFT + (x - x_min) / (x_max - x_min) * plot_w;
        let sy = |y: f64| MARGIN_TOP + plot_h - (y / y_top).clamp(0.0, 1.05) * plot_h;

        let mut svg = String::new();
        let _ = write!(
            svg,
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{title}" font-family="sans-serif" font-size="12">"##,
            title = escape(&self.title)
        );
        let _ = write!(
            svg,
            r##"<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/><text x="{x}" y="20" font-size="15" font-weight="bold">{title}</text>"##,
            x = MARGIN_LEFT,
            title = escape(&self.title)
        );
        // Horizontal grid and y labels.
        for tick in &y_ticks {
            let y = sy(*tick);
            let _ = write!(
                svg,
                r##"<line x1="{x1}" y1="{y:.1}" x2="{x2}" y2="{y:.1}" stroke="#e3e3e3"/><text x="{tx}" y="{ty:.1}" text-anchor="end">{label}</text>"##,
                x1 = MARGIN_LEFT,
                x2 = MARGIN_LEFT + plot_w,
                tx = MARGIN_LEFT - 6.0,
                ty = y + 4.0,
                label = format_number(*tick)
            );
        }
        // X ticks.
        let x_ticks: Vec<(f64, String)> = match &self.x_ticks {
            Some(ticks) => ticks.clone(),
            None => nice_ticks(x_min, x_max)
                .into_iter()
                .filter(|x| *x >= x_min && *x <= x_max)
                .map(|x| (x, format_number(x)))
                .collect(),
        };
        for (x, label) in &x_ticks {
            let px = sx(*x);
            let _ = write!(
                svg,
                r##"<line x1="{px:.1}" y1="{y1}" x2="{px:.1}" y2="{y2}" stroke="#f0f0f0"/><text x="{px:.1}" y="{ty}" text-anchor="middle">{label}</text>"##,
                y1 = MARGIN_TOP,
                y2 = MARGIN_TOP + plot_h,
                ty = MARGIN_TOP + plot_h + 16.0,
                label = escape(label)
            );
        }
        // Axes and their labels.
        let _ = write!(
            svg,
            r##"<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="#444"/><line x1="{x0}" y1="{yt}" x2="{x0}" y2="{y0}" stroke="#444"/><text x="{xm}" y="{xl}" text-anchor="middle">{x_label}</text><text transform="translate(16 {ym}) rotate(-90)" text-anchor="middle">{y_label}</text>"##,
            x0 = MARGIN_LEFT,
            x1 = MARGIN_LEFT + plot_w,
            y0 = MARGIN_TOP + plot_h,
            yt = MARGIN_TOP,
            xm = MARGIN_LEFT + plot_w / 2.0,
            xl = HEIGHT - 10.0,
            ym = MARGIN_TOP + plot_h / 2.0,
            x_label = escape(&self.x_label),
            y_label = escape(&self.y_label)
        );
        // Lines and legend.
        for (index, line) in self.lines.iter().enumerate() {
            let mut path = String::new();
            for (x, y) in thin(&line.points) {
                if finite(x) && finite(y) {
                    let _ = write!(path, "{:.1},{:.1} ", sx(x), sy(y));
                }
            }
            let dash = if line.dashed {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            };
            let _ = write!(
                svg,
                r##"<polyline fill="none" stroke="{color}" stroke-width="1.8"{dash} points="{path}"/>"##,
                color = line.color,
                path = path.trim_end()
            );
            let ly = MARGIN_TOP + 10.0 + index as f64 * 18.0;
            let lx = MARGIN_LEFT + plot_w + 12.0;
            let _ = write!(
                svg,
                r##"<line x1="{lx}" y1="{ly}" x2="{lx2}" y2="{ly}" stroke="{color}" stroke-width="2.5"{dash}/><text x="{tx}" y="{ty}">{label}</text>"##,
                lx2 = lx + 22.0,
                color = line.color,
                tx = lx + 28.0,
                ty = ly + 4.0,
                label = escape(&line.label)
            );
        }
        svg.push_str("</svg>");
        svg
    }
}

/// At most [`MAX_POINTS`] points, evenly spaced, keeping the last.
fn thin(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    if points.len() <= MAX_POINTS {
        return points.to_vec();
    }
    let step = points.len().div_ceil(MAX_POINTS);
    let mut kept: Vec<(f64, f64)> = points.iter().step_by(step).copied().collect();
    if let Some(last) = points.last()
        && kept.last() != Some(last)
    {
        kept.push(*last);
    }
    kept
}

/// Round-number ticks covering `[low, high]`: 1, 2 or 5 times a power of ten apart.
fn nice_ticks(low: f64, high: f64) -> Vec<f64> {
    let span = (high - low).abs().max(f64::MIN_POSITIVE);
    let raw_step = span / 5.0;
    let magnitude = 10f64.powf(raw_step.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|factor| factor * magnitude)
        .find(|candidate| *candidate >= raw_step)
        .unwrap_or(10.0 * magnitude);
    let first = (low / step).floor() * step;
    let mut ticks = Vec::new();
    let mut tick = first;
    // At most a dozen ticks: the step is at least a fifth of the span.
    for _ in 0..12 {
        ticks.push(tick);
        if tick >= high {
            break;
        }
        tick += step;
    }
    ticks
}

/// A tick label: no trailing zeros, at most three decimals.
pub(crate) fn format_number(value: f64) -> String {
    if value.abs() >= 1_000.0 || value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// Escapes text for SVG and HTML.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(nice_ticks(0.0, 10.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let ticks = nice_ticks(0.0, 734.0);
        assert_eq!(ticks.first(), Some(&0.0));
        assert!(ticks.last().is_some_and(|last| *last >= 734.0));
        assert!(ticks.len() <= 12);
    }

    #[test]
    fn renders_escaped_text_and_every_line() {
        let chart = LineChart {
            title: "a <b> & c".to_owned(),
            x_label: "x".to_owned(),
            y_label: "y".to_owned(),
            lines: vec![
                Line {
                    label: "one".to_owned(),
                    color: "#1f77b4",
                    dashed: false,
                    points: vec![(0.0, 1.0), (1.0, 2.0)],
                },
                Line {
                    label: "two".to_owned(),
                    color: "#d62728",
                    dashed: true,
                    points: vec![(0.0, f64::NAN), (1.0, 3.0)],
                },
            ],
            x_ticks: None,
        };
        let svg = chart.render();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("a &lt;b&gt; &amp; c"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn an_empty_chart_still_renders() {
        let chart = LineChart {
            title: "empty".to_owned(),
            x_label: "x".to_owned(),
            y_label: "y".to_owned(),
            lines: Vec::new(),
            x_ticks: None,
        };
        assert!(chart.render().contains("</svg>"));
    }
}

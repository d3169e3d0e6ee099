//! Small charts for the dashboard, drawn on the server as inline SVG (the console works offline:
//! no script, no CDN). Each chart is an image with a `<title>` and text labels; the table under
//! it carries the same numbers for anyone who reads rather than looks.

use maud::{Markup, html};

/// One series of a stacked bar chart: its label, colour and a value per bar.
pub(super) struct Series {
    pub label: String,
    pub color: &'static str,
    pub values: Vec<i64>,
}

/// Colours that stay apart for the common colour blindnesses (Okabe–Ito).
pub(super) const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#999999", "#F0E442",
];

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 28.0;

/// Bars per day (one label per bar in `labels`), each stacked from the series.
pub(super) fn stacked_bars(id: &str, title: &str, labels: &[String], series: &[Series]) -> Markup {
    let totals: Vec<i64> = (0..labels.len())
        .map(|i| {
            series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let top = nice_ceiling(totals.iter().copied().max().unwrap_or(0));
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let slot = plot_width / labels.len().max(1) as f64;
    let bar = (slot * 0.8).max(0.5);
    let scale = |value: i64| value as f64 / top as f64 * plot_height;
    // At most about eight day labels, evenly spread, the last one always.
    let step = labels.len().div_ceil(8).max(1);
    let title_id = format!("{id}-title");
    html! {
        svg.chart id=(id) viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img"
            aria-labelledby=(title_id) xmlns="http://www.w3.org/2000/svg" {
            title id=(title_id) { (title) }
            // Legend.
            @for (s, x) in series.iter().zip(legend_positions(series)) {
                rect x=(fmt(x)) y="6" width="12" height="12" fill=(s.color) {}
                text x=(fmt(x + 16.0)) y="16" font-size="12" { (s.label) }
            }
            // Axis and its scale.
            line x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(TOP + plot_height) stroke="#5a6472" {}
            line x1=(LEFT) y1=(TOP + plot_height) x2=(WIDTH - RIGHT) y2=(TOP + plot_height) stroke="#5a6472" {}
            @for fraction in [0.0, 0.5, 1.0] {
                @let value = top as f64 * fraction;
                @let y = TOP + plot_height - value / top as f64 * plot_height;
                text x=(LEFT - 6.0) y=(fmt(y + 4.0)) font-size="11" text-anchor="end" { (fmt(value)) }
                @if fraction > 0.0 {
                    line x1=(LEFT) y1=(y) x2=(WIDTH - RIGHT) y2=(y) stroke="#d5dbe3" stroke-dasharray="3 3" {}
                }
            }
            @for (i, label) in labels.iter().enumerate() {
                @let x = LEFT + i as f64 * slot + (slot - bar) / 2.0;
                g {
                    title { (label) ": " (totals[i]) }
                    @for (y, height, color) in stack(series, i, TOP + plot_height, &scale) {
                        rect x=(fmt(x)) y=(fmt(y)) width=(fmt(bar)) height=(fmt(height)) fill=(color) {}
                    }
                }
                // The last day always; the others every `step`, unless too close to the last.
                @if i + 1 == labels.len() || (i % step == 0 && labels.len() - 1 - i >= step.div_ceil(2).max(2)) {
                    text x=(fmt(x + bar / 2.0)) y=(HEIGHT - 8.0) font-size="11" text-anchor="middle" {
                        (short_day(label))
                    }
                }
            }
        }
    }
}

/// Where each series' legend entry starts: one after the other, as wide as its label (a Chinese
/// character takes about a full em at 12 px, other characters about half); what no longer fits
/// on the line is squeezed rather than wrapped, since the table below names every series too.
fn legend_positions(series: &[Series]) -> Vec<f64> {
    let widths: Vec<f64> = series
        .iter()
        .map(|s| {
            let text: f64 = s
                .label
                .chars()
                .map(|c| if c.is_ascii() { 6.8 } else { 12.5 })
                .sum();
            16.0 + text + 18.0
        })
        .collect();
    let room = WIDTH - LEFT - RIGHT;
    let total: f64 = widths.iter().sum();
    let squeeze = if total > room { room / total } else { 1.0 };
    let mut x = LEFT;
    widths
        .iter()
        .map(|width| {
            let at = x;
            x += width * squeeze;
            at
        })
        .collect()
}

/// The boxes of bar `index`, bottom up from `base`: (top, height, colour) of each non-zero value.
fn stack(
    series: &[Series],
    index: usize,
    base: f64,
    scale: &dyn Fn(i64) -> f64,
) -> Vec<(f64, f64, &'static str)> {
    let mut bottom = base;
    let mut boxes = Vec::new();
    for s in series {
        let value = s.values.get(index).copied().unwrap_or(0);
        if value > 0 {
            let height = scale(value);
            bottom -= height;
            boxes.push((bottom, height, s.color));
        }
    }
    boxes
}

/// A funnel: one horizontal bar per step, as long as the runs that reached it, with the step's
/// name and count written beside it.
pub(super) fn funnel(id: &str, title: &str, steps: &[(String, i64)]) -> Markup {
    let row = 24.0;
    let label_width = 200.0;
    let top_margin = 6.0;
    let height = top_margin + row * steps.len() as f64 + 6.0;
    let top = steps.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let room = WIDTH - label_width - 70.0;
    let title_id = format!("{id}-title");
    html! {
        svg.chart.funnel id=(id) viewBox=(format!("0 0 {WIDTH} {}", fmt(height))) role="img"
            aria-labelledby=(title_id) xmlns="http://www.w3.org/2000/svg" {
            title id=(title_id) { (title) }
            @for (i, (step, count)) in steps.iter().enumerate() {
                @let y = top_margin + i as f64 * row;
                @let width = *count as f64 / top as f64 * room;
                g {
                    title { (step) ": " (count) }
                    text x=(label_width - 8.0) y=(fmt(y + 15.0)) font-size="12" text-anchor="end" { (step) }
                    rect x=(label_width) y=(fmt(y + 3.0)) width=(fmt(width.max(1.0))) height=(row - 6.0) fill=(PALETTE[0]) {}
                    text x=(fmt(label_width + width.max(1.0) + 6.0)) y=(fmt(y + 15.0)) font-size="12" { (count) }
                }
            }
        }
    }
}

/// A round number at or above `max` for the top of the scale (1, 2, 5 × a power of ten).
fn nice_ceiling(max: i64) -> i64 {
    if max <= 0 {
        return 1;
    }
    let mut power = 1;
    loop {
        for factor in [1, 2, 5] {
            if factor * power >= max {
                return factor * power;
            }
        }
        power *= 10;
    }
}

/// `MM-DD` of a `YYYY-MM-DD` day.
fn short_day(day: &str) -> &str {
    day.get(5..).unwrap_or(day)
}

/// Coordinates with two decimals at most.
fn fmt(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_ends_on_a_round_number() {
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(480), 500);
        assert_eq!(nice_ceiling(500), 500);
    }

    #[test]
    fn a_chart_is_an_image_with_a_title_and_its_numbers_as_text() {
        let chart = stacked_bars(
            "c",
            "Outcomes per day",
            &["2026-01-01".into(), "2026-01-02".into()],
            &[Series {
                label: "definite".into(),
                color: PALETTE[0],
                values: vec![3, 5],
            }],
        )
        .into_string();
        assert!(chart.contains(r#"role="img""#));
        assert!(chart.contains("<title id=\"c-title\">Outcomes per day</title>"));
        assert!(chart.contains("<title>2026-01-02: 5</title>"));
        assert!(chart.contains(">01-02</text>"));
        let funnel = funnel("f", "Funnel", &[("ask".into(), 4), ("done".into(), 2)]).into_string();
        assert!(funnel.contains("<title>done: 2</title>"));
    }
}

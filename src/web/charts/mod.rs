//! Server-rendered SVG charts.
//!
//! The geometry of each chart is computed here in plain Rust (so it can be
//! unit-tested) and drawn by the askama macros in `templates/charts.html`
//! (so every label goes through askama's HTML escaping). The SVG uses
//! presentation attributes only (`fill`, `stroke`, `font-size`, …): no
//! inline `style`, no script, no outside fonts; text inherits the page's
//! font-family.
//!
//! All coordinates are in the SVG's own user units (the `viewBox`); the
//! `<svg>` is drawn `width="100%"` and scales with the page and in print.
//! Coordinates are rounded to 0.1 so the markup stays short.

//!
//! One file per chart: `bars.rs` (stacked horizontal bars), `line.rs` (line chart),
//! `share.rs` (100% bar); the shared colours, text widths and axes are here.

mod bars;
mod line;
mod share;

pub use bars::{
    BAR_LABEL_WIDTH, BAR_ROW_HEIGHT, BAR_WIDTH, BarLayout, BarRow, RowLayout, Segment,
    SegmentLayout, StackedBars, XTick,
};
pub use line::{
    Dot, LINE_HEIGHT, LINE_WIDTH, LegendItem, LineChart, LineLayout, Series, SeriesLayout, XLabel,
    YTick,
};
pub use share::{SHARE_WIDTH, ShareBar, ShareLayout, ShareLegend, SharePart, percent_text};

/// Red light / overdue.
pub const RED: &str = "#c62828";
/// Yellow light / at risk.
pub const YELLOW: &str = "#f2c200";
/// Yellow, darkened for text on white.
pub const DARK_YELLOW: &str = "#8a6d00";
/// Green light / on track or closed.
pub const GREEN: &str = "#2e7d32";
/// Grey: not yet assessed, other.
pub const GREY: &str = "#6e7781";
/// Text colour.
pub const INK: &str = "#24292f";
/// Secondary text (axis labels).
pub const MUTED: &str = "#57606a";
/// Gridlines.
pub const GRID: &str = "#d0d7de";

/// Font size of chart text, in px (user units).
pub const FONT_SIZE: u32 = 12;

/// The fill colour of a colour class (`"red"`, `"yellow"`, `"green"`,
/// `"grey"`); anything else is grey.
pub fn colour(class: &str) -> &'static str {
    match class {
        "red" => RED,
        "yellow" => YELLOW,
        "green" => GREEN,
        _ => GREY,
    }
}

/// A text colour that reads on top of `fill` (dark on yellow, white on the rest).
fn text_on(fill: &str) -> &'static str {
    if fill == YELLOW { INK } else { "#ffffff" }
}

/// Rounds to one decimal place.
fn r1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Rough width of `s` in ems: CJK and other wide characters count 1,
/// ASCII about 0.6 (digits and Latin letters in the usual sans fonts).
pub fn text_em(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum()
}

/// Truncates `s` so that it takes at most `max_em` ems, replacing the cut
/// part with "…". Returns the text and whether it was cut.
pub fn truncate_label(s: &str, max_em: f64) -> (String, bool) {
    if text_em(s) <= max_em {
        return (s.to_string(), false);
    }
    let mut out = String::new();
    let mut used = 0.0;
    for c in s.chars() {
        let w = if c.is_ascii() { 0.6 } else { 1.0 };
        // keep one em for the ellipsis
        if used + w > max_em - 1.0 {
            break;
        }
        used += w;
        out.push(c);
    }
    let out = out.trim_end().to_string();
    (out + "…", true)
}

/// A "nice" axis for values from 0 to `max`: returns `(axis_max, step)`
/// where `step` is 1, 2, 2.5 or 5 times a power of ten (2.5 only from 25
/// upwards, so ticks stay integers), `axis_max` is a multiple of `step`,
/// `axis_max >= max`, `axis_max >= 1`, and there are at most
/// `max_intervals` steps.
pub fn nice_axis(max: u32, max_intervals: u32) -> (u32, u32) {
    let max = u64::from(max.max(1));
    let intervals = u64::from(max_intervals.max(1));
    let mut magnitude: u64 = 1;
    loop {
        let mut candidates = vec![magnitude, 2 * magnitude];
        if magnitude >= 10 {
            candidates.push(magnitude * 5 / 2);
        }
        candidates.push(5 * magnitude);
        for step in candidates {
            let n = max.div_ceil(step);
            if n <= intervals {
                let axis = n * step;
                // max is a u32, so step and axis fit unless max is within a step of u32::MAX
                return (
                    u32::try_from(axis).unwrap_or(u32::MAX),
                    u32::try_from(step).unwrap_or(u32::MAX),
                );
            }
        }
        magnitude *= 10;
    }
}

/// A stable element id for a chart, derived from its content (FNV-1a), so
/// several charts on one page get distinct `aria-labelledby` targets.
fn chart_id(kind: &str, parts: &[&str]) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    format!("chart-{kind}-{h:08x}")
}

#[cfg(test)]
mod samples;

#[cfg(test)]
mod tests;

#[cfg(test)]
#[path = "macros_tests.rs"]
mod macros_tests;

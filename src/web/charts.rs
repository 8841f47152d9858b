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

use std::fmt::Write as _;

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

// ---------------------------------------------------------------------------
// 1. Stacked horizontal bars
// ---------------------------------------------------------------------------

/// One coloured part of a bar.
#[derive(Debug, Clone)]
pub struct Segment {
    pub value: u32,
    /// `"red"`, `"yellow"`, `"green"` or `"grey"`.
    pub class: &'static str,
    /// E.g. "红灯 3"; shown as the segment's tooltip.
    pub label: String,
}

/// One bar: a section or a unit.
#[derive(Debug, Clone)]
pub struct BarRow {
    /// Full label; truncated for display, kept whole in the row's `<title>`.
    pub label: String,
    pub segments: Vec<Segment>,
    /// A local link wrapping the whole row (already safe; askama escapes it).
    pub href: Option<String>,
}

/// A stacked horizontal bar chart.
#[derive(Debug, Clone)]
pub struct StackedBars {
    pub title: String,
    pub description: String,
    pub rows: Vec<BarRow>,
}

/// A vertical gridline of the bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct XTick {
    pub x: f64,
    pub value: u32,
}

/// A drawn segment of a bar.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentLayout {
    pub x: f64,
    pub width: f64,
    pub value: u32,
    pub fill: &'static str,
    pub label: String,
    /// Whether the value fits inside the segment (drawn centred at `text_x`).
    pub show_value: bool,
    pub text_x: f64,
    pub text_fill: &'static str,
}

/// A laid-out bar row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowLayout {
    /// Top of the row band.
    pub y: f64,
    /// Top of the bar.
    pub bar_y: f64,
    /// Baseline of the row's text.
    pub text_y: f64,
    /// Label as displayed (possibly truncated with "…").
    pub label: String,
    /// The full label (in the row's `<title>`).
    pub full_label: String,
    pub truncated: bool,
    pub href: Option<String>,
    /// Segments with a value above zero, left to right.
    pub segments: Vec<SegmentLayout>,
    pub total: u32,
    /// Where the total is written (just right of the bar).
    pub total_x: f64,
}

/// Geometry of a [`StackedBars`] chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BarLayout {
    /// Element id prefix (`{id}-t` is the `<title>`, `{id}-d` the `<desc>`).
    pub id: String,
    pub width: u32,
    pub height: u32,
    /// Width of the label column; bars start at `label_width`.
    pub label_width: u32,
    /// x where row labels end (they are right-aligned).
    pub label_x: f64,
    /// Left edge and width of the plotting area.
    pub plot_x: f64,
    pub plot_width: f64,
    /// Top and bottom of the gridlines.
    pub grid_top: f64,
    pub grid_bottom: f64,
    /// Baseline of the tick labels under the gridlines.
    pub tick_text_y: f64,
    pub bar_height: f64,
    /// The largest row total.
    pub max_total: u32,
    /// Value at the right end of the axis (>= `max_total`, a round number).
    pub axis_max: u32,
    pub rows: Vec<RowLayout>,
    pub ticks: Vec<XTick>,
    /// True when some row has a link (the SVG is then a `group` rather
    /// than an `img`, so the links stay reachable by assistive technology).
    pub has_links: bool,
    /// No rows at all: the template writes "暂无数据".
    pub empty: bool,
}

/// Total width of a bar chart.
pub const BAR_WIDTH: u32 = 720;
/// Width of the label column.
pub const BAR_LABEL_WIDTH: u32 = 200;
/// Room right of the longest bar for its total.
const BAR_RIGHT: f64 = 48.0;
/// Height of one row.
pub const BAR_ROW_HEIGHT: u32 = 26;
const BAR_THICKNESS: f64 = 16.0;
const BAR_TOP: f64 = 6.0;
const BAR_AXIS: f64 = 22.0;
/// Labels longer than this (in ems) are truncated.
const BAR_LABEL_EM: f64 = 14.5;

impl StackedBars {
    pub fn layout(&self) -> BarLayout {
        let label_width = BAR_LABEL_WIDTH;
        let plot_x = f64::from(label_width);
        let plot_width = f64::from(BAR_WIDTH) - plot_x - BAR_RIGHT;
        let row_h = f64::from(BAR_ROW_HEIGHT);
        let totals: Vec<u32> = self
            .rows
            .iter()
            .map(|r| {
                r.segments
                    .iter()
                    .fold(0u32, |a, s| a.saturating_add(s.value))
            })
            .collect();
        let max_total = totals.iter().copied().max().unwrap_or(0);
        let (axis_max, step) = nice_axis(max_total, 5);
        let scale = |v: u64| r1(plot_x + v as f64 / f64::from(axis_max) * plot_width);

        let mut rows = Vec::with_capacity(self.rows.len());
        for (i, (row, &total)) in self.rows.iter().zip(&totals).enumerate() {
            let y = BAR_TOP + i as f64 * row_h;
            let bar_y = r1(y + (row_h - BAR_THICKNESS) / 2.0);
            let mut cum: u64 = 0;
            let mut segments = Vec::new();
            for s in &row.segments {
                if s.value == 0 {
                    continue;
                }
                let x0 = scale(cum);
                cum += u64::from(s.value);
                let x1 = scale(cum);
                let width = r1(x1 - x0);
                let fill = colour(s.class);
                let value_px = text_em(&s.value.to_string()) * f64::from(FONT_SIZE);
                segments.push(SegmentLayout {
                    x: x0,
                    width,
                    value: s.value,
                    fill,
                    label: s.label.clone(),
                    show_value: width >= value_px + 6.0,
                    text_x: r1(x0 + width / 2.0),
                    text_fill: text_on(fill),
                });
            }
            let (label, truncated) = truncate_label(&row.label, BAR_LABEL_EM);
            rows.push(RowLayout {
                y: r1(y),
                bar_y,
                text_y: r1(y + row_h / 2.0 + f64::from(FONT_SIZE) * 0.35),
                label,
                full_label: row.label.clone(),
                truncated,
                href: row.href.clone(),
                segments,
                total,
                total_x: r1(scale(cum) + 6.0),
            });
        }

        let n_rows = self.rows.len().max(1) as f64;
        let grid_bottom = BAR_TOP + n_rows * row_h;
        let ticks = (0..=axis_max)
            .step_by(step as usize)
            .filter(|_| !self.rows.is_empty())
            .map(|v| XTick {
                x: scale(u64::from(v)),
                value: v,
            })
            .collect();
        BarLayout {
            id: chart_id(
                "bars",
                &std::iter::once(self.title.as_str())
                    .chain(std::iter::once(self.description.as_str()))
                    .chain(self.rows.iter().map(|r| r.label.as_str()))
                    .collect::<Vec<_>>(),
            ),
            width: BAR_WIDTH,
            height: (grid_bottom + BAR_AXIS).ceil() as u32,
            label_width,
            label_x: plot_x - 8.0,
            plot_x,
            plot_width,
            grid_top: BAR_TOP,
            grid_bottom,
            tick_text_y: grid_bottom + 15.0,
            bar_height: BAR_THICKNESS,
            max_total,
            axis_max,
            ticks,
            has_links: rows.iter().any(|r| r.href.is_some()),
            empty: rows.is_empty(),
            rows,
        }
    }
}

// ---------------------------------------------------------------------------
// 2. Line chart
// ---------------------------------------------------------------------------

/// One line of a line chart.
#[derive(Debug, Clone)]
pub struct Series {
    /// E.g. "已办结", "红灯".
    pub name: String,
    /// Colour class, as for [`Segment::class`].
    pub class: &'static str,
    /// One value per x label (extra values get no label; missing ones end the line).
    pub points: Vec<u32>,
}

/// A line chart over reporting periods.
#[derive(Debug, Clone)]
pub struct LineChart {
    pub title: String,
    pub description: String,
    /// E.g. "2022-Q2".
    pub x_labels: Vec<String>,
    pub series: Vec<Series>,
}

/// A horizontal gridline of the line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct YTick {
    pub y: f64,
    pub value: u32,
    /// Baseline of the tick's label (right-aligned at `LineLayout::y_label_x`).
    pub text_y: f64,
}

/// A shown x-axis label (labels are thinned when there are many periods).
#[derive(Debug, Clone, PartialEq)]
pub struct XLabel {
    pub x: f64,
    pub text: String,
}

/// A data point.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub x: f64,
    pub y: f64,
    pub value: u32,
    /// The period, for the dot's tooltip ("" when the point has no x label).
    pub period: String,
    /// Whether the value is written next to the dot (at `text_y`, centred on `x`).
    pub show_value: bool,
    pub text_y: f64,
}

/// A laid-out series.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesLayout {
    pub name: String,
    pub colour: &'static str,
    /// Colour of the value labels (the line colour, darkened for yellow).
    pub text_colour: &'static str,
    /// `stroke-dasharray` ("" for a solid line), so lines differ in grey print too.
    pub dash: &'static str,
    /// SVG `points` for a `<polyline>`: "x1,y1 x2,y2 …".
    pub points: String,
    /// More than one point: draw the polyline (else only the dot).
    pub has_line: bool,
    pub dots: Vec<Dot>,
}

/// A legend entry: a short line sample from `x` to `x + 20` at
/// `LineLayout::legend_y`, then the name at `text_x`.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub x: f64,
    pub line_end: f64,
    pub text_x: f64,
    pub colour: &'static str,
    pub dash: &'static str,
    pub name: String,
}

/// Geometry of a [`LineChart`].
#[derive(Debug, Clone, PartialEq)]
pub struct LineLayout {
    pub id: String,
    pub width: u32,
    pub height: u32,
    /// The plot box.
    pub plot_left: f64,
    pub plot_right: f64,
    pub plot_top: f64,
    pub plot_bottom: f64,
    /// Where y tick labels end (right-aligned).
    pub y_label_x: f64,
    /// Baseline of the x labels.
    pub x_label_y: f64,
    pub y_max: u32,
    pub y_ticks: Vec<YTick>,
    pub x_labels: Vec<XLabel>,
    /// Every n-th x label is shown.
    pub label_step: usize,
    pub series: Vec<SeriesLayout>,
    pub dot_radius: f64,
    pub legend_y: f64,
    pub legend_text_y: f64,
    pub legend: Vec<LegendItem>,
    /// No data points at all: the template writes "暂无数据".
    pub empty: bool,
}

pub const LINE_WIDTH: u32 = 720;
pub const LINE_HEIGHT: u32 = 300;
const LINE_LEFT: f64 = 48.0;
const LINE_RIGHT: f64 = 20.0;
const LINE_TOP: f64 = 48.0;
const LINE_BOTTOM: f64 = 44.0;
/// Gap between the plot edge and the first / last point.
const LINE_PAD: f64 = 12.0;
/// Values are written at every point up to this many periods, else only at the last.
const LINE_ALL_VALUES: usize = 12;
const DASHES: [&str; 4] = ["", "6 4", "2 3", "8 3 2 3"];

impl LineChart {
    pub fn layout(&self) -> LineLayout {
        let width = f64::from(LINE_WIDTH);
        let has_points = self.series.iter().any(|s| !s.points.is_empty());
        // Without data only a baseline and "暂无数据" are drawn: keep it short.
        let (height, plot_top) = if has_points {
            (f64::from(LINE_HEIGHT), LINE_TOP)
        } else {
            (64.0, 8.0)
        };
        let plot_left = LINE_LEFT;
        let plot_right = width - LINE_RIGHT;
        let plot_bottom = if has_points {
            height - LINE_BOTTOM
        } else {
            40.0
        };
        let n = self
            .series
            .iter()
            .map(|s| s.points.len())
            .chain(std::iter::once(self.x_labels.len()))
            .max()
            .unwrap_or(0);
        let max = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().copied())
            .max()
            .unwrap_or(0);
        let (y_max, step) = nice_axis(max, 5);

        let inner_left = plot_left + LINE_PAD;
        let inner_width = plot_right - LINE_PAD - inner_left;
        let x_at = |i: usize| {
            if n <= 1 {
                r1(inner_left + inner_width / 2.0)
            } else {
                r1(inner_left + i as f64 * inner_width / (n - 1) as f64)
            }
        };
        let y_at =
            |v: u32| r1(plot_bottom - f64::from(v) / f64::from(y_max) * (plot_bottom - plot_top));

        let y_ticks = (0..=y_max)
            .step_by(step as usize)
            .filter(|_| has_points)
            .map(|v| {
                let y = y_at(v);
                YTick {
                    y,
                    value: v,
                    text_y: r1(y + f64::from(FONT_SIZE) * 0.35),
                }
            })
            .collect();

        // Thin the x labels so they do not overlap: every `label_step`-th,
        // counted back from the latest period (which is always shown).
        let label_px = self.x_labels.iter().map(|l| text_em(l)).fold(0.0, f64::max)
            * f64::from(FONT_SIZE)
            + 10.0;
        let label_step = if n <= 1 {
            1
        } else {
            let spacing = inner_width / (n - 1) as f64;
            ((label_px / spacing).ceil() as usize).max(1)
        };
        let x_labels = self
            .x_labels
            .iter()
            .enumerate()
            .filter(|(i, _)| (n - 1 - i) % label_step == 0)
            .map(|(i, t)| XLabel {
                x: x_at(i),
                text: t.clone(),
            })
            .collect();

        let mut series: Vec<SeriesLayout> = Vec::with_capacity(self.series.len());
        for (si, s) in self.series.iter().enumerate() {
            let mut dots = Vec::with_capacity(s.points.len());
            let mut points = String::new();
            for (i, &v) in s.points.iter().enumerate() {
                let (x, y) = (x_at(i), y_at(v));
                if !points.is_empty() {
                    points.push(' ');
                }
                let _ = write!(points, "{x},{y}");
                dots.push(Dot {
                    x,
                    y,
                    value: v,
                    period: self.x_labels.get(i).cloned().unwrap_or_default(),
                    show_value: false,
                    text_y: y,
                });
            }
            series.push(SeriesLayout {
                name: s.name.clone(),
                colour: colour(s.class),
                text_colour: if colour(s.class) == YELLOW {
                    DARK_YELLOW
                } else {
                    colour(s.class)
                },
                dash: DASHES[si % DASHES.len()],
                points,
                has_line: s.points.len() > 1,
                dots,
            });
        }

        place_values(&mut series, n, plot_top, plot_bottom);

        let mut legend = Vec::with_capacity(series.len());
        let mut lx = plot_left;
        for s in series.iter().filter(|_| has_points) {
            legend.push(LegendItem {
                x: r1(lx),
                line_end: r1(lx + 20.0),
                text_x: r1(lx + 26.0),
                colour: s.colour,
                dash: s.dash,
                name: s.name.clone(),
            });
            lx += 26.0 + text_em(&s.name) * f64::from(FONT_SIZE) + 20.0;
        }

        let mut id_parts = vec![self.title.as_str(), self.description.as_str()];
        id_parts.extend(self.series.iter().map(|s| s.name.as_str()));
        LineLayout {
            id: chart_id("line", &id_parts),
            width: LINE_WIDTH,
            height: height as u32,
            plot_left,
            plot_right,
            plot_top,
            plot_bottom,
            y_label_x: plot_left - 6.0,
            x_label_y: plot_bottom + 18.0,
            y_max,
            y_ticks,
            x_labels,
            label_step,
            series,
            dot_radius: if n <= 24 { 3.0 } else { 2.0 },
            legend_y: 16.0,
            legend_text_y: r1(16.0 + f64::from(FONT_SIZE) * 0.35),
            legend,
            empty: !has_points,
        }
    }
}

/// Decides which dots get their value written, and where: above the dot,
/// else below it, else not at all, so that at each period no value label
/// covers another label or another series' dot. Values are written at every
/// period when there are at most [`LINE_ALL_VALUES`] periods, else only at
/// each series' last point. Where two series have the same value at the same
/// period, it is written once.
fn place_values(series: &mut [SeriesLayout], n: usize, plot_top: f64, plot_bottom: f64) {
    // Vertical extent of a label whose baseline is at `y`, and of a dot.
    let text_box = |y: f64| (y - f64::from(FONT_SIZE) + 1.0, y + 2.0);
    let dot_box = |y: f64| (y - 4.0, y + 4.0);
    let overlaps = |a: (f64, f64), b: (f64, f64)| a.0 < b.1 && b.0 < a.1;
    for i in 0..n {
        // (series index, y) of the dots at this period that want a label,
        // highest on the chart first.
        let mut wanting: Vec<(usize, f64)> = series
            .iter()
            .enumerate()
            .filter_map(|(si, s)| {
                let d = s.dots.get(i)?;
                (n <= LINE_ALL_VALUES || i + 1 == s.dots.len()).then_some((si, d.y))
            })
            .collect();
        wanting.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let dots_here: Vec<(usize, f64, u32)> = series
            .iter()
            .enumerate()
            .filter_map(|(si, s)| s.dots.get(i).map(|d| (si, d.y, d.value)))
            .collect();
        let mut placed: Vec<((f64, f64), u32, f64)> = Vec::new(); // (box, value, dot y)
        for (si, y) in wanting {
            let value = series[si].dots[i].value;
            if placed
                .iter()
                .any(|&(_, v, py)| v == value && (py - y).abs() < 0.5)
            {
                continue; // same value at the same place: already written
            }
            let candidates = [r1(y - 7.0), r1(y + 16.0)];
            let fits = |ty: f64| {
                let b = text_box(ty);
                b.0 >= plot_top - 20.0
                    && b.1 <= plot_bottom - 1.0
                    && !dots_here
                        .iter()
                        .any(|&(o, oy, _)| o != si && overlaps(b, dot_box(oy)))
                    && !placed.iter().any(|&(pb, _, _)| overlaps(b, pb))
            };
            if let Some(ty) = candidates.into_iter().find(|&ty| fits(ty)) {
                let d = &mut series[si].dots[i];
                d.show_value = true;
                d.text_y = ty;
                placed.push((text_box(ty), value, y));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 3. 100% bar (headline share of lights)
// ---------------------------------------------------------------------------

/// A single 100% bar with a legend, e.g. the share of tasks by light.
#[derive(Debug, Clone)]
pub struct ShareBar {
    pub title: String,
    pub description: String,
    /// Label e.g. "红灯 3", as for [`StackedBars`]; the legend adds the percentage.
    pub segments: Vec<Segment>,
}

/// A part of the 100% bar.
#[derive(Debug, Clone, PartialEq)]
pub struct SharePart {
    pub x: f64,
    pub width: f64,
    pub value: u32,
    pub fill: &'static str,
    pub label: String,
    /// Rounded percentage, e.g. "38%" ("<1%" for small non-zero shares).
    pub percent: String,
    /// Whether the percentage fits inside the part (centred at `text_x`).
    pub show_percent: bool,
    pub text_x: f64,
    pub text_fill: &'static str,
}

/// A legend entry of the 100% bar: a swatch at (`x`, `y`), text at
/// (`text_x`, `text_y`) reading "{label}({percent})", e.g. "红灯 3(8%)".
#[derive(Debug, Clone, PartialEq)]
pub struct ShareLegend {
    pub x: f64,
    pub y: f64,
    pub text_x: f64,
    pub text_y: f64,
    pub fill: &'static str,
    pub text: String,
}

/// Geometry of a [`ShareBar`].
#[derive(Debug, Clone, PartialEq)]
pub struct ShareLayout {
    pub id: String,
    pub width: u32,
    pub height: u32,
    pub bar_y: f64,
    pub bar_height: f64,
    pub bar_text_y: f64,
    pub total: u32,
    /// Parts with a value above zero.
    pub parts: Vec<SharePart>,
    /// One entry per segment, zero values included.
    pub legend: Vec<ShareLegend>,
    /// Total zero: the template draws an empty grey outline and "暂无数据".
    pub empty: bool,
}

pub const SHARE_WIDTH: u32 = 720;
const SHARE_BAR_HEIGHT: f64 = 24.0;
const SHARE_LEGEND_ROW: f64 = 20.0;

/// Rounded percentage text.
pub fn percent_text(value: u32, total: u32) -> String {
    if total == 0 {
        return "0%".to_string();
    }
    let p = f64::from(value) * 100.0 / f64::from(total);
    if value > 0 && p < 0.5 {
        "<1%".to_string()
    } else if value < total && p > 99.5 {
        ">99%".to_string()
    } else {
        format!("{}%", p.round())
    }
}

impl ShareBar {
    pub fn layout(&self) -> ShareLayout {
        let width = f64::from(SHARE_WIDTH);
        let total: u64 = self.segments.iter().map(|s| u64::from(s.value)).sum();
        let total32 = u32::try_from(total).unwrap_or(u32::MAX);
        let bar_y = 4.0;
        let mut parts = Vec::new();
        let mut cum: u64 = 0;
        for s in &self.segments {
            if s.value == 0 || total == 0 {
                continue;
            }
            let x0 = r1(cum as f64 / total as f64 * width);
            cum += u64::from(s.value);
            let x1 = r1(cum as f64 / total as f64 * width);
            let w = r1(x1 - x0);
            let fill = colour(s.class);
            let percent = percent_text(s.value, total32);
            parts.push(SharePart {
                x: x0,
                width: w,
                value: s.value,
                fill,
                label: s.label.clone(),
                show_percent: w >= text_em(&percent) * f64::from(FONT_SIZE) + 8.0,
                percent,
                text_x: r1(x0 + w / 2.0),
                text_fill: text_on(fill),
            });
        }

        let mut legend = Vec::with_capacity(self.segments.len());
        let first_row = bar_y + SHARE_BAR_HEIGHT + 12.0;
        let (mut lx, mut row) = (0.0, 0.0);
        for s in &self.segments {
            let text = format!("{}({})", s.label, percent_text(s.value, total32));
            let item_w = 16.0 + text_em(&text) * f64::from(FONT_SIZE) + 20.0;
            if lx > 0.0 && lx + item_w > width {
                lx = 0.0;
                row += 1.0;
            }
            let y = first_row + row * SHARE_LEGEND_ROW;
            legend.push(ShareLegend {
                x: r1(lx),
                y: r1(y),
                text_x: r1(lx + 16.0),
                text_y: r1(y + 5.0 + f64::from(FONT_SIZE) * 0.35),
                fill: colour(s.class),
                text,
            });
            lx += item_w;
        }
        let rows = if self.segments.is_empty() {
            0.0
        } else {
            row + 1.0
        };
        ShareLayout {
            id: chart_id("share", &[self.title.as_str(), self.description.as_str()]),
            width: SHARE_WIDTH,
            height: (first_row + rows * SHARE_LEGEND_ROW).ceil() as u32,
            bar_y,
            bar_height: SHARE_BAR_HEIGHT,
            bar_text_y: r1(bar_y + SHARE_BAR_HEIGHT / 2.0 + f64::from(FONT_SIZE) * 0.35),
            total: total32,
            parts,
            legend,
            empty: total == 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use askama::Template;

    fn seg(value: u32, class: &'static str, name: &str) -> Segment {
        Segment {
            value,
            class,
            label: format!("{name} {value}"),
        }
    }

    fn row(label: &str, values: [u32; 4], href: Option<&str>) -> BarRow {
        BarRow {
            label: label.to_string(),
            segments: vec![
                seg(values[0], "red", "红灯"),
                seg(values[1], "yellow", "黄灯"),
                seg(values[2], "green", "绿灯"),
                seg(values[3], "grey", "未评"),
            ],
            href: href.map(str::to_string),
        }
    }

    fn bars(rows: Vec<BarRow>) -> StackedBars {
        StackedBars {
            title: "各部分进展".into(),
            description: "按部分统计任务灯色".into(),
            rows,
        }
    }

    fn periods(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("{}-Q{}", 2022 + i / 4, i % 4 + 1))
            .collect()
    }

    fn line(labels: Vec<String>, series: Vec<(&str, &'static str, Vec<u32>)>) -> LineChart {
        LineChart {
            title: "趋势".into(),
            description: "各报告期已办结与红灯任务数".into(),
            x_labels: labels,
            series: series
                .into_iter()
                .map(|(name, class, points)| Series {
                    name: name.into(),
                    class,
                    points,
                })
                .collect(),
        }
    }

    #[test]
    fn colours() {
        assert_eq!(colour("red"), "#c62828");
        assert_eq!(colour("yellow"), "#f2c200");
        assert_eq!(colour("green"), "#2e7d32");
        assert_eq!(colour("grey"), "#6e7781");
        assert_eq!(colour("whatever"), "#6e7781");
    }

    #[test]
    fn nice_axes() {
        assert_eq!(nice_axis(0, 5), (1, 1));
        assert_eq!(nice_axis(1, 5), (1, 1));
        assert_eq!(nice_axis(3, 5), (3, 1));
        assert_eq!(nice_axis(5, 5), (5, 1));
        assert_eq!(nice_axis(7, 5), (8, 2));
        assert_eq!(nice_axis(10, 5), (10, 2));
        assert_eq!(nice_axis(11, 5), (15, 5));
        assert_eq!(nice_axis(23, 5), (25, 5));
        assert_eq!(nice_axis(53, 5), (60, 20));
        assert_eq!(nice_axis(100, 5), (100, 20));
        assert_eq!(nice_axis(101, 5), (125, 25));
        assert_eq!(nice_axis(100, 4), (100, 25));
        let (axis, step) = nice_axis(u32::MAX, 5);
        assert!(axis == u32::MAX && step > 0);
        for max in 0..2000 {
            let (axis, step) = nice_axis(max, 5);
            assert!(
                axis >= max && axis >= 1 && axis % step == 0 && axis / step <= 5,
                "{max}"
            );
            // never more than one step beyond the data
            assert!(axis - max.max(1) < step, "{max}");
        }
    }

    #[test]
    fn labels_are_truncated_by_width() {
        assert_eq!(
            truncate_label("四、加强督查督办", 14.5),
            ("四、加强督查督办".into(), false)
        );
        let long = "二、持续深化“放管服”改革优化营商环境工作";
        let (t, cut) = truncate_label(long, 14.5);
        assert!(cut);
        assert_eq!(t.chars().count(), 14);
        assert!(t.ends_with('…'));
        assert!(long.starts_with(t.trim_end_matches('…')));
        // ASCII is narrower, so more of it fits
        let (t, cut) = truncate_label("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 14.5);
        assert!(cut && t.chars().count() > 14);
        assert!(text_em(&t) <= 14.5);
    }

    #[test]
    fn bars_scale_to_the_largest_total() {
        let l = bars(vec![
            row("一", [2, 2, 6, 0], Some("/tasks?section=1")),
            row("二", [0, 0, 5, 0], None),
        ])
        .layout();
        assert_eq!((l.width, l.label_width), (720, 200));
        assert_eq!(l.max_total, 10);
        assert_eq!(l.axis_max, 10);
        assert_eq!(l.rows.len(), 2);
        let full = &l.rows[0];
        let half = &l.rows[1];
        assert_eq!((full.total, half.total), (10, 5));
        let end = |r: &RowLayout| r.segments.last().map_or(l.plot_x, |s| s.x + s.width);
        assert!((end(full) - (l.plot_x + l.plot_width)).abs() < 0.15);
        let w = |r: &RowLayout| end(r) - l.plot_x;
        assert!((w(full) - 2.0 * w(half)).abs() < 0.3);
        // segments are contiguous, in order, zero values dropped
        assert_eq!(full.segments.len(), 3);
        assert_eq!(full.segments[0].x, l.plot_x);
        for p in full.segments.windows(2) {
            assert!((p[0].x + p[0].width - p[1].x).abs() < 0.05);
        }
        assert_eq!(full.segments[0].fill, RED);
        assert_eq!(full.segments[1].fill, YELLOW);
        assert_eq!(full.segments[1].text_fill, INK);
        assert_eq!(full.segments[2].label, "绿灯 6");
        assert!((full.segments[0].width - 0.2 * l.plot_width).abs() < 0.15);
        // total written just right of the bar
        assert!((full.total_x - end(full) - 6.0).abs() < 0.15);
        // rows stacked 26 apart, bars centred in them
        assert_eq!(half.y - full.y, 26.0);
        assert_eq!(full.bar_y - full.y, (26.0 - l.bar_height) / 2.0);
        assert_eq!(l.height as f64, l.grid_bottom + 22.0);
        assert_eq!(full.href.as_deref(), Some("/tasks?section=1"));
        assert!(l.has_links && !l.empty);
    }

    #[test]
    fn bar_ticks() {
        let l = bars(vec![row("一", [3, 2, 10, 1], None)]).layout();
        let values: Vec<u32> = l.ticks.iter().map(|t| t.value).collect();
        assert_eq!(values, vec![0, 5, 10, 15, 20]);
        assert_eq!(l.ticks[0].x, l.plot_x);
        assert_eq!(l.ticks[4].x, l.plot_x + l.plot_width);
        assert!((l.ticks[2].x - (l.plot_x + l.plot_width / 2.0)).abs() < 0.05);
        assert!(!l.has_links);
        let l = bars(vec![row("一", [25, 25, 25, 25], None)]).layout();
        let values: Vec<u32> = l.ticks.iter().map(|t| t.value).collect();
        assert_eq!(values, vec![0, 20, 40, 60, 80, 100]);
    }

    #[test]
    fn zero_totals_draw_no_bar_but_keep_label_and_zero() {
        let l = bars(vec![row("一、空的部分", [0, 0, 0, 0], None)]).layout();
        let r = &l.rows[0];
        assert!(r.segments.is_empty());
        assert_eq!(r.total, 0);
        assert_eq!(r.label, "一、空的部分");
        assert_eq!(r.total_x, l.plot_x + 6.0);
        assert_eq!(l.axis_max, 1);
        assert_eq!(l.ticks.len(), 2);
        assert!(!l.empty);
        let l = bars(vec![BarRow {
            label: "无分段".into(),
            segments: vec![],
            href: None,
        }])
        .layout();
        assert_eq!(l.rows[0].total, 0);
        let l = bars(vec![]).layout();
        assert!(l.empty && l.rows.is_empty() && l.ticks.is_empty());
        assert!(l.height > 0);
    }

    #[test]
    fn long_bar_labels_truncated_full_kept() {
        let long = "二、持续深化“放管服”改革优化营商环境工作";
        let l = bars(vec![row(long, [1, 0, 0, 0], None)]).layout();
        let r = &l.rows[0];
        assert!(r.truncated);
        assert_eq!(r.full_label, long);
        assert!(r.label.ends_with('…'));
        assert!(text_em(&r.label) * f64::from(FONT_SIZE) <= l.label_x);
    }

    #[test]
    fn narrow_segments_hide_their_value() {
        let l = bars(vec![row("一", [1, 0, 200, 0], None)]).layout();
        assert!(!l.rows[0].segments[0].show_value);
        assert!(l.rows[0].segments[1].show_value);
    }

    #[test]
    fn chart_ids_differ() {
        let a = bars(vec![row("一", [1, 0, 0, 0], None)]).layout();
        let mut b = bars(vec![row("一", [1, 0, 0, 0], None)]);
        b.title = "各单位进展".into();
        let b = b.layout();
        assert_ne!(a.id, b.id);
        assert!(a.id.starts_with("chart-bars-"));
        assert!(a.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }

    #[test]
    fn line_points_left_to_right_and_y_inverted() {
        let l = line(
            periods(6),
            vec![
                ("已办结", "green", vec![0, 1, 3, 5, 8, 12]),
                ("红灯", "red", vec![4, 4, 2, 1, 0, 0]),
            ],
        )
        .layout();
        assert!(!l.empty);
        assert_eq!(l.y_max, 15);
        let ticks: Vec<u32> = l.y_ticks.iter().map(|t| t.value).collect();
        assert_eq!(ticks, vec![0, 5, 10, 15]);
        assert_eq!(l.y_ticks[0].y, l.plot_bottom);
        assert_eq!(l.y_ticks[3].y, l.plot_top);
        for s in &l.series {
            assert!(s.has_line);
            for w in s.dots.windows(2) {
                assert!(w[1].x > w[0].x);
                // larger value, higher on the page (smaller y)
                match w[1].value.cmp(&w[0].value) {
                    std::cmp::Ordering::Greater => assert!(w[1].y < w[0].y),
                    std::cmp::Ordering::Less => assert!(w[1].y > w[0].y),
                    std::cmp::Ordering::Equal => assert_eq!(w[1].y, w[0].y),
                }
            }
            let expected: Vec<String> = s.dots.iter().map(|d| format!("{},{}", d.x, d.y)).collect();
            assert_eq!(s.points, expected.join(" "));
        }
        let closed = &l.series[0];
        assert_eq!(closed.dots[0].y, l.plot_bottom);
        let y12 = l.plot_bottom - 12.0 / 15.0 * (l.plot_bottom - l.plot_top);
        assert!((closed.dots[5].y - y12).abs() < 0.06);
        assert_eq!(closed.colour, GREEN);
        assert_eq!(closed.dash, "");
        assert_ne!(l.series[1].dash, "");
        assert_eq!(closed.dots[2].period, "2022-Q3");
        // first and last points at the inner edges of the plot box
        assert_eq!(closed.dots[0].x, l.plot_left + 12.0);
        assert_eq!(closed.dots[5].x, l.plot_right - 12.0);
        // few periods: every label shown, every value written
        assert_eq!(l.label_step, 1);
        assert_eq!(l.x_labels.len(), 6);
        assert!(closed.dots.iter().all(|d| d.show_value));
        assert_eq!(l.legend.len(), 2);
        assert_eq!(l.legend[1].name, "红灯");
        assert!(l.legend[1].x > l.legend[0].text_x);
    }

    #[test]
    fn line_single_point_is_a_centred_dot() {
        let l = line(periods(1), vec![("已办结", "green", vec![4])]).layout();
        let s = &l.series[0];
        assert!(!s.has_line);
        assert_eq!(s.dots.len(), 1);
        assert_eq!(s.dots[0].x, r1((l.plot_left + l.plot_right) / 2.0));
        assert!(s.dots[0].show_value);
        assert_eq!(l.x_labels.len(), 1);
    }

    #[test]
    fn line_all_zero_and_empty() {
        let l = line(periods(5), vec![("红灯", "red", vec![0; 5])]).layout();
        assert_eq!(l.y_max, 1);
        assert!(!l.empty);
        assert!(l.series[0].dots.iter().all(|d| d.y == l.plot_bottom));
        let l = line(vec![], vec![]).layout();
        assert!(l.empty && l.series.is_empty() && l.x_labels.is_empty() && l.legend.is_empty());
        assert!(l.height < LINE_HEIGHT && l.plot_bottom > l.plot_top);
        let l = line(periods(4), vec![("红灯", "red", vec![])]).layout();
        assert!(l.empty);
        assert!(!l.series[0].has_line && l.series[0].dots.is_empty());
        assert_eq!(l.series[0].points, "");
    }

    #[test]
    fn many_periods_thin_the_labels() {
        let n = 40;
        let l = line(
            periods(n),
            vec![("已办结", "green", (0..n as u32).collect())],
        )
        .layout();
        assert!(l.label_step > 1);
        assert!(l.x_labels.len() < n && l.x_labels.len() >= n / l.label_step);
        // the latest period is always labelled
        assert_eq!(l.x_labels.last().unwrap().text, periods(n)[n - 1]);
        // labels do not overlap: centres further apart than a label is wide
        let label_w = text_em("2022-Q1") * f64::from(FONT_SIZE);
        for w in l.x_labels.windows(2) {
            assert!(w[1].x - w[0].x >= label_w + 4.0);
        }
        // only the last value is written
        let shown: Vec<usize> = (0..n).filter(|&i| l.series[0].dots[i].show_value).collect();
        assert_eq!(shown, vec![n - 1]);
        assert_eq!(l.dot_radius, 2.0);
    }

    #[test]
    fn value_labels_do_not_collide() {
        let l = line(
            periods(6),
            vec![
                ("已办结", "green", vec![0, 1, 2, 3, 4, 5]),
                ("红灯", "red", vec![2, 1, 2, 0, 4, 5]),
                ("黄灯", "yellow", vec![1, 1, 1, 1, 1, 1]),
            ],
        )
        .layout();
        assert_eq!(l.series[2].text_colour, DARK_YELLOW);
        for i in 0..6 {
            let shown: Vec<&Dot> = l
                .series
                .iter()
                .map(|s| &s.dots[i])
                .filter(|d| d.show_value)
                .collect();
            for (a, da) in shown.iter().enumerate() {
                assert!(da.text_y - 11.0 >= l.plot_top - 20.0 && da.text_y + 2.0 <= l.plot_bottom);
                for db in &shown[a + 1..] {
                    assert!((da.text_y - db.text_y).abs() >= 13.0, "period {i}");
                }
            }
            // equal values at the same point are written once
            let same = l
                .series
                .iter()
                .filter(|s| s.dots[i].value == l.series[0].dots[i].value)
                .count();
            if same > 1 {
                let written = l
                    .series
                    .iter()
                    .filter(|s| {
                        s.dots[i].value == l.series[0].dots[i].value && s.dots[i].show_value
                    })
                    .count();
                assert!(written <= 1);
            }
        }
        // a lone top point gets its label above it
        let top = &l.series[0].dots[5];
        assert!(top.show_value && top.text_y < top.y);
    }

    #[test]
    fn share_bar_fills_the_width() {
        let l = ShareBar {
            title: "总体".into(),
            description: "按灯色".into(),
            segments: vec![
                seg(3, "red", "红灯"),
                seg(0, "yellow", "黄灯"),
                seg(6, "green", "绿灯"),
                seg(1, "grey", "未评"),
            ],
        }
        .layout();
        assert_eq!(l.total, 10);
        assert_eq!(l.parts.len(), 3);
        assert_eq!(l.parts[0].x, 0.0);
        let last = l.parts.last().unwrap();
        assert_eq!(last.x + last.width, 720.0);
        assert_eq!(l.parts[0].percent, "30%");
        assert_eq!(l.parts[1].width, 432.0);
        assert_eq!(l.legend.len(), 4);
        assert_eq!(l.legend[1].text, "黄灯 0(0%)");
        assert_eq!(l.legend[2].text, "绿灯 6(60%)");
        assert!(!l.empty);
        assert_eq!(percent_text(1, 1000), "<1%");
        assert_eq!(percent_text(999, 1000), ">99%");
        assert_eq!(percent_text(5, 5), "100%");
        assert_eq!(percent_text(0, 0), "0%");
        let l = ShareBar {
            title: "总体".into(),
            description: "按灯色".into(),
            segments: vec![seg(0, "red", "红灯")],
        }
        .layout();
        assert!(l.empty && l.parts.is_empty());
    }

    // ---- rendering through the macros in templates/charts.html ----

    #[derive(Template)]
    #[template(
        ext = "html",
        source = r#"{% import "charts.html" as charts %}<main>
{% call charts::stacked_bars(bars, bars_title, "按部分统计") %}{% endcall %}
{% for item in lines.iter() %}{% call charts::line_chart(item.1, item.0, "趋势说明") %}{% endcall %}{% endfor %}
{% call charts::share_bar(share, "总体", "按灯色") %}{% endcall %}
</main>"#
    )]
    struct Page {
        bars: BarLayout,
        bars_title: String,
        lines: Vec<(String, LineLayout)>,
        share: ShareLayout,
    }

    fn page(label: &str) -> String {
        Page {
            bars: bars(vec![
                row(label, [3, 2, 10, 1], Some("/tasks?section=1&light=red")),
                row("二、空", [0, 0, 0, 0], None),
            ])
            .layout(),
            bars_title: format!("各部分进展 {label}"),
            lines: vec![(
                format!("趋势 {label}"),
                line(
                    periods(8),
                    vec![
                        (label, "green", vec![0, 1, 3, 5, 8, 9, 12, 15]),
                        ("红灯", "red", vec![2, 2, 3, 1, 1, 0, 0, 0]),
                    ],
                )
                .layout(),
            )],
            share: ShareBar {
                title: "总体".into(),
                description: "按灯色".into(),
                segments: vec![seg(3, "red", label), seg(5, "green", "绿灯")],
            }
            .layout(),
        }
        .render()
        .unwrap()
    }

    #[test]
    fn macros_render_accessible_svg() {
        let html = page("一、扎实开展重点难点治理");
        assert_eq!(html.matches("<svg ").count(), 3);
        assert_eq!(html.matches("<title id=\"chart-").count(), 3);
        assert_eq!(html.matches("<desc id=\"chart-").count(), 3);
        assert!(html.contains("role=\"group\"")); // the bars have links
        assert_eq!(html.matches("role=\"img\"").count(), 2);
        assert!(html.contains("viewBox=\"0 0 720 "));
        assert!(html.contains(
            "<title>一、扎实开展重点难点治理:合计 16(红灯 3,黄灯 2,绿灯 10,未评 1)</title>"
        ));
        assert!(html.contains(">二、空</text>"));
        assert!(html.contains("font-weight=\"bold\">0</text>"));
        assert!(
            html.contains("<a href=\"/tasks?section=1&#38;light=red\">")
                || html.contains("<a href=\"/tasks?section=1&amp;light=red\">")
        );
        assert!(html.contains("<polyline points=\""));
        assert!(html.contains("fill=\"#c62828\""));
        assert!(html.contains(">2022-Q1</text>"));
        assert!(!html.contains(">暂无数据<"));
        // title and desc come first in each svg
        for svg in html.split("<svg ").skip(1) {
            let after = &svg[svg.find('>').unwrap() + 1..];
            assert!(after.trim_start().starts_with("<title id="));
        }
    }

    #[test]
    fn macros_emit_no_style_script_or_handlers() {
        let html = page("一、扎实开展重点难点治理");
        let lower = html.to_lowercase();
        assert!(
            !lower.contains("style="),
            "inline style is forbidden by the CSP"
        );
        assert!(!lower.contains("<style"));
        assert!(!lower.contains("<script"));
        assert!(!lower.contains("javascript:"));
        assert!(!lower.contains(" on"), "no event handler attributes");
        assert!(!lower.contains("https://") && !lower.contains("//fonts"));
        assert!(!lower.contains("font-family"));
        // the only absolute URL is the SVG namespace
        assert_eq!(
            lower.matches("http://").count(),
            lower
                .matches("xmlns=\"http://www.w3.org/2000/svg\"")
                .count()
        );
    }

    #[test]
    fn macros_escape_labels() {
        let html = page("<script>alert(\"x\")</script>");
        assert!(!html.contains("<script"));
        assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"));
        // tags and text stay balanced
        for tag in ["svg", "g", "a", "title", "desc", "text", "circle"] {
            let open = html.matches(&format!("<{tag} ")).count()
                + html.matches(&format!("<{tag}>")).count();
            assert_eq!(open, html.matches(&format!("</{tag}>")).count(), "{tag}");
        }
    }

    /// Arguments may be any expression, also ones using names the macros
    /// use inside (`row`, `s`, `t`, `l`, `d`, `p`, `chart`, …) and the macros' parameter names.
    #[derive(Template)]
    #[template(
        ext = "html",
        source = r#"{% import "charts.html" as charts %}
{% for row in rows.iter() %}{% call charts::stacked_bars(row.layout(), row.title, row.description) %}{% endcall %}{% endfor %}
{% for s in lines.iter() %}{% call charts::line_chart(s.layout(), s.title, s.description) %}{% endcall %}{% endfor %}
{% for chart in shares.iter() %}{% call charts::share_bar(chart.layout(), chart.title, chart.description) %}{% endcall %}{% endfor %}"#
    )]
    struct Expressions {
        rows: Vec<StackedBars>,
        lines: Vec<LineChart>,
        shares: Vec<ShareBar>,
    }

    #[test]
    fn macro_arguments_may_be_expressions() {
        let html = Expressions {
            rows: vec![bars(vec![row("一、甲", [1, 2, 3, 4], None)])],
            lines: vec![line(periods(3), vec![("红灯", "red", vec![1, 2, 3])])],
            shares: vec![ShareBar {
                title: "总体".into(),
                description: "按灯色".into(),
                segments: vec![seg(3, "red", "红灯")],
            }],
        }
        .render()
        .unwrap();
        assert_eq!(html.matches("<svg ").count(), 3);
        assert!(html.contains(">各部分进展</title>"));
        assert!(html.contains(">各报告期已办结与红灯任务数</desc>"));
        assert!(html.contains(">一、甲</text>"));
        assert!(html.contains("<title>红灯 2022-Q3:3</title>"));
        assert!(html.contains(">红灯 3(100%)</text>"));
    }

    struct PageLayout {
        bars: BarLayout,
    }

    /// The pages' own `layout`, `title` and `description` variables may be
    /// passed although the macros' parameters have those names.
    #[derive(Template)]
    #[template(
        ext = "html",
        source = r#"{% import "charts.html" as charts %}{% call charts::stacked_bars(layout.bars, description, title) %}{% endcall %}"#
    )]
    struct SameNames {
        layout: PageLayout,
        title: String,
        description: String,
    }

    #[test]
    fn macro_arguments_may_use_the_parameter_names() {
        let html = SameNames {
            layout: PageLayout {
                bars: bars(vec![row("一、甲", [1, 2, 3, 4], None)]).layout(),
            },
            title: "标题".into(),
            description: "说明".into(),
        }
        .render()
        .unwrap();
        assert!(html.contains(">说明</title>"));
        assert!(html.contains(">标题</desc>"));
        assert!(html.contains(">一、甲</text>"));
    }

    #[test]
    fn macros_render_empty_charts() {
        let html = Page {
            bars: bars(vec![]).layout(),
            bars_title: "空".into(),
            lines: vec![("空".into(), line(vec![], vec![]).layout())],
            share: ShareBar {
                title: "空".into(),
                description: String::new(),
                segments: vec![],
            }
            .layout(),
        }
        .render()
        .unwrap();
        assert_eq!(html.matches(">暂无数据</text>").count(), 3);
        assert!(!html.contains("<polyline"));
        assert!(!html.contains("NaN") && !html.contains("inf"));
    }
}

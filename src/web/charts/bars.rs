//! Stacked horizontal bars (堆叠条形图): one bar per row, one coloured segment per light.

use super::{FONT_SIZE, chart_id, colour, nice_axis, r1, text_em, text_on, truncate_label};

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

#[cfg(test)]
#[path = "bars_tests.rs"]
mod tests;

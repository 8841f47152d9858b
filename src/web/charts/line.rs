//! Line chart (折线图): one line per series over the report periods, values kept apart.

use super::{DARK_YELLOW, FONT_SIZE, YELLOW, chart_id, colour, nice_axis, r1, text_em};
use std::fmt::Write as _;

/// One line of a line chart.
#[derive(Debug, Clone)]
pub struct Series {
    /// E.g. "已办结", "红灯".
    pub name: String,
    /// Colour class, as for [`Segment::class`](super::Segment::class).
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

#[cfg(test)]
#[path = "line_tests.rs"]
mod tests;

//! 100% bar (占比条): the headline share of tasks by light, with its legend.

use super::{FONT_SIZE, Segment, chart_id, colour, r1, text_em, text_on};

/// A single 100% bar with a legend, e.g. the share of tasks by light.
#[derive(Debug, Clone)]
pub struct ShareBar {
    pub title: String,
    pub description: String,
    /// Label e.g. "红灯 3", as for [`StackedBars`](super::StackedBars); the legend adds the percentage.
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
#[path = "share_tests.rs"]
mod tests;

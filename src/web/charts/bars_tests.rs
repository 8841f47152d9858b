//! Tests of the stacked bars layout: scale, ticks, empty rows, labels, ids.

use super::*;
use crate::web::charts::samples::*;
use crate::web::charts::{INK, RED, YELLOW};

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

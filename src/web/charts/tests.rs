//! Tests of the shared chart helpers: colours, axes, label widths.

use super::*;

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

//! Tests of the 100% bar layout: widths, percentages, the empty bar.

use super::*;
use crate::web::charts::samples::*;

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

//! Tests of the line chart layout: points, single and empty series, thinned labels, values.

use super::*;
use crate::web::charts::GREEN;
use crate::web::charts::samples::*;

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
                .filter(|s| s.dots[i].value == l.series[0].dots[i].value && s.dots[i].show_value)
                .count();
            assert!(written <= 1);
        }
    }
    // a lone top point gets its label above it
    let top = &l.series[0].dots[5];
    assert!(top.show_value && top.text_y < top.y);
}

//! Chart inputs for the chart tests: rows of lights, report periods, series.

use super::*;

pub fn seg(value: u32, class: &'static str, name: &str) -> Segment {
    Segment {
        value,
        class,
        label: format!("{name} {value}"),
    }
}

pub fn row(label: &str, values: [u32; 4], href: Option<&str>) -> BarRow {
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

pub fn bars(rows: Vec<BarRow>) -> StackedBars {
    StackedBars {
        title: "各部分进展".into(),
        description: "按部分统计任务灯色".into(),
        rows,
    }
}

pub fn periods(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("{}-Q{}", 2022 + i / 4, i % 4 + 1))
        .collect()
}

pub fn line(labels: Vec<String>, series: Vec<(&str, &'static str, Vec<u32>)>) -> LineChart {
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

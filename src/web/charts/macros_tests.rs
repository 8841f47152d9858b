//! Tests of the chart macros in `templates/charts.html`: accessible, escaped, script-free SVG.

use super::samples::*;
use super::*;
use askama::Template;

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
        "<title>一、扎实开展重点难点治理：合计 16（红灯 3，黄灯 2，绿灯 10，未评 1）</title>"
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
        let open =
            html.matches(&format!("<{tag} ")).count() + html.matches(&format!("<{tag}>")).count();
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
    assert!(html.contains("<title>红灯 2022-Q3：3</title>"));
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

//! Writes the seed corpus of the fuzz targets: `cargo run --bin seed_corpus` from `fuzz/`.
//! The plan parser starts from the real 2022 plan and pieces of it; the upload reader from
//! templates as duban writes them, empty, filled and filled wrongly.

use duban::formats::roundtrip::{Template, TemplateRow, template_xlsx};
use std::fs;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let parser = root.join("corpus/plan_parser");
    let reader = root.join("corpus/roundtrip_reader");
    fs::create_dir_all(&parser)?;
    fs::create_dir_all(&reader)?;

    let plan = fs::read_to_string(root.join("../seeds/2022-work-points.md"))?;
    fs::write(parser.join("2022-whole"), &plan)?;
    // Pieces: the letterhead, one section, and a run of task lines, so mutations start small.
    let lines: Vec<&str> = plan.lines().collect();
    for (name, range) in [
        ("head", 0..20),
        ("middle", 20..60),
        ("tail", 60..lines.len()),
    ] {
        let end = range.end.min(lines.len());
        let start = range.start.min(end);
        fs::write(parser.join(name), lines[start..end].join("\n"))?;
    }

    let row = |code: &str, status: Option<&str>, work: &str| TemplateRow {
        code: code.into(),
        task_text: "严厉打击侵权假冒犯罪(公安部牵头,各成员单位按职责分工负责)".into(),
        role: "牵头".into(),
        status: status.map(Into::into),
        self_assessment: status.map(|_| "on_track".into()),
        work_done: work.into(),
        problems: String::new(),
        next_steps: String::new(),
    };
    let templates = [
        ("empty", vec![]),
        ("blank-rows", vec![row("1", None, ""), row("2", None, "")]),
        (
            "filled",
            vec![
                row("1", Some("in_progress"), "开展专项行动,查处案件 36 起。"),
                row("2", Some("done"), "已完成。"),
            ],
        ),
        (
            "wrong",
            vec![
                row("99", Some("in_progress"), "未知任务"),
                row("1", Some("in_progress"), ""),
                row("1", Some("in_progress"), "=HYPERLINK(\"http://x\")"),
            ],
        ),
    ];
    for (name, rows) in templates {
        let t = Template {
            unit: "公安部".into(),
            period_key: "2022-Q2".into(),
            period_label: "2022年第二季度".into(),
            rows,
        };
        fs::write(reader.join(format!("{name}.xlsx")), template_xlsx(&t)?)?;
    }
    println!(
        "seed corpus written under {}",
        root.join("corpus").display()
    );
    Ok(())
}

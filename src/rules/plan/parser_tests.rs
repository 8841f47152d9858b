//! Parser tests: the real 2022 document, the other layouts of the family, hostile inputs.

use super::*;
use crate::rules::plan::{Errata, ErrataError, Erratum, apply_errata};
use proptest::prelude::*;

const SEED_2022: &str = include_str!("../../../seeds/2022-work-points.md");

fn plan_2022() -> Plan {
    parse_plan(SEED_2022).expect("the 2022 plan parses")
}

fn task<'a>(plan: &'a Plan, code: &str) -> &'a Task {
    plan.tasks()
        .map(|(_, _, t)| t)
        .find(|t| t.code == code)
        .unwrap_or_else(|| panic!("task {code} exists"))
}

#[test]
fn reads_the_letterhead() {
    let p = plan_2022();
    assert_eq!(
        p.issuer,
        "全国打击侵犯知识产权和制售假冒伪劣商品工作领导小组"
    );
    assert_eq!(p.doc_number.as_deref(), Some("打假发〔2022〕1号"));
    assert_eq!(
        p.title,
        "2022年全国打击侵犯知识产权和制售假冒伪劣商品工作要点"
    );
    assert_eq!(p.year, 2022);
    assert_eq!(p.issued_on, NaiveDate::from_ymd_opt(2022, 4, 25));
    assert_eq!(p.printed_on, NaiveDate::from_ymd_opt(2022, 4, 26));
    assert!(p.preamble.starts_with("做好2022年全国打击侵犯知识产权"));
    assert!(p.preamble.ends_with("国际化营商环境。"));
}

#[test]
fn counts_every_level() {
    let p = plan_2022();
    assert_eq!(p.sections.len(), 7);
    let subs: Vec<usize> = p.sections.iter().map(|s| s.subsections.len()).collect();
    assert_eq!(subs, [4, 6, 3, 4, 3, 4, 3]);
    let tasks: Vec<usize> = p
        .sections
        .iter()
        .map(|s| s.subsections.iter().map(|ss| ss.tasks.len()).sum())
        .collect();
    assert_eq!(tasks, [20, 17, 8, 15, 11, 14, 6]);
    assert_eq!(p.task_count(), 91);
}

#[test]
fn headings_are_recognised_whatever_their_marks() {
    let p = plan_2022();
    assert_eq!(p.sections[0].title, "扎实开展重点难点治理");
    assert_eq!(p.sections[4].title, "聚力增强社会保护意识");
    assert_eq!(p.sections[0].subsections[0].title, "开展互联网领域治理");
    assert_eq!(p.sections[0].subsections[3].title, "开展重点渠道治理");
    assert_eq!(p.sections[4].subsections[0].title, "强化宣传教育引导");
    assert_eq!(p.sections[6].subsections[2].title, "健全考核评价机制");
}

#[test]
fn page_breaks_join_without_space() {
    let p = plan_2022();
    assert!(task(&p, "1.1.2").text.ends_with("严厉查处虚假违法广告。"));
    assert!(task(&p, "2.1.3").text.contains("实施办法(试行)》"));
    assert!(task(&p, "1.4.1").text.contains("加大对中欧班列陆路运输"));
    assert_eq!(task(&p, "1.4.1").leads, ["海关总署"]);
    assert!(task(&p, "2.6.1").text.contains("信息化、信息安全相结合"));
    assert!(task(&p, "5.1.2").co.contains(&"知识产权局".to_string()));
    for (_, _, t) in p.tasks() {
        assert!(!t.text.contains("  "), "{} has a double space", t.code);
        assert!(!t.source_text.contains('\n'), "{} has a newline", t.code);
    }
}

#[test]
fn keeps_meaningful_spaces_inside_text() {
    let p = plan_2022();
    assert!(task(&p, "1.2.1").text.contains("“治违禁 控药残 促提升”"));
}

#[test]
fn unnumbered_subsection_body_is_one_task() {
    let p = plan_2022();
    let t = task(&p, "7.3.1");
    assert!(
        t.text
            .starts_with("将打击侵权假冒违法犯罪活动纳入平安建设考核评价体系")
    );
    assert_eq!(
        t.leads,
        ["中央政法委", "全国打击侵权假冒工作领导小组办公室"]
    );
    assert!(t.unnamed_members);
}

#[test]
fn responsibilities_follow_the_domain_table() {
    let p = plan_2022();
    let t = task(&p, "1.1.3");
    assert_eq!(
        (t.leads.as_slice(), t.co.len(), t.unnamed_members),
        (&["药监局".to_string()][..], 0, false)
    );
    let t = task(&p, "1.1.4");
    assert_eq!(t.leads, ["中央网信办"]);
    assert_eq!(t.co, ["中央宣传部", "市场监管总局", "药监局", "知识产权局"]);
    let t = task(&p, "1.1.1");
    assert!(t.leads.is_empty());
    assert_eq!(
        t.co,
        ["中央宣传部", "中央网信办", "公安部", "工业和信息化部"]
    );
    let t = task(&p, "1.3.6");
    assert_eq!(t.leads, ["市场监管总局"]);
    assert_eq!(t.co, ["生态环境部"]);
    assert!(t.unnamed_members);
    let t = task(&p, "1.3.7");
    assert!(t.leads.is_empty() && t.unnamed_members);
    assert_eq!(t.co, ["公安部", "生态环境部", "商务部", "市场监管总局"]);
    let t = task(&p, "4.2.1");
    assert_eq!(t.leads, ["发展改革委", "市场监管总局"]);
    let t = task(&p, "6.4.2");
    assert_eq!(t.co, ["海关总署", "贸促会"]);
    assert!(t.unnamed_members);
    let t = task(&p, "7.1.1");
    assert!(t.leads.is_empty());
    assert_eq!(t.co, ["全国打击侵权假冒工作领导小组办公室"]);
    assert!(t.unnamed_members);
}

#[test]
fn text_excludes_the_parenthetical_and_source_keeps_it() {
    let p = plan_2022();
    let t = task(&p, "1.1.3");
    assert!(t.text.ends_with("打击利用网络生产销售违法化妆品行为。"));
    assert!(t.source_text.ends_with("(药监局负责)"));
    assert_eq!(t.responsibility_text, "药监局负责");
}

#[test]
fn letterhead_notice_preamble_and_distribution_are_not_tasks() {
    let p = plan_2022();
    for (_, _, t) in p.tasks() {
        for stray in [
            "现将《",
            "抄报",
            "抄送",
            "此件公开发布",
            "做好2022年",
            "4月26日印发",
        ] {
            assert!(
                !t.source_text.contains(stray),
                "{} contains {stray}",
                t.code
            );
        }
    }
}

#[test]
fn the_transcription_slip_stays_in_the_source_until_errata_apply() {
    let mut p = plan_2022();
    assert!(task(&p, "6.2.1").text.contains("规则 and 标准"));
    let errata = Errata::parse(include_str!("../../../seeds/2022-work-points.errata.toml"))
        .expect("errata parse");
    let applied = apply_errata(&mut p, &errata).expect("errata apply");
    assert_eq!(applied.len(), 1);
    let t = task(&p, "6.2.1");
    assert!(t.text.contains("规则和标准"));
    assert!(t.source_text.contains("规则 and 标准"));
}

#[test]
fn a_stale_erratum_is_refused_and_changes_nothing() {
    let mut p = plan_2022();
    let before = p.clone();
    let errata = Errata {
        errata: vec![
            Erratum {
                task: "6.2.1".into(),
                wrong: "规则 and 标准".into(),
                right: "规则和标准".into(),
                note: String::new(),
            },
            Erratum {
                task: "1.1.1".into(),
                wrong: "不存在的文字".into(),
                right: "x".into(),
                note: String::new(),
            },
        ],
    };
    assert!(matches!(
        apply_errata(&mut p, &errata),
        Err(ErrataError::NotFoundOnce { .. })
    ));
    assert_eq!(p, before);
    let missing = Errata {
        errata: vec![Erratum {
            task: "9.9.9".into(),
            wrong: "a".into(),
            right: "b".into(),
            note: String::new(),
        }],
    };
    assert!(matches!(
        apply_errata(&mut p, &missing),
        Err(ErrataError::NoSuchTask { .. })
    ));
}

#[test]
fn every_task_has_someone_responsible() {
    for (_, _, t) in plan_2022().tasks() {
        assert!(
            !t.leads.is_empty() || !t.co.is_empty() || t.unnamed_members,
            "{}",
            t.code
        );
        assert!(!t.text.is_empty(), "{}", t.code);
    }
}

/// The whole plan as a table, checked against a reviewed golden file: one line per task,
/// `code | leads | co | unnamed | text`.
#[test]
fn matches_the_reviewed_golden_table() {
    let p = plan_2022();
    let mut table = String::new();
    for (_, _, t) in p.tasks() {
        table.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            t.code,
            t.leads.join("、"),
            t.co.join("、"),
            if t.unnamed_members { "等" } else { "" },
            t.text
        ));
    }
    let golden = include_str!("../../../tests/fixtures/2022-tasks.tsv");
    if table != golden {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/target/2022-tasks.actual.tsv");
        let _ = std::fs::write(path, &table);
        panic!("parsed table differs from tests/fixtures/2022-tasks.tsv; actual written to {path}");
    }
}

const PROVINCIAL: &str = "\
# 上海市打击侵犯知识产权和制售假冒伪劣商品工作领导小组文件

沪打假发〔2022〕1号

## 关于印发《2022年上海市打击侵犯知识产权和制售假冒伪劣商品工作要点》的通知

各区打击侵权假冒工作领导小组:

现将工作要点印发给你们。

2022年5月20日

# 2022年上海市打击侵犯知识产权和制售假冒伪劣商品工作要点

根据《2022年全国打击侵犯知识产权和制售假冒伪劣商品工作要点》(打假发〔2022〕1号),结合本市实际,制定本要点。

一、深化重点领域治理

(一)开展互联网领域治理

1.以电商平台为重点，开展专项整治。（市市场监管局牵头，市公安局、市委网信办按职责分工负责）

2.查处网络侵权盗版行为。(市版权局负责)
";

#[test]
fn reads_a_provincial_plan() {
    let p = parse_plan(PROVINCIAL).expect("provincial plan parses");
    assert_eq!(
        p.issuer,
        "上海市打击侵犯知识产权和制售假冒伪劣商品工作领导小组"
    );
    assert_eq!(p.doc_number.as_deref(), Some("沪打假发〔2022〕1号"));
    assert_eq!(p.issued_on, NaiveDate::from_ymd_opt(2022, 5, 20));
    assert!(p.preamble.contains("打假发〔2022〕1号"));
    let t = &p.sections[0].subsections[0].tasks;
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].text, "以电商平台为重点，开展专项整治。");
    assert_eq!(t[0].leads, ["市市场监管局"]);
    assert_eq!(t[0].co, ["市公安局", "市委网信办"]);
    assert_eq!(t[1].leads, ["市版权局"]);
    assert_eq!(p.sections[0].subsections[0].title, "开展互联网领域治理");
}

const RUN_IN: &str = "\
2020年全国打击侵犯知识产权和制售假冒伪劣商品工作要点

做好2020年工作,要坚持稳中求进。

一、深化重点领域治理

(一)加强互联网领域治理。开展打击网络侵权假冒专项行动。(市场监管总局牵头,中央网信办、公安部按职责分工负责)开展“剑网2020”专项行动(中央宣传部、公安部按职责分工分别负责)。强化寄递渠道治理,落实

实名收寄制度(邮政局负责)。

(二)加强农村市场治理。开展农资打假专项行动(农业农村部牵头,领导小组有关成员单位按职责分工负责)。
";

#[test]
fn reads_the_run_in_layout() {
    let p = parse_plan(RUN_IN).expect("run-in plan parses");
    assert_eq!(p.issuer, NATIONAL_ISSUER);
    assert_eq!(p.doc_number, None);
    assert_eq!(p.issued_on, None);
    assert_eq!(p.year, 2020);
    let s = &p.sections[0].subsections;
    assert_eq!(s[0].title, "加强互联网领域治理");
    let codes: Vec<&str> = s[0].tasks.iter().map(|t| t.code.as_str()).collect();
    assert_eq!(codes, ["1.1.1", "1.1.2", "1.1.3"]);
    assert_eq!(s[0].tasks[0].text, "开展打击网络侵权假冒专项行动。");
    assert_eq!(s[0].tasks[0].leads, ["市场监管总局"]);
    assert_eq!(s[0].tasks[1].text, "开展“剑网2020”专项行动");
    assert!(s[0].tasks[1].leads.is_empty());
    assert_eq!(s[0].tasks[1].co, ["中央宣传部", "公安部"]);
    assert_eq!(s[0].tasks[2].text, "强化寄递渠道治理,落实实名收寄制度");
    assert_eq!(s[0].tasks[2].line, 7);
    assert_eq!(s[1].tasks.len(), 1);
    assert!(s[1].tasks[0].unnamed_members);
}

fn parse_err(text: &str) -> ParseError {
    parse_plan(text).expect_err("should be refused")
}

const HEAD: &str = "2022年全国打击侵犯知识产权和制售假冒伪劣商品工作要点\n\n";

#[test]
fn hostile_inputs_are_refused_with_a_line() {
    assert_eq!(parse_err("").line, 1);
    assert_eq!(parse_err("   \n\n").message, "文档为空");
    assert!(parse_err("随便一段文字").message.contains("未找到任何部分"));
    assert!(
        parse_err("一、部分\n(一)小节\n1. 任务(公安部负责)")
            .message
            .contains("文件标题")
    );

    let e = parse_err(&format!("{HEAD}一、甲\n(一)乙\n1. 没有括号的任务。\n"));
    assert_eq!((e.line, e.message.contains("责任单位")), (5, true));

    let e = parse_err(&format!(
        "{HEAD}一、甲\n(一)乙\n1. 任务一(公安部负责)\n3. 任务三(公安部负责)\n"
    ));
    assert_eq!(e.line, 6);
    assert!(e.message.contains("应为“2.”"));

    let e = parse_err(&format!(
        "{HEAD}一、甲\n(一)乙\n1. 任务(公安部负责)\n三、丙\n"
    ));
    assert_eq!(e.line, 6);
    assert!(e.message.contains("二、"));

    let e = parse_err(&format!("{HEAD}一、甲\n1. 任务(公安部负责)\n"));
    assert_eq!(e.line, 4);

    let e = parse_err(&format!(
        "{HEAD}一、甲\n(一)乙\n(二)丙\n1. 任务(公安部负责)\n"
    ));
    assert_eq!(e.line, 4);
    assert!(e.message.contains("没有任何任务"));

    let e = parse_err(&format!(
        "{HEAD}一、甲\n(一)乙\n1. 任务(公安部负责)\n\n又一段文字。\n"
    ));
    assert_eq!(e.line, 7);

    let e = parse_err(&format!(
        "{HEAD}一、甲\n(一)乙。做某事(公安部负责)。之后的文字\n"
    ));
    assert_eq!(e.line, 4);

    let e = parse_err(&format!("{HEAD}一、甲\n(一)乙\n1. (公安部负责)\n"));
    assert!(e.message.contains("没有任务内容"));

    let e = parse_err(&format!(
        "{HEAD}一、甲\n(一)乙\n1. 任务(公安部、、海关总署负责)\n"
    ));
    assert_eq!(e.line, 5);

    let e = parse_err(
        "# 甲文件\n2022年2月30日\n2022年全国工作要点\n一、甲\n(一)乙\n1. 任务(公安部负责)\n",
    );
    assert_eq!(e.line, 2);
    assert!(e.message.contains("日期"));
}

#[test]
fn ascii_and_full_width_punctuation_are_equivalent() {
    let ascii = parse_plan(&format!(
        "{HEAD}一、甲\n(一)乙\n1. 任务(公安部牵头,海关总署按职责分工负责)\n"
    ))
    .unwrap();
    let wide = parse_plan(&format!(
        "{HEAD}一、甲\n（一）乙\n1．任务（公安部牵头，海关总署按职责分工负责）\n"
    ))
    .unwrap();
    let (a, w) = (
        &ascii.sections[0].subsections[0].tasks[0],
        &wide.sections[0].subsections[0].tasks[0],
    );
    assert_eq!((&a.leads, &a.co), (&w.leads, &w.co));
    assert_eq!(wide.sections[0].subsections[0].title, "乙");
}

#[test]
fn a_decimal_at_line_start_is_not_an_item() {
    let p = parse_plan(&format!(
        "{HEAD}一、甲\n(一)乙\n1. 投入\n\n1.5亿元用于整治(公安部负责)\n"
    ))
    .unwrap();
    let t = &p.sections[0].subsections[0].tasks;
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].text, "投入1.5亿元用于整治");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_arbitrary_text(s in "\\PC{0,400}") {
        let _ = parse_plan(&s);
    }

    #[test]
    fn never_panics_on_plan_like_text(
        lines in prop::collection::vec(
            prop::sample::select(vec![
                "一、甲", "二、乙", "(一)丙", "（二）丁。戊(公安部负责)", "1. 任务(公安部负责)",
                "2. 任务(", "3.", ")", "(领导小组有关成员单位按职责分工负责)", "#", "**", "---",
                "2022年全国工作要点", "打假发〔2022〕1号", "2022年4月26日印发", "抄送:", "", "  ",
                "等)", "(试", "行)", "\u{feff}", "2022年13月1日",
            ]),
            0..40,
        )
    ) {
        let _ = parse_plan(&lines.join("\n"));
    }
}

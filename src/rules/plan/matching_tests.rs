use super::*;
use crate::rules::plan::parse_plan;

const SEED_2022: &str = include_str!("../../../seeds/2022-work-points.md");

fn plan_items() -> Vec<Item> {
    items_of(&parse_plan(SEED_2022).expect("the 2022 plan parses"))
}

/// An item as an office rewords it the next year, one of four ways by `i`: the year moved on;
/// a clause cut; 进一步 put in front; 开展 become 深入推进 (or 持续 put in front).
fn reworded(i: usize, text: &str) -> String {
    let moved = text.replace("2022", "2023").replace("二〇二二", "二〇二三");
    match i % 4 {
        0 => moved,
        1 => match moved.rfind('，') {
            Some(at) if at > moved.len() / 2 => format!("{}。", &moved[..at]),
            _ => format!("{moved}，确保取得实效。"),
        },
        2 => format!("进一步{moved}"),
        _ if moved.contains("开展") => moved.replacen("开展", "深入推进", 1),
        _ => format!("持续{moved}"),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[test]
fn different_items_of_the_2022_plan_are_not_alike() {
    let items = plan_items();
    assert_eq!(items.len(), 91);
    let mut nearest = Vec::new();
    let mut worst = (0.0, String::new(), String::new());
    for a in &items {
        let (mut best, mut who) = (0.0, String::new());
        for b in items.iter().filter(|b| b.code != a.code) {
            let s = similarity(&a.text, &b.text);
            if s > best {
                (best, who) = (s, b.code.clone());
            }
        }
        if best > worst.0 {
            worst = (best, a.code.clone(), who);
        }
        nearest.push(best);
    }
    println!(
        "2022 plan: nearest other item at most {:.2} ({} and {}), median {:.2}",
        worst.0,
        worst.1,
        worst.2,
        median(nearest)
    );
    assert!(worst.0 < MATCH_MIN, "{worst:?}");
}

#[test]
fn the_2022_plan_reworded_is_matched_item_by_item() {
    let before = plan_items();
    let after: Vec<Item> = before
        .iter()
        .enumerate()
        .map(|(i, it)| Item {
            text: reworded(i, &it.text),
            ..it.clone()
        })
        .collect();
    let m = match_plans(&before, &after);
    let mut least = 1.0f64;
    for (p, it) in m.items.iter().zip(&before) {
        assert_eq!(p.previous.as_deref(), Some(it.code.as_str()), "{p:?}");
        least = least.min(p.similarity.unwrap());
    }
    println!(
        "reworded: every item found again, the least alike at {least:.2}; {} continued, {} changed",
        m.count(Label::Continued),
        m.count(Label::Changed)
    );
    assert!(m.dropped.is_empty());
    assert!(least >= MATCH_MIN);
    // The year moved on alone: continued; reworded: changed.
    for (i, p) in m.items.iter().enumerate() {
        let want = if i % 4 == 0 {
            Label::Continued
        } else {
            Label::Changed
        };
        assert_eq!(p.label, want, "{i}: {p:?}");
    }
}

#[test]
fn the_2022_plan_against_itself_continues_every_item() {
    let items = plan_items();
    let m = match_plans(&items, &items);
    assert_eq!(m.count(Label::Continued), 91);
    assert!(
        m.items
            .iter()
            .all(|p| p.previous.as_deref() == Some(p.code.as_str()) && p.similarity == Some(1.0))
    );
}

/// A synthetic next year: items kept word for word, items reworded, items with other units,
/// items dropped, items new; every label as it must be.
#[test]
fn a_synthetic_next_year_gets_every_label_right() {
    let before = plan_items();
    let mut after = Vec::new();
    let mut expected = Vec::new();
    for (i, it) in before.iter().enumerate() {
        let code = format!("n{i}");
        match i % 6 {
            // Dropped.
            0 => continue,
            // Word for word, the year moved on: continued.
            1 => {
                after.push(Item {
                    code: code.clone(),
                    text: it.text.replace("2022", "2023"),
                    units: it.units.clone(),
                });
                expected.push((code, Some(it.code.clone()), Label::Continued));
            }
            // Reworded: changed.
            2 => {
                after.push(Item {
                    code: code.clone(),
                    text: format!("进一步{}，确保取得实效", it.text),
                    units: it.units.clone(),
                });
                expected.push((code, Some(it.code.clone()), Label::Changed));
            }
            // The same words, another lead: changed.
            3 => {
                let mut units = it.units.clone();
                units.insert(0, "新设牵头单位".into());
                after.push(Item {
                    code: code.clone(),
                    text: it.text.clone(),
                    units,
                });
                expected.push((code, Some(it.code.clone()), Label::Changed));
            }
            _ => {
                after.push(Item {
                    code: code.clone(),
                    text: it.text.clone(),
                    units: it.units.clone(),
                });
                expected.push((code, Some(it.code.clone()), Label::Continued));
            }
        }
    }
    for (i, text) in [
        "建立健全数据知识产权保护规则，探索开展数据知识产权登记试点。",
        "加强人工智能生成内容的版权保护研究，完善相关监管规则。",
        "开展跨境电商平台知识产权合规指引编制工作。",
    ]
    .iter()
    .enumerate()
    {
        let code = format!("new{i}");
        after.push(Item {
            code: code.clone(),
            text: text.to_string(),
            units: vec!["知识产权局".into()],
        });
        expected.push((code, None, Label::New));
    }
    let m = match_plans(&before, &after);
    for ((code, previous, label), p) in expected.iter().zip(&m.items) {
        assert_eq!(&p.code, code);
        assert_eq!((&p.previous, p.label), (previous, *label), "{p:?}");
    }
    let dropped: Vec<String> = before
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 6 == 0)
        .map(|(_, it)| it.code.clone())
        .collect();
    assert_eq!(m.dropped, dropped);
    println!(
        "synthetic year: {} continued, {} changed, {} new, {} dropped",
        m.count(Label::Continued),
        m.count(Label::Changed),
        m.count(Label::New),
        m.count(Label::Dropped)
    );
}

#[test]
fn likeness_reads_letters_and_reads_every_digit_alike() {
    assert_eq!(
        similarity("开展“剑网2022”专项行动。", "开展剑网2023专项行动"),
        1.0
    );
    assert_eq!(similarity("", ""), 1.0);
    assert_eq!(similarity("打击侵权", "保障民生"), 0.0);
    assert_eq!(
        units_overlap(&["公安部".into()], &["公安部".into(), "海关总署".into()]),
        0.5
    );
}

#[test]
fn each_item_is_taken_once_the_most_alike_first() {
    let it = |code: &str, text: &str| Item {
        code: code.into(),
        text: text.into(),
        units: vec![],
    };
    let before = [
        it("a", "加大食品药品违法犯罪打击力度"),
        it("b", "加大农资违法犯罪打击力度"),
    ];
    let after = [
        it("x", "加大农资违法犯罪打击力度"),
        it("y", "加大食品药品违法犯罪打击力度"),
        it("z", "加大食品药品违法犯罪打击力度，严惩违法行为"),
    ];
    let m = match_plans(&before, &after);
    let got: Vec<_> = m
        .items
        .iter()
        .map(|p| (p.previous.clone(), p.label))
        .collect();
    assert_eq!(
        got,
        [
            (Some("b".into()), Label::Continued),
            (Some("a".into()), Label::Continued),
            (None, Label::New),
        ]
    );
}

//! 责任分工: reading an item's closing parenthetical into lead and co-responsible units.
//!
//! | wording                                   | meaning                                  |
//! |-------------------------------------------|------------------------------------------|
//! | `X负责`                                    | X is solely responsible: the lead        |
//! | `X牵头,Y、Z按职责分工负责`                  | X leads; Y, Z co-responsible             |
//! | `X、Y(分别)牵头,……`                         | several leads                            |
//! | `X、Y、Z按职责分工(分别)负责`                | no lead; all co-responsible              |
//! | `领导小组(有关)成员单位`, `等`, `X及……`       | further unnamed member units             |

use super::text::normalize;
use serde::Serialize;

/// The units named in one parenthetical, in document order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Responsibility {
    pub leads: Vec<String>,
    pub co: Vec<String>,
    pub unnamed_members: bool,
}

/// Phrases that stand for member units the document does not name.
const UNNAMED_PHRASES: &[&str] = &[
    "领导小组有关成员单位",
    "领导小组其他成员单位",
    "领导小组成员单位",
    "领导小组各成员单位",
    "有关成员单位",
    "其他成员单位",
    "各成员单位",
    "成员单位",
    "有关部门",
    "有关单位",
];

/// Clause endings, longest first, and whether they make the clause's units leads.
const CLAUSE_ENDINGS: &[(&str, bool)] = &[
    ("分别牵头", true),
    ("共同牵头", true),
    ("牵头", true),
    ("按职责分工分别负责", false),
    ("按照职责分工负责", false),
    ("按职责分工负责", false),
    ("按职责负责", false),
    ("分别负责", true),
    ("共同负责", true),
    ("负责", true),
];

const MAX_UNIT_CHARS: usize = 40;

/// Reads the inside of a parenthetical (without the brackets). `None` when it is not a
/// statement of responsibility (e.g. `试行`, `含微商、微店等`) or names nobody.
pub fn parse_responsibility(inner: &str) -> Option<Responsibility> {
    let s: String = normalize(inner)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !(s.ends_with("负责") || s.ends_with("牵头")) {
        return None;
    }
    let mut r = Responsibility::default();
    for clause in s.split([',', ';', '。']).filter(|c| !c.is_empty()) {
        let (names, lead) = CLAUSE_ENDINGS
            .iter()
            .find_map(|(end, lead)| clause.strip_suffix(end).map(|n| (n, *lead)))?;
        let target_is_lead = lead;
        for name in read_unit_list(names, &mut r.unnamed_members)? {
            let known = r.leads.contains(&name) || r.co.contains(&name);
            if known {
                continue;
            }
            if target_is_lead {
                r.leads.push(name);
            } else {
                r.co.push(name);
            }
        }
    }
    if r.leads.is_empty() && r.co.is_empty() && !r.unnamed_members {
        return None;
    }
    Some(r)
}

/// `X、Y、Z等` / `X及领导小组有关成员单位` → named units; sets `unnamed` where others are implied.
fn read_unit_list(list: &str, unnamed: &mut bool) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for token in list.split('、') {
        let mut t = token;
        if let Some(rest) = UNNAMED_PHRASES.iter().find_map(|p| t.strip_suffix(p)) {
            *unnamed = true;
            t = rest;
            for joint in ["及", "和", "与", "等"] {
                t = t.strip_suffix(joint).unwrap_or(t);
            }
        }
        if let Some(rest) = t.strip_suffix('等') {
            *unnamed = true;
            t = rest;
        }
        if t.is_empty() {
            // `领导小组有关成员单位` alone is fine; an empty name between `、` is not.
            if *unnamed && token != t {
                continue;
            }
            return None;
        }
        if t.chars().count() > MAX_UNIT_CHARS || t.contains(['(', ')', '《', '》', '“', '”'])
        {
            return None;
        }
        out.push(t.to_string());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(leads: &[&str], co: &[&str], unnamed: bool) -> Option<Responsibility> {
        Some(Responsibility {
            leads: leads.iter().map(|s| s.to_string()).collect(),
            co: co.iter().map(|s| s.to_string()).collect(),
            unnamed_members: unnamed,
        })
    }

    #[test]
    fn sole_responsibility_is_a_lead() {
        assert_eq!(
            parse_responsibility("药监局负责"),
            r(&["药监局"], &[], false)
        );
    }

    #[test]
    fn lead_and_co() {
        assert_eq!(
            parse_responsibility("中央网信办牵头,中央宣传部、市场监管总局按职责分工负责"),
            r(&["中央网信办"], &["中央宣传部", "市场监管总局"], false)
        );
    }

    #[test]
    fn full_width_comma() {
        assert_eq!(
            parse_responsibility("中央网信办牵头，中央宣传部按职责分工负责"),
            r(&["中央网信办"], &["中央宣传部"], false)
        );
    }

    #[test]
    fn several_leads() {
        assert_eq!(
            parse_responsibility(
                "发展改革委、市场监管总局分别牵头,领导小组有关成员单位按职责分工负责"
            ),
            r(&["发展改革委", "市场监管总局"], &[], true)
        );
        assert_eq!(
            parse_responsibility("发展改革委、人民银行牵头,领导小组有关成员单位按职责分工负责"),
            r(&["发展改革委", "人民银行"], &[], true)
        );
    }

    #[test]
    fn shared_without_lead() {
        assert_eq!(
            parse_responsibility("中央宣传部、中央网信办、公安部、工业和信息化部按职责分工负责"),
            r(
                &[],
                &["中央宣传部", "中央网信办", "公安部", "工业和信息化部"],
                false
            )
        );
        assert_eq!(
            parse_responsibility("公安部、海关总署按职责分工分别负责"),
            r(&[], &["公安部", "海关总署"], false)
        );
    }

    #[test]
    fn unnamed_member_units() {
        assert_eq!(
            parse_responsibility("市场监管总局牵头,领导小组有关成员单位按职责分工负责"),
            r(&["市场监管总局"], &[], true)
        );
        assert_eq!(
            parse_responsibility("市场监管总局牵头,生态环境部等领导小组有关成员单位按职责分工负责"),
            r(&["市场监管总局"], &["生态环境部"], true)
        );
        assert_eq!(
            parse_responsibility("公安部、生态环境部等按职责分工负责"),
            r(&[], &["公安部", "生态环境部"], true)
        );
        assert_eq!(
            parse_responsibility("商务部牵头,海关总署、贸促会等领导小组成员单位按职责分工负责"),
            r(&["商务部"], &["海关总署", "贸促会"], true)
        );
        assert_eq!(
            parse_responsibility(
                "全国打击侵权假冒工作领导小组办公室及领导小组有关成员单位按职责分工负责"
            ),
            r(&[], &["全国打击侵权假冒工作领导小组办公室"], true)
        );
    }

    #[test]
    fn the_office_is_a_unit_not_an_unnamed_phrase() {
        assert_eq!(
            parse_responsibility(
                "全国打击侵权假冒工作领导小组办公室牵头,领导小组有关成员单位按职责分工负责"
            ),
            r(&["全国打击侵权假冒工作领导小组办公室"], &[], true)
        );
    }

    #[test]
    fn a_unit_named_twice_is_kept_once_in_its_first_role() {
        assert_eq!(
            parse_responsibility("公安部牵头,公安部、海关总署按职责分工负责"),
            r(&["公安部"], &["海关总署"], false)
        );
    }

    #[test]
    fn not_a_responsibility() {
        for s in [
            "试行",
            "含微商、微店等",
            "2021—2035年",
            "负责",
            "、负责",
            "公安部、、海关总署负责",
            "备案",
            "",
            ",,,",
        ] {
            assert_eq!(parse_responsibility(s), None, "{s}");
        }
    }
}

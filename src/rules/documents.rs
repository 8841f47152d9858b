//! 公文: the kinds of document the office issues, their numbers (发文字号) and the escalation
//! colour of a 催办单 (三色督办). Pure: the series, the drafting and the Word layout live in
//! `db::documents`, `rules::bulletin` and `formats::docx`.

use super::input::control_char;

/// A kind of document, each numbered in its own series per plan and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// 通报: how the work plan is going, drafted from an edition (第N期).
    Bulletin,
    /// 督办单: a task sent to its lead and co-responsible units.
    Supervision,
    /// 催办单: an urge sent to a late unit.
    Urge,
    /// 单位督办一览: one unit's tasks on one page.
    Brief,
}

impl DocKind {
    pub const ALL: [DocKind; 4] = [Self::Bulletin, Self::Supervision, Self::Urge, Self::Brief];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bulletin => "bulletin",
            Self::Supervision => "supervision",
            Self::Urge => "urge",
            Self::Brief => "brief",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Bulletin => "通报",
            Self::Supervision => "督办单",
            Self::Urge => "催办单",
            Self::Brief => "单位督办一览",
        }
    }

    /// The prefix a series has until the office sets its own.
    pub fn default_prefix(self) -> &'static str {
        match self {
            Self::Bulletin => "打假办通",
            Self::Supervision => "打假办督",
            Self::Urge => "打假办催",
            Self::Brief => "打假办览",
        }
    }
}

/// 发文字号: `打假办督〔2022〕3号` (GB/T 9704: the year in 六角括号, no leading zeros).
pub fn doc_number(prefix: &str, year: i32, number: i32) -> String {
    format!("{prefix}〔{year}〕{number}号")
}

/// The longest prefix a series may have.
pub const PREFIX_MAX: usize = 20;

/// A series prefix as the office typed it: trimmed, 1 to [`PREFIX_MAX`] characters, without
/// the brackets or digits the number itself adds at its end.
pub fn parse_prefix(raw: &str) -> Result<String, &'static str> {
    let p = raw.trim();
    if p.is_empty() {
        return Err("请填写发文字号的前缀，如“打假办督”。");
    }
    if p.chars().count() > PREFIX_MAX {
        return Err("前缀最多20个字。");
    }
    if control_char(p).is_some() {
        return Err("前缀中含有不可见的控制字符。");
    }
    if p.contains(['〔', '〕', '[', ']', '(', ')', '（', '）', '<', '>'])
        || p.chars().last().is_some_and(|c| c.is_ascii_digit())
    {
        return Err("前缀只写机关代字，年份“〔2022〕”和序号由系统添加。");
    }
    Ok(p.to_string())
}

/// 三色督办: how pressing a 催办单 is, by how many times the unit was urged for the same item
/// in the period (this urge counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Escalation {
    /// First urge: 蓝色督办.
    Blue,
    /// Second: 黄色督办.
    Yellow,
    /// Third and later: 红色督办.
    Red,
}

impl Escalation {
    /// `times`: the urges of this unit for this item in the period, this one included (0 reads
    /// as the first).
    pub fn of_times(times: u32) -> Escalation {
        match times {
            0 | 1 => Self::Blue,
            2 => Self::Yellow,
            _ => Self::Red,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Blue => "蓝色督办",
            Self::Yellow => "黄色督办",
            Self::Red => "红色督办",
        }
    }

    /// The colour of the document's mark and rule, as Word writes it (RRGGBB).
    pub fn hex(self) -> &'static str {
        match self {
            Self::Blue => "1F4E9E",
            Self::Yellow => "C98A00",
            Self::Red => "C00000",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_official_way() {
        assert_eq!(doc_number("打假办督", 2022, 3), "打假办督〔2022〕3号");
        assert_eq!(doc_number("打假办催", 2023, 12), "打假办催〔2023〕12号");
    }

    #[test]
    fn a_prefix_is_the_office_code_only() {
        assert_eq!(parse_prefix("  打假办督 ").unwrap(), "打假办督");
        assert!(parse_prefix("").is_err());
        assert!(parse_prefix("打假办督〔2022〕").is_err());
        assert!(parse_prefix("打假办2").is_err());
        assert!(parse_prefix(&"督".repeat(21)).is_err());
        assert!(parse_prefix("打假\u{0}办").is_err());
    }

    #[test]
    fn three_colours_by_times_urged() {
        assert_eq!(Escalation::of_times(1), Escalation::Blue);
        assert_eq!(Escalation::of_times(2), Escalation::Yellow);
        assert_eq!(Escalation::of_times(3), Escalation::Red);
        assert_eq!(Escalation::of_times(9), Escalation::Red);
        assert_eq!(Escalation::of_times(0), Escalation::Blue);
    }

    #[test]
    fn kinds_read_back_from_their_names() {
        for k in DocKind::ALL {
            assert_eq!(DocKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(DocKind::parse("memo"), None);
    }
}

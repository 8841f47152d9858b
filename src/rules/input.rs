//! What the edge accepts of typed input: text without control characters, and dates in a
//! range PostgreSQL and people both understand. PostgreSQL refuses U+0000 in text and
//! overflows on dates far outside its range, so both are refused before anything is written.

use chrono::{Datelike, NaiveDate};

/// A fault beside its field: `(field, message)` — shown beside the field on a page, as
/// `{error: {field, message}}` in the API.
pub type Fault = (&'static str, String);

/// The first control character of `s` that no form sends: C0 (U+0000–U+001F) except tab, CR
/// and LF, which text areas send, and DEL.
pub fn control_char(s: &str) -> Option<char> {
    s.chars()
        .find(|&c| (c < ' ' && !matches!(c, '\t' | '\r' | '\n')) || c == '\u{7f}')
}

/// Whether `s` has any control character at all, tab and line breaks included: for values
/// of one line (an address, a query parameter, a name).
pub fn has_any_control(s: &str) -> bool {
    s.chars().any(|c| c < ' ' || c == '\u{7f}')
}

/// The message for a text field `label` (工作进展及成效) holding a control character.
pub fn control_message(label: &str) -> String {
    format!("{label}中含有不可见的控制字符（如 NUL），请删除后重新填写")
}

/// `Err(message)` when the text `label` holds a control character.
pub fn check_text(label: &str, s: &str) -> Result<(), String> {
    match control_char(s) {
        Some(_) => Err(control_message(label)),
        None => Ok(()),
    }
}

/// Years a typed date may have: the office's work lies well within them, and PostgreSQL and
/// chrono store every date between them.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// A date typed `YYYY-MM-DD`, in [`YEARS`]; anything else is no date (a year of five digits,
/// a sign, year 0, 2022-02-30).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    // chrono reads a signed year (`+99999-12-31`, `-5000-01-01`); no person types one.
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|d| YEARS.contains(&d.year()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_but_tab_and_line_breaks() {
        assert_eq!(control_char("a\u{0}b"), Some('\u{0}'));
        assert_eq!(control_char("a\u{7}b"), Some('\u{7}'));
        assert_eq!(control_char("a\u{1b}b"), Some('\u{1b}'));
        assert_eq!(control_char("a\u{7f}b"), Some('\u{7f}'));
        assert_eq!(control_char("第一行\r\n第二行\t完"), None);
        assert!(has_any_control("a\nb"));
        assert!(!has_any_control("剑网 2022"));
        assert!(
            check_text("办结说明", "完成\u{0}")
                .unwrap_err()
                .contains("办结说明")
        );
    }

    #[test]
    fn dates_in_range_only() {
        assert_eq!(
            parse_date(" 2022-07-01 "),
            NaiveDate::from_ymd_opt(2022, 7, 1)
        );
        assert_eq!(
            parse_date("1900-01-01"),
            NaiveDate::from_ymd_opt(1900, 1, 1)
        );
        assert_eq!(
            parse_date("9999-12-31"),
            NaiveDate::from_ymd_opt(9999, 12, 31)
        );
        for bad in [
            "",
            "-5000-01-01",
            "+99999-12-31",
            "99999-12-31",
            "0000-01-01",
            "1899-12-31",
            "2022-02-30",
            "20220701",
            "明天",
            "2022-07-01\u{0}",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}

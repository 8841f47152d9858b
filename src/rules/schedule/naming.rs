//! One way of naming a period and a date in what users read: a period is its label
//! (`2022年第三季度`), never its key (`2022-Q3`, kept for URLs, forms, the API and files'
//! machine columns); a date in prose is `2022年10月10日`.

use super::period::Period;
use chrono::NaiveDate;

/// A period's label from its key (`2022-Q3` → `2022年第三季度`); what was given, when it names
/// no period (an old or foreign value is shown as it is rather than lost).
pub fn period_label(key: &str) -> String {
    Period::parse(key, 0).map_or_else(|| key.to_string(), |(_, p)| p.label)
}

/// `2022年10月10日`.
pub fn prose_date(d: NaiveDate) -> String {
    super::deadline::cn_date(d)
}

/// A point named by a period key or an ISO date (`2022-Q3`, `2022-10-20`), in words.
pub fn point_label(s: &str) -> String {
    match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        Ok(d) => prose_date(d),
        Err(_) => period_label(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_labels() {
        assert_eq!(period_label("2022-Q3"), "2022年第三季度");
        assert_eq!(period_label("2022-H1"), "2022年上半年");
        assert_eq!(period_label("2022-07"), "2022年7月");
        assert_eq!(period_label("其他"), "其他");
        assert_eq!(period_label(""), "");
        assert_eq!(point_label("2022-10-20"), "2022年10月20日");
        assert_eq!(point_label("2022-Q4"), "2022年第四季度");
        assert_eq!(
            prose_date(NaiveDate::from_ymd_opt(2022, 1, 5).unwrap()),
            "2022年1月5日"
        );
    }
}

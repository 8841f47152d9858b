//! 任务分解: an item's milestones — each owned by one of the item's units, with a stated output
//! (成果) and a date — what is typed for one, and the item's progress as the weighted share of
//! its milestones done (weights 1 by default). Pure: the day is passed in.

use super::input::{Fault, control_char};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest output, in characters.
pub const OUTPUT_MAX: usize = 500;
/// The heaviest weight.
pub const WEIGHT_MAX: i32 = 100;

/// A milestone as the task and its lights carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneBrief {
    pub id: i64,
    pub unit_id: i64,
    pub output: String,
    pub due: NaiveDate,
    pub weight: i32,
    /// The day it was done; `None` while open.
    pub done_on: Option<NaiveDate>,
}

impl MilestoneBrief {
    /// Done by `day`.
    pub fn done_by(&self, day: NaiveDate) -> bool {
        self.done_on.is_some_and(|d| d <= day)
    }
}

/// The weighted share of the milestones done by `day`, in percent (rounded down); `None`
/// where the item has none.
pub fn progress(milestones: &[MilestoneBrief], day: NaiveDate) -> Option<u32> {
    let total: i64 = milestones.iter().map(|m| i64::from(m.weight.max(1))).sum();
    if total == 0 {
        return None;
    }
    let done: i64 = milestones
        .iter()
        .filter(|m| m.done_by(day))
        .map(|m| i64::from(m.weight.max(1)))
        .sum();
    Some((done * 100 / total) as u32)
}

/// The output as typed: 1 to [`OUTPUT_MAX`] characters, no control characters.
pub fn parse_output(raw: &str) -> Result<String, Fault> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(("output", "请填写预期成果".into()));
    }
    if t.chars().count() > OUTPUT_MAX {
        return Err(("output", format!("预期成果不能超过{OUTPUT_MAX}字")));
    }
    if control_char(t).is_some() {
        return Err(("output", "预期成果中含有不可见的控制字符".into()));
    }
    Ok(t.to_string())
}

/// The date as typed, `YYYY-MM-DD`, within the plan's year and the next (work carried into
/// January is usual; anything further is a slip).
pub fn parse_due(raw: &str, plan_year: i32) -> Result<NaiveDate, Fault> {
    let d = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| ("due", "完成时间格式应为 YYYY-MM-DD".to_string()))?;
    let year = chrono::Datelike::year(&d);
    if year < plan_year || year > plan_year + 1 {
        return Err((
            "due",
            format!("完成时间应在{plan_year}年或{}年内", plan_year + 1),
        ));
    }
    Ok(d)
}

/// The weight as typed: blank for 1, else a whole number from 1 to [`WEIGHT_MAX`].
pub fn parse_weight(raw: &str) -> Result<i32, Fault> {
    match raw.trim() {
        "" => Ok(1),
        t => t
            .parse::<i32>()
            .ok()
            .filter(|w| (1..=WEIGHT_MAX).contains(w))
            .ok_or(("weight", format!("权重应为 1 至 {WEIGHT_MAX} 的整数"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixtures::d;

    fn m(weight: i32, done_on: Option<NaiveDate>) -> MilestoneBrief {
        MilestoneBrief {
            id: 1,
            unit_id: 7,
            output: "完成调研".into(),
            due: d(2022, 6, 30),
            weight,
            done_on,
        }
    }

    #[test]
    fn progress_is_the_weighted_share_done_by_the_day() {
        assert_eq!(progress(&[], d(2022, 7, 1)), None);
        let ms = [
            m(1, Some(d(2022, 6, 1))),
            m(1, None),
            m(2, Some(d(2022, 8, 1))),
        ];
        assert_eq!(progress(&ms, d(2022, 7, 1)), Some(25));
        assert_eq!(progress(&ms, d(2022, 8, 1)), Some(75));
        let equal = [m(1, Some(d(2022, 6, 1))), m(1, None), m(1, None)];
        assert_eq!(progress(&equal, d(2022, 7, 1)), Some(33));
    }

    #[test]
    fn what_is_typed_is_refused_beside_its_field() {
        assert_eq!(parse_output("  形成专项报告 ").unwrap(), "形成专项报告");
        assert_eq!(parse_output(" ").unwrap_err().0, "output");
        assert!(parse_output(&"长".repeat(501)).is_err());
        assert!(parse_output("a\u{0}b").is_err());
        assert_eq!(parse_due("2022-09-30", 2022).unwrap(), d(2022, 9, 30));
        assert_eq!(parse_due("2023-01-31", 2022).unwrap(), d(2023, 1, 31));
        assert!(parse_due("2024-01-01", 2022).is_err());
        assert!(parse_due("2022-02-30", 2022).is_err());
        assert_eq!(parse_weight("").unwrap(), 1);
        assert_eq!(parse_weight("3").unwrap(), 3);
        for bad in ["0", "101", "1.5", "一"] {
            assert_eq!(parse_weight(bad).unwrap_err().0, "weight", "{bad}");
        }
    }
}

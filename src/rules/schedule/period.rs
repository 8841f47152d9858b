//! 报送周期 and the reporting periods it cuts a year into, e.g. `2022-Q2` (2022年第二季度),
//! due `due_days` after the period ends.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize, utoipa::ToSchema,
)]
#[sqlx(type_name = "report_cycle", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Cycle {
    Monthly,
    Quarterly,
    HalfYearly,
    /// 不定期报送: no periodic report.
    None,
}

impl Cycle {
    pub fn parse(s: &str) -> Option<Cycle> {
        match s.trim() {
            "monthly" => Some(Cycle::Monthly),
            "quarterly" => Some(Cycle::Quarterly),
            "half_yearly" => Some(Cycle::HalfYearly),
            "none" => Some(Cycle::None),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Cycle::Monthly => "monthly",
            Cycle::Quarterly => "quarterly",
            Cycle::HalfYearly => "half_yearly",
            Cycle::None => "none",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Cycle::Monthly => "每月报送",
            Cycle::Quarterly => "每季度报送",
            Cycle::HalfYearly => "每半年报送",
            Cycle::None => "不定期报送",
        }
    }

    fn months(self) -> Option<u32> {
        match self {
            Cycle::Monthly => Some(1),
            Cycle::Quarterly => Some(3),
            Cycle::HalfYearly => Some(6),
            Cycle::None => None,
        }
    }
}

/// One reporting period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// `2022-Q2`, `2022-H1` or `2022-07`.
    pub key: String,
    /// `2022年第二季度`, `2022年上半年`, `2022年7月`.
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub due: NaiveDate,
}

const QUARTERS: [&str; 4] = ["一", "二", "三", "四"];

impl Period {
    /// The period of `cycle` that contains `date`.
    pub fn containing(cycle: Cycle, date: NaiveDate, due_days: u32) -> Option<Period> {
        let months = cycle.months()?;
        let index = (date.month0()) / months;
        let start = NaiveDate::from_ymd_opt(date.year(), index * months + 1, 1)?;
        let next = start.checked_add_months(chrono::Months::new(months))?;
        let end = next.pred_opt()?;
        let y = date.year();
        let (key, label) = match cycle {
            Cycle::Monthly => (
                format!("{y}-{:02}", index + 1),
                format!("{y}年{}月", index + 1),
            ),
            Cycle::Quarterly => (
                format!("{y}-Q{}", index + 1),
                format!("{y}年第{}季度", QUARTERS[index as usize]),
            ),
            Cycle::HalfYearly => (
                format!("{y}-H{}", index + 1),
                format!("{y}年{}", if index == 0 { "上半年" } else { "下半年" }),
            ),
            Cycle::None => return None,
        };
        Some(Period {
            key,
            label,
            start,
            end,
            due: end.checked_add_days(Days::new(due_days.into()))?,
        })
    }

    /// Reads `2022-Q2`, `2022-H1` or `2022-07` back into its period and cycle.
    pub fn parse(key: &str, due_days: u32) -> Option<(Cycle, Period)> {
        let (y, rest) = key.trim().split_once('-')?;
        let year: i32 = y.parse().ok().filter(|y| (1990..=2200).contains(y))?;
        let (cycle, month) = if let Some(q) = rest.strip_prefix('Q') {
            let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            (Cycle::Quarterly, (q - 1) * 3 + 1)
        } else if let Some(h) = rest.strip_prefix('H') {
            let h: u32 = h.parse().ok().filter(|h| (1..=2).contains(h))?;
            (Cycle::HalfYearly, (h - 1) * 6 + 1)
        } else {
            if rest.len() != 2 {
                return None;
            }
            let m: u32 = rest.parse().ok().filter(|m| (1..=12).contains(m))?;
            (Cycle::Monthly, m)
        };
        let p = Period::containing(cycle, NaiveDate::from_ymd_opt(year, month, 1)?, due_days)?;
        (p.key == key.trim()).then_some((cycle, p))
    }
}

/// The periods of `cycle` that overlap `[from, to]`, in order.
pub fn periods_between(cycle: Cycle, from: NaiveDate, to: NaiveDate, due_days: u32) -> Vec<Period> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= to && out.len() < 1200 {
        let Some(p) = Period::containing(cycle, day, due_days) else {
            break;
        };
        let Some(next) = p.end.succ_opt() else {
            out.push(p);
            break;
        };
        out.push(p);
        day = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn quarters_are_due_ten_days_after_they_end() {
        let p = Period::containing(Cycle::Quarterly, d(2022, 5, 15), 10).unwrap();
        assert_eq!(p.key, "2022-Q2");
        assert_eq!(p.label, "2022年第二季度");
        assert_eq!(
            (p.start, p.end, p.due),
            (d(2022, 4, 1), d(2022, 6, 30), d(2022, 7, 10))
        );
    }

    #[test]
    fn months_and_halves() {
        let m = Period::containing(Cycle::Monthly, d(2022, 2, 10), 5).unwrap();
        assert_eq!(
            (m.key.as_str(), m.label.as_str(), m.end, m.due),
            ("2022-02", "2022年2月", d(2022, 2, 28), d(2022, 3, 5))
        );
        let h = Period::containing(Cycle::HalfYearly, d(2022, 12, 31), 10).unwrap();
        assert_eq!(
            (h.key.as_str(), h.label.as_str(), h.start, h.due),
            ("2022-H2", "2022年下半年", d(2022, 7, 1), d(2023, 1, 10))
        );
        assert!(Period::containing(Cycle::None, d(2022, 1, 1), 10).is_none());
    }

    #[test]
    fn keys_parse_back() {
        for key in ["2022-Q1", "2022-Q4", "2022-H2", "2022-07", "2022-12"] {
            assert_eq!(Period::parse(key, 10).unwrap().1.key, key);
        }
        for bad in [
            "2022-Q5", "2022-H3", "2022-13", "2022-7", "22-Q1", "2022Q1", "", "2022-Q", "abcd-Q1",
        ] {
            assert!(Period::parse(bad, 10).is_none(), "{bad}");
        }
    }

    #[test]
    fn periods_between_dates() {
        let ps = periods_between(Cycle::Quarterly, d(2022, 4, 25), d(2022, 12, 31), 10);
        let keys: Vec<&str> = ps.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["2022-Q2", "2022-Q3", "2022-Q4"]);
        assert_eq!(
            periods_between(Cycle::Monthly, d(2022, 1, 1), d(2022, 12, 31), 10).len(),
            12
        );
        assert!(periods_between(Cycle::None, d(2022, 1, 1), d(2022, 12, 31), 10).is_empty());
        assert!(periods_between(Cycle::Monthly, d(2022, 5, 1), d(2022, 4, 1), 10).is_empty());
    }
}

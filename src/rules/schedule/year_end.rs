//! A plan's year is over (工作要点年度已结束): on a first start years after the plan, every
//! task is red by today's date, and the pages say why and where to see the year as it ended.

use chrono::{Datelike, NaiveDate};

/// The plan year's last day, when `today` lies in a later year; `None` within the year or before.
pub fn year_over(plan_year: i32, today: NaiveDate) -> Option<NaiveDate> {
    if today.year() > plan_year {
        NaiveDate::from_ymd_opt(plan_year, 12, 31)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn over_only_in_a_later_year() {
        assert_eq!(year_over(2022, d(2022, 12, 31)), None);
        assert_eq!(year_over(2022, d(2022, 1, 1)), None);
        assert_eq!(year_over(2022, d(2021, 12, 31)), None);
        assert_eq!(year_over(2022, d(2023, 1, 1)), Some(d(2022, 12, 31)));
        assert_eq!(year_over(2022, d(2026, 12, 2)), Some(d(2022, 12, 31)));
    }
}

//! 本期: the period in focus on a day, the one the office chases and liaisons report on.
//!
//! The rule: the latest period whose due date has passed, except that from
//! [`FOCUS_LEAD_DAYS`] days before the next due date the period about to be due takes over.
//! Before any period has come due it is the first one. On 2022-10-20 with quarters due ten
//! days after they end, that is 2022年第三季度 (due 10-10), not the open fourth quarter; from
//! 2023-01-03 it is the fourth quarter (due 01-10).

use super::{Cycle, Period, periods_between};
use chrono::{Days, NaiveDate};

/// How many days before a due date the period about to be due becomes the one in focus.
pub const FOCUS_LEAD_DAYS: u64 = 7;

/// The period in focus on `today` among `periods` (any order), by the rule above; `None`
/// when there are none.
pub fn in_focus(periods: &[Period], today: NaiveDate) -> Option<&Period> {
    let mut by_due: Vec<&Period> = periods.iter().collect();
    by_due.sort_by_key(|p| (p.due, p.start));
    let horizon = today.checked_add_days(Days::new(FOCUS_LEAD_DAYS))?;
    let coming = by_due.iter().find(|p| p.due >= today && p.due <= horizon);
    let passed = by_due.iter().rev().find(|p| p.due < today);
    coming.or(passed).or(by_due.first()).copied()
}

/// The period in focus of `cycle` on `today`, among the periods of the plan's `year` (the
/// last of which falls due in the next January).
pub fn focus_of_cycle(cycle: Cycle, year: i32, due_days: u32, today: NaiveDate) -> Option<Period> {
    let start = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31)?;
    let periods = periods_between(cycle, start, end, due_days);
    in_focus(&periods, today).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn quarter(today: NaiveDate) -> String {
        focus_of_cycle(Cycle::Quarterly, 2022, 10, today)
            .map(|p| p.key)
            .unwrap_or_default()
    }

    #[test]
    fn the_period_just_due_is_in_focus_not_the_open_one() {
        assert_eq!(quarter(d(2022, 10, 20)), "2022-Q3");
        assert_eq!(quarter(d(2022, 10, 11)), "2022-Q3");
        assert_eq!(quarter(d(2022, 12, 31)), "2022-Q3");
    }

    #[test]
    fn the_next_due_takes_over_seven_days_before() {
        // Q3 is due 2022-10-10: from 10-03 it is in focus, on 10-02 Q2 still is.
        assert_eq!(quarter(d(2022, 10, 2)), "2022-Q2");
        assert_eq!(quarter(d(2022, 10, 3)), "2022-Q3");
        assert_eq!(quarter(d(2022, 10, 10)), "2022-Q3");
        // Q4 is due 2023-01-10.
        assert_eq!(quarter(d(2023, 1, 2)), "2022-Q3");
        assert_eq!(quarter(d(2023, 1, 3)), "2022-Q4");
        assert_eq!(quarter(d(2023, 6, 1)), "2022-Q4");
    }

    #[test]
    fn before_anything_is_due_the_first_period() {
        assert_eq!(quarter(d(2022, 1, 1)), "2022-Q1");
        assert_eq!(quarter(d(2021, 6, 1)), "2022-Q1");
        assert_eq!(quarter(d(2022, 4, 11)), "2022-Q1");
        assert_eq!(quarter(d(2022, 7, 2)), "2022-Q1");
        assert_eq!(quarter(d(2022, 7, 3)), "2022-Q2");
    }

    #[test]
    fn months_and_halves_and_no_cycle() {
        let m = |t| focus_of_cycle(Cycle::Monthly, 2022, 5, t).unwrap().key;
        // September is due 10-05: on 10-20 it is the one just due.
        assert_eq!(m(d(2022, 10, 20)), "2022-09");
        // October is due 11-05: from 10-29 it takes over.
        assert_eq!(m(d(2022, 10, 28)), "2022-09");
        assert_eq!(m(d(2022, 10, 29)), "2022-10");
        let h = |t| focus_of_cycle(Cycle::HalfYearly, 2022, 10, t).unwrap().key;
        assert_eq!(h(d(2022, 10, 20)), "2022-H1");
        assert_eq!(h(d(2023, 1, 3)), "2022-H2");
        assert!(focus_of_cycle(Cycle::None, 2022, 10, d(2022, 10, 20)).is_none());
        assert!(in_focus(&[], d(2022, 10, 20)).is_none());
    }

    #[test]
    fn the_order_given_does_not_matter() {
        let mut ps = periods_between(Cycle::Quarterly, d(2022, 1, 1), d(2022, 12, 31), 10);
        ps.reverse();
        assert_eq!(in_focus(&ps, d(2022, 10, 20)).unwrap().key, "2022-Q3");
    }
}

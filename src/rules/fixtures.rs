//! What the rules' unit tests share: a day, and the 2022 plan's settings (issued 2022-04-25,
//! quarterly, due ten days after a period ends).

use crate::db::plans::PlanSettings;
use crate::rules::schedule::{Cycle, DeadlineKind};
use chrono::NaiveDate;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn plan() -> PlanSettings {
    PlanSettings {
        id: 1,
        year: 2022,
        issuer: "x".into(),
        issued_on: Some(d(2022, 4, 25)),
        default_deadline_kind: DeadlineKind::Ongoing,
        default_deadline_date: None,
        cycle: Cycle::Quarterly,
        due_days: 10,
        version: 1,
    }
}

//! The one line on the summary and the desk when the plan's year is over: the lights are
//! judged on today, and a link shows the plan as it stood at the year's end.

use crate::rules::schedule::{prose_date, year_over};
use crate::web::plan_context::Layout;
use chrono::NaiveDate;

/// What the line says (工作要点年度已结束).
pub struct YearOver {
    /// Today, in words.
    pub today: String,
    /// The plan year's last day, in words.
    pub year_end: String,
    /// `/summary?as_of=YYYY-12-31`, with the plan where needed.
    pub href: String,
}

impl YearOver {
    /// The line for a plan of `plan_year` seen on `today`; `None` within the year.
    pub fn of(plan_year: i32, today: NaiveDate, layout: &Layout) -> Option<YearOver> {
        year_over(plan_year, today).map(|end| YearOver {
            today: prose_date(today),
            year_end: prose_date(end),
            href: layout.href_with("/summary", &format!("as_of={end}")),
        })
    }
}

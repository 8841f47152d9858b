//! 延期申请: a responsible unit asks to move the task's deadline (or one of its checkpoints) to
//! a later date, with its reason; the office approves (maybe with another date) or refuses.
//! Pure: what may be asked, what an approval makes of the deadline. An approved extension
//! becomes the task's deadline, the one before kept in its history, so lateness is judged
//! against the date in force and a refused extension changes nothing.

use super::input::{YEARS, control_char, parse_date};
use super::schedule::{Deadline, prose_date};
use chrono::{Datelike, NaiveDate};

/// The longest reason (of the request or of the decision).
pub const REASON_MAX: usize = 2000;

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionState {
    Pending,
    Approved,
    Refused,
}

impl ExtensionState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Approved, Self::Refused]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "待审批",
            Self::Approved => "已批准",
            Self::Refused => "未批准",
        }
    }
}

pub use super::input::Fault;

/// A request as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The checkpoint (its place, from 0) whose date moves; `None`: the deadline.
    pub checkpoint: Option<usize>,
    /// The date in force when asked.
    pub due: NaiveDate,
    pub requested: NaiveDate,
    pub reason: String,
    /// 逾期申请: asked after the date in force had passed.
    pub late: bool,
}

/// The date a request would move: the deadline's, or the checkpoint's (`year`: the plan's).
pub fn date_in_force(
    deadline: &Deadline,
    checkpoint: Option<usize>,
    year: i32,
) -> Result<NaiveDate, Fault> {
    match (deadline, checkpoint) {
        (Deadline::Ongoing, _) => Err((
            "requested_date",
            "该任务持续推进，没有办理时限，无需申请延期。".into(),
        )),
        (Deadline::Staged(points), Some(i)) => points.get(i).map(|c| c.date).ok_or((
            "checkpoint",
            "该任务没有这个节点，请从列出的节点中选择。".into(),
        )),
        (Deadline::Staged(_), None) => Err((
            "checkpoint",
            "该任务分阶段推进，请选择要延期的节点。".into(),
        )),
        (_, Some(_)) => Err((
            "checkpoint",
            "该任务没有分阶段的节点，延期的是任务的办理时限。".into(),
        )),
        (Deadline::Date(d), None) => Ok(*d),
        (Deadline::YearEnd, None) => {
            NaiveDate::from_ymd_opt(year, 12, 31).ok_or(("requested_date", "年度无效。".into()))
        }
    }
}

/// A reason as typed: trimmed, 1 to [`REASON_MAX`] characters, no control characters.
pub fn parse_reason(field: &'static str, raw: &str, what: &str) -> Result<String, Fault> {
    let r = raw.trim();
    if r.is_empty() {
        return Err((field, format!("请填写{what}。")));
    }
    if r.chars().count() > REASON_MAX {
        return Err((field, format!("{what}不能超过{REASON_MAX}字。")));
    }
    if control_char(r).is_some() {
        return Err((field, format!("{what}中含有不可见的控制字符。")));
    }
    Ok(r.to_string())
}

/// A later date as typed, for `due` (`YYYY-MM-DD`, after `due`).
pub fn parse_later(field: &'static str, raw: &str, due: NaiveDate) -> Result<NaiveDate, Fault> {
    let d = parse_date(raw).ok_or((field, "日期格式应为 2022-10-31。".to_string()))?;
    if !YEARS.contains(&d.year()) {
        return Err((field, "日期超出范围。".into()));
    }
    if d <= due {
        return Err((
            field,
            format!("延期后的日期应晚于现在的时限（{}）。", prose_date(due)),
        ));
    }
    Ok(d)
}

/// What a unit asks, checked against the task's `deadline` on `today`: every fault at once.
pub fn parse_request(
    requested: &str,
    reason: &str,
    checkpoint: Option<usize>,
    deadline: &Deadline,
    year: i32,
    today: NaiveDate,
) -> Result<Request, Vec<Fault>> {
    let mut faults = Vec::new();
    let due = date_in_force(deadline, checkpoint, year).map_err(|f| vec![f])?;
    let requested = parse_later("requested_date", requested, due).map_err(|f| faults.push(f));
    let reason = parse_reason("reason", reason, "申请理由").map_err(|f| faults.push(f));
    match (requested, reason) {
        (Ok(requested), Ok(reason)) => Ok(Request {
            checkpoint,
            due,
            requested,
            reason,
            late: today > due,
        }),
        _ => Err(faults),
    }
}

/// The deadline once `date` is granted for `checkpoint` (`None`: the deadline itself; a year-end
/// deadline becomes that date). Checkpoints stay in date order.
pub fn extended(deadline: &Deadline, checkpoint: Option<usize>, date: NaiveDate) -> Deadline {
    match (deadline, checkpoint) {
        (Deadline::Staged(points), Some(i)) => {
            let mut points = points.clone();
            if let Some(p) = points.get_mut(i) {
                p.date = date;
            }
            points.sort_by_key(|p| p.date);
            Deadline::Staged(points)
        }
        _ => Deadline::Date(date),
    }
}

/// The title of the checkpoint a request moves (`None`: the deadline, or no such checkpoint).
pub fn checkpoint_title(deadline: &Deadline, checkpoint: Option<usize>) -> Option<&str> {
    match (deadline, checkpoint) {
        (Deadline::Staged(points), Some(i)) => points.get(i).map(|p| p.title.as_str()),
        _ => None,
    }
}

/// How a request reads on the task page: `任务时限` or `节点“…”`, from and to.
pub fn describe(deadline_label: &str, due: NaiveDate, requested: NaiveDate) -> String {
    format!(
        "{deadline_label}由{}延至{}",
        prose_date(due),
        prose_date(requested)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::schedule::Checkpoint;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_request_is_for_a_later_date_with_a_reason() {
        let dl = Deadline::Date(d("2022-09-30"));
        let r = parse_request("2022-11-30", " 需会签 ", None, &dl, 2022, d("2022-09-01")).unwrap();
        assert_eq!(
            (r.due, r.requested, r.late),
            (d("2022-09-30"), d("2022-11-30"), false)
        );
        assert_eq!(r.reason, "需会签");
        let late = parse_request("2022-11-30", "晚了", None, &dl, 2022, d("2022-10-01")).unwrap();
        assert!(late.late, "asked after the date: 逾期申请");
        let faults = parse_request("2022-09-30", "", None, &dl, 2022, d("2022-09-01")).unwrap_err();
        let fields: Vec<&str> = faults.iter().map(|f| f.0).collect();
        assert_eq!(fields, ["requested_date", "reason"]);
        assert!(faults[0].1.contains("应晚于现在的时限（2022年9月30日）"));
        let long = "长".repeat(REASON_MAX + 1);
        assert!(parse_request("2022-11-30", &long, None, &dl, 2022, d("2022-09-01")).is_err());
        assert!(parse_request("2022-02-30", "x", None, &dl, 2022, d("2022-09-01")).is_err());
    }

    #[test]
    fn year_end_ongoing_and_staged_deadlines() {
        let r = parse_request(
            "2023-03-31",
            "跨年",
            None,
            &Deadline::YearEnd,
            2022,
            d("2022-12-01"),
        );
        assert_eq!(r.unwrap().due, d("2022-12-31"));
        assert_eq!(
            parse_request(
                "2023-03-31",
                "x",
                None,
                &Deadline::Ongoing,
                2022,
                d("2022-12-01")
            )
            .unwrap_err()[0]
                .0,
            "requested_date"
        );
        let staged = Deadline::Staged(vec![
            Checkpoint {
                date: d("2022-06-30"),
                title: "方案".into(),
            },
            Checkpoint {
                date: d("2022-09-30"),
                title: "完成".into(),
            },
        ]);
        assert_eq!(
            parse_request("2022-08-31", "x", None, &staged, 2022, d("2022-06-01")).unwrap_err()[0]
                .0,
            "checkpoint"
        );
        assert_eq!(
            parse_request("2022-08-31", "x", Some(5), &staged, 2022, d("2022-06-01")).unwrap_err()
                [0]
            .0,
            "checkpoint"
        );
        let r = parse_request("2022-10-31", "x", Some(0), &staged, 2022, d("2022-06-01")).unwrap();
        // The first checkpoint moved past the second: they stay in date order.
        let Deadline::Staged(points) = extended(&staged, r.checkpoint, r.requested) else {
            panic!("still staged")
        };
        assert_eq!(points[0].title, "完成");
        assert_eq!(points[1].date, d("2022-10-31"));
    }

    #[test]
    fn an_approval_becomes_the_deadline() {
        assert_eq!(
            extended(&Deadline::YearEnd, None, d("2023-01-31")),
            Deadline::Date(d("2023-01-31"))
        );
        assert_eq!(
            extended(&Deadline::Date(d("2022-09-30")), None, d("2022-10-31")),
            Deadline::Date(d("2022-10-31"))
        );
    }
}

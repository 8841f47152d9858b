//! 签收 and 申诉: a unit assigned to a task acknowledges the assignment, or contests it with a
//! kind and a reason; the office keeps the assignment, changes the unit's role, or removes the
//! unit. Pure: the kinds, the decisions, what may be typed, when an acknowledgement is due.

use super::input::control_char;
use chrono::{Days, NaiveDate};

/// The longest reason (of a contest or of a decision).
pub const REASON_MAX: usize = 2000;
/// The plan's acknowledgement window when the office has not set one, in days from assignment.
pub const DEFAULT_DAYS: i32 = 10;

pub use super::input::Fault;

/// 申诉类别.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContestKind {
    NotOurRemit,
    ShouldBeCo,
    ShouldBeLead,
    Wording,
}

impl ContestKind {
    pub const ALL: [ContestKind; 4] = [
        Self::NotOurRemit,
        Self::ShouldBeCo,
        Self::ShouldBeLead,
        Self::Wording,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotOurRemit => "not_our_remit",
            Self::ShouldBeCo => "should_be_co",
            Self::ShouldBeLead => "should_be_lead",
            Self::Wording => "wording",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotOurRemit => "不属本单位职责",
            Self::ShouldBeCo => "应为配合单位",
            Self::ShouldBeLead => "应为牵头单位",
            Self::Wording => "任务表述需调整",
        }
    }
}

/// The office's decision on a contest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// 维持原分工.
    Keep,
    /// 调整职责: lead becomes co, co becomes lead.
    ChangeRole,
    /// 移除该单位.
    Remove,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Self::Keep, Self::ChangeRole, Self::Remove];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Keep => "keep",
            Self::ChangeRole => "change_role",
            Self::Remove => "remove",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Keep => "维持原分工",
            Self::ChangeRole => "调整职责",
            Self::Remove => "移除该单位",
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

/// A contest as typed: its kind and its reason, every fault at once.
pub fn parse_contest(kind: &str, reason: &str) -> Result<(ContestKind, String), Vec<Fault>> {
    let k = ContestKind::parse(kind).ok_or((
        "kind",
        "请选择申诉类别：不属本单位职责、应为配合单位、应为牵头单位或任务表述需调整。".to_string(),
    ));
    let r = parse_reason("reason", reason, "申诉理由");
    match (k, r) {
        (Ok(k), Ok(r)) => Ok((k, r)),
        (k, r) => Err([k.err(), r.err()].into_iter().flatten().collect()),
    }
}

/// The last day to acknowledge an assignment made on `assigned`, with a window of `days`.
pub fn due(assigned: NaiveDate, days: i32) -> NaiveDate {
    assigned
        .checked_add_days(Days::new(days.max(0) as u64))
        .unwrap_or(assigned)
}

/// Whether an assignment not yet answered is past its window on `today`.
pub fn overdue(assigned: NaiveDate, days: i32, today: NaiveDate) -> bool {
    today > due(assigned, days)
}

/// The window as typed on the plan's settings: 1 to 90 days.
pub fn parse_days(raw: &str) -> Result<i32, Fault> {
    match raw.trim().parse::<i32>() {
        Ok(d) if (1..=90).contains(&d) => Ok(d),
        _ => Err((
            "acknowledge_days",
            "签收期限应为 1 至 90 之间的天数。".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn kinds_and_decisions_round_trip() {
        for k in ContestKind::ALL {
            assert_eq!(ContestKind::parse(k.as_str()), Some(k));
        }
        for x in Decision::ALL {
            assert_eq!(Decision::parse(x.as_str()), Some(x));
        }
        assert_eq!(ContestKind::parse("不属本单位职责"), None);
        assert_eq!(Decision::parse("drop"), None);
    }

    #[test]
    fn a_contest_needs_a_known_kind_and_a_reason() {
        let ok = parse_contest("should_be_co", " 我部仅负责配合 ").unwrap();
        assert_eq!(ok, (ContestKind::ShouldBeCo, "我部仅负责配合".to_string()));
        let faults = parse_contest("other", "  ").unwrap_err();
        assert_eq!(faults.len(), 2);
        assert_eq!(faults[0].0, "kind");
        assert_eq!(faults[1], ("reason", "请填写申诉理由。".to_string()));
        assert!(parse_contest("wording", &"字".repeat(REASON_MAX + 1)).is_err());
    }

    #[test]
    fn the_window_counts_from_the_assignment() {
        assert_eq!(due(d(2022, 3, 1), 10), d(2022, 3, 11));
        assert!(!overdue(d(2022, 3, 1), 10, d(2022, 3, 11)));
        assert!(overdue(d(2022, 3, 1), 10, d(2022, 3, 12)));
        assert_eq!(parse_days("10"), Ok(10));
        assert!(parse_days("0").is_err() && parse_days("91").is_err() && parse_days("十").is_err());
    }
}

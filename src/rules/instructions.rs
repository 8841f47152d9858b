//! 领导批示: a leader's instruction on a task or on one of its reports, relayed by the office to
//! chosen units (the task's units by default), answered by each, and closed by the office
//! (办结) when the answers suffice, or sent back to a unit for more. Pure: the states, what
//! may be typed, and the counts the summary shows.

use super::input::{YEARS, control_char, parse_date};
use chrono::{Datelike, NaiveDate};

/// The longest instruction.
pub const TEXT_MAX: usize = 2000;
/// The longest answer of a unit.
pub const ANSWER_MAX: usize = 4000;

pub use super::input::Fault;

/// Where an instruction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstructionState {
    /// 待转办: written, not yet relayed.
    New,
    /// 办理中: relayed, answers awaited.
    Relayed,
    /// 待办结: every unit relayed to has answered.
    Answered,
    /// 已办结.
    Closed,
}

impl InstructionState {
    pub const ALL: [InstructionState; 4] = [Self::New, Self::Relayed, Self::Answered, Self::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Relayed => "relayed",
            Self::Answered => "answered",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::New => "待转办",
            Self::Relayed => "办理中",
            Self::Answered => "待办结",
            Self::Closed => "已办结",
        }
    }

    /// The state once the units' answers stand so: all answered → 待办结, else 办理中.
    pub fn after_answers(answered: usize, relayed: usize) -> Self {
        if relayed > 0 && answered == relayed {
            Self::Answered
        } else {
            Self::Relayed
        }
    }
}

/// A step in an instruction's history.
pub fn event_label(kind: &str) -> &'static str {
    match kind {
        "written" => "作出批示",
        "relayed" => "转办",
        "answered" => "答复",
        "sent_back" => "退回补充",
        "closed" => "办结",
        _ => "其他",
    }
}

/// A text as typed: trimmed, 1 to `max` characters, no control characters but line breaks.
pub fn parse_text(field: &'static str, raw: &str, what: &str, max: usize) -> Result<String, Fault> {
    let t = raw.trim();
    if t.is_empty() {
        return Err((field, format!("请填写{what}。")));
    }
    if t.chars().count() > max {
        return Err((field, format!("{what}不能超过{max}字。")));
    }
    if control_char(t).is_some() {
        return Err((field, format!("{what}中含有不可见的控制字符。")));
    }
    Ok(t.to_string())
}

/// The date by which an answer is wanted, as typed: empty for none; else `YYYY-MM-DD`, not
/// before `today`.
pub fn parse_answer_by(raw: &str, today: NaiveDate) -> Result<Option<NaiveDate>, Fault> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let d = parse_date(raw).ok_or(("answer_by", "日期格式应为 2022-10-31。".to_string()))?;
    if !YEARS.contains(&d.year()) {
        return Err(("answer_by", "日期超出范围。".into()));
    }
    if d < today {
        return Err((
            "answer_by",
            format!(
                "答复期限不能早于今天（{}年{}月{}日）。",
                today.year(),
                today.month(),
                today.day()
            ),
        ));
    }
    Ok(Some(d))
}

/// What an instruction asks, as typed: every fault at once.
pub fn parse_instruction(
    text: &str,
    answer_by: &str,
    today: NaiveDate,
) -> Result<(String, Option<NaiveDate>), Vec<Fault>> {
    let text = parse_text("text", text, "批示内容", TEXT_MAX);
    let by = parse_answer_by(answer_by, today);
    match (text, by) {
        (Ok(t), Ok(b)) => Ok((t, b)),
        (t, b) => Err([t.err(), b.err()].into_iter().flatten().collect()),
    }
}

/// The calendar month `day` falls in, first and last day: 本月批示 counts within it.
pub fn month_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = day.with_day(1).unwrap_or(day);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    let last = next.and_then(|n| n.pred_opt()).unwrap_or(day);
    (first, last)
}

/// Whether an answer is overdue: wanted by `answer_by`, not given by `today`.
pub fn answer_overdue(answer_by: Option<NaiveDate>, answered: bool, today: NaiveDate) -> bool {
    !answered && answer_by.is_some_and(|d| d < today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn states_round_trip_and_follow_the_answers() {
        for s in InstructionState::ALL {
            assert_eq!(InstructionState::parse(s.as_str()), Some(s));
        }
        assert_eq!(InstructionState::parse("open"), None);
        assert_eq!(
            InstructionState::after_answers(2, 2),
            InstructionState::Answered
        );
        assert_eq!(
            InstructionState::after_answers(1, 2),
            InstructionState::Relayed
        );
        assert_eq!(
            InstructionState::after_answers(0, 0),
            InstructionState::Relayed
        );
    }

    #[test]
    fn an_instruction_needs_text_and_a_date_not_past() {
        let today = d(2022, 9, 20);
        let ok = parse_instruction("  请公安部抓紧推进。 ", "2022-09-30", today).unwrap();
        assert_eq!(ok, ("请公安部抓紧推进。".to_string(), Some(d(2022, 9, 30))));
        assert_eq!(parse_instruction("好", "", today).unwrap().1, None);
        let faults = parse_instruction(" ", "2022-09-19", today).unwrap_err();
        assert_eq!(faults.len(), 2);
        assert_eq!(faults[0], ("text", "请填写批示内容。".to_string()));
        assert!(faults[1].1.contains("不能早于今天（2022年9月20日）"));
        let faults = parse_instruction("好", "9月底", today).unwrap_err();
        assert_eq!(faults[0].0, "answer_by");
        let long = "批".repeat(TEXT_MAX + 1);
        assert!(
            parse_instruction(&long, "", today).unwrap_err()[0]
                .1
                .contains("2000")
        );
        assert!(parse_text("text", "a\u{0}b", "批示内容", 10).is_err());
        assert!(parse_text("text", "第一行\n第二行", "批示内容", 10).is_ok());
    }

    #[test]
    fn months_and_overdue_answers() {
        assert_eq!(month_of(d(2022, 9, 20)), (d(2022, 9, 1), d(2022, 9, 30)));
        assert_eq!(month_of(d(2022, 12, 5)), (d(2022, 12, 1), d(2022, 12, 31)));
        assert_eq!(month_of(d(2024, 2, 29)), (d(2024, 2, 1), d(2024, 2, 29)));
        assert!(answer_overdue(Some(d(2022, 9, 19)), false, d(2022, 9, 20)));
        assert!(!answer_overdue(Some(d(2022, 9, 20)), false, d(2022, 9, 20)));
        assert!(!answer_overdue(Some(d(2022, 9, 19)), true, d(2022, 9, 20)));
        assert!(!answer_overdue(None, false, d(2022, 9, 20)));
    }
}

//! 通知: the kinds of event that reach people, who they concern, and how a failed delivery is
//! retried. Pure: the clock is passed in.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};

/// A kind of event that concerns someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// 单位被指定为任务的责任单位.
    Assigned,
    /// 进展情况被退回.
    ReportReturned,
    /// 进展情况被采纳.
    ReportAccepted,
    /// 催办.
    Urged,
    /// 需协调事项已答复.
    CoordinationAnswered,
    /// 任务办结.
    TaskClosed,
    /// 任务重新打开.
    TaskReopened,
    /// 进展情况已报送 (to the office).
    ReportSubmitted,
    /// 报送提醒: 7 days before the due date.
    DueInSevenDays,
    /// 报送提醒: 3 days before the due date.
    DueInThreeDays,
    /// 报送提醒: on the due date.
    DueToday,
    /// 逾期提醒: every day a report is overdue.
    Overdue,
    /// 每周督办情况: the office's weekly digest.
    WeeklyOffice,
    /// 每周红灯事项: the leaders' weekly digest.
    WeeklyLeader,
    /// 延期申请 (to the office).
    ExtensionRequested,
    /// 延期申请已审批 (to the unit that asked).
    ExtensionDecided,
    /// 领导批示 written (to the office, to relay).
    InstructionWritten,
    /// 领导批示 relayed to a unit (to answer).
    InstructionRelayed,
    /// A unit answered a 领导批示 (to the office).
    InstructionAnswered,
    /// The office sent a unit's answer back for more.
    InstructionSentBack,
    /// 领导批示已办结 (to the leaders).
    InstructionClosed,
    /// A unit contests its assignment (申诉, to the office).
    AssignmentContested,
    /// The office decided a unit's contest (to the unit).
    ContestDecided,
    /// A liaison's report waits for the unit head's sign-off (to the unit's heads).
    SignOffAsked,
    /// The unit head returned a report to the liaison (to the unit's liaisons).
    SignOffReturned,
}

/// Whom an event is addressed to, beyond the task's followers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The liaisons (and the webhook) of the event's unit.
    Unit,
    /// The liaisons (and webhooks) of every unit of the task.
    TaskUnits,
    /// The office's staff and the office's webhook.
    Office,
    /// The leaders.
    Leaders,
    /// The heads (单位负责人) of the event's unit.
    UnitHeads,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 25] = [
        NoticeKind::Assigned,
        NoticeKind::ReportReturned,
        NoticeKind::ReportAccepted,
        NoticeKind::Urged,
        NoticeKind::CoordinationAnswered,
        NoticeKind::TaskClosed,
        NoticeKind::TaskReopened,
        NoticeKind::ReportSubmitted,
        NoticeKind::DueInSevenDays,
        NoticeKind::DueInThreeDays,
        NoticeKind::DueToday,
        NoticeKind::Overdue,
        NoticeKind::WeeklyOffice,
        NoticeKind::WeeklyLeader,
        NoticeKind::ExtensionRequested,
        NoticeKind::ExtensionDecided,
        NoticeKind::InstructionWritten,
        NoticeKind::InstructionRelayed,
        NoticeKind::InstructionAnswered,
        NoticeKind::InstructionSentBack,
        NoticeKind::InstructionClosed,
        NoticeKind::AssignmentContested,
        NoticeKind::ContestDecided,
        NoticeKind::SignOffAsked,
        NoticeKind::SignOffReturned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Assigned => "assigned",
            NoticeKind::ReportReturned => "report_returned",
            NoticeKind::ReportAccepted => "report_accepted",
            NoticeKind::Urged => "urged",
            NoticeKind::CoordinationAnswered => "coordination_answered",
            NoticeKind::TaskClosed => "task_closed",
            NoticeKind::TaskReopened => "task_reopened",
            NoticeKind::ReportSubmitted => "report_submitted",
            NoticeKind::DueInSevenDays => "due_in_seven_days",
            NoticeKind::DueInThreeDays => "due_in_three_days",
            NoticeKind::DueToday => "due_today",
            NoticeKind::Overdue => "overdue",
            NoticeKind::WeeklyOffice => "weekly_office",
            NoticeKind::WeeklyLeader => "weekly_leader",
            NoticeKind::ExtensionRequested => "extension_requested",
            NoticeKind::ExtensionDecided => "extension_decided",
            NoticeKind::InstructionWritten => "instruction_written",
            NoticeKind::InstructionRelayed => "instruction_relayed",
            NoticeKind::InstructionAnswered => "instruction_answered",
            NoticeKind::InstructionSentBack => "instruction_sent_back",
            NoticeKind::InstructionClosed => "instruction_closed",
            NoticeKind::AssignmentContested => "assignment_contested",
            NoticeKind::ContestDecided => "contest_decided",
            NoticeKind::SignOffAsked => "sign_off_asked",
            NoticeKind::SignOffReturned => "sign_off_returned",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind's name in the interface.
    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::Assigned => "分工通知",
            NoticeKind::ReportReturned => "进展情况被退回",
            NoticeKind::ReportAccepted => "进展情况已采纳",
            NoticeKind::Urged => "催办",
            NoticeKind::CoordinationAnswered => "需协调事项已答复",
            NoticeKind::TaskClosed => "任务办结",
            NoticeKind::TaskReopened => "任务重新打开",
            NoticeKind::ReportSubmitted => "进展情况已报送",
            NoticeKind::DueInSevenDays => "报送提醒（截止前7天）",
            NoticeKind::DueInThreeDays => "报送提醒（截止前3天）",
            NoticeKind::DueToday => "报送提醒（截止当日）",
            NoticeKind::Overdue => "逾期未报提醒（每日）",
            NoticeKind::WeeklyOffice => "每周督办情况",
            NoticeKind::WeeklyLeader => "每周红灯事项",
            NoticeKind::ExtensionRequested => "延期申请",
            NoticeKind::ExtensionDecided => "延期申请已审批",
            NoticeKind::InstructionWritten => "领导批示待转办",
            NoticeKind::InstructionRelayed => "领导批示待答复",
            NoticeKind::InstructionAnswered => "领导批示已答复",
            NoticeKind::InstructionSentBack => "批示答复被退回",
            NoticeKind::InstructionClosed => "领导批示已办结",
            NoticeKind::AssignmentContested => "分工申诉",
            NoticeKind::ContestDecided => "分工申诉已处理",
            NoticeKind::SignOffAsked => "报告待签发",
            NoticeKind::SignOffReturned => "报告被单位负责人退回",
        }
    }

    pub fn audience(self) -> Audience {
        match self {
            NoticeKind::TaskClosed | NoticeKind::TaskReopened => Audience::TaskUnits,
            NoticeKind::ReportSubmitted
            | NoticeKind::WeeklyOffice
            | NoticeKind::ExtensionRequested
            | NoticeKind::InstructionWritten
            | NoticeKind::InstructionAnswered
            | NoticeKind::AssignmentContested => Audience::Office,
            NoticeKind::WeeklyLeader | NoticeKind::InstructionClosed => Audience::Leaders,
            NoticeKind::SignOffAsked => Audience::UnitHeads,
            _ => Audience::Unit,
        }
    }

    /// How e-mail of this kind comes to a user who has not chosen: a submission at a time would
    /// bury the office's mailbox, so those come in the daily digest.
    pub fn default_mode(self) -> Mode {
        match self {
            NoticeKind::ReportSubmitted => Mode::Digest,
            _ => Mode::Immediate,
        }
    }

    /// The kinds a user of `role` can receive, for the settings page: a task's events (its
    /// units' liaisons, and anyone who follows it), a liaison's reminders, the office's and
    /// leaders' own digests.
    pub fn for_role(role: crate::rules::auth::Role) -> Vec<NoticeKind> {
        use crate::rules::auth::Role;
        let reaches = |k: &NoticeKind| match k {
            NoticeKind::DueInSevenDays
            | NoticeKind::DueInThreeDays
            | NoticeKind::DueToday
            | NoticeKind::Overdue => role == Role::Liaison,
            NoticeKind::ReportSubmitted
            | NoticeKind::WeeklyOffice
            | NoticeKind::ExtensionRequested
            | NoticeKind::InstructionWritten
            | NoticeKind::InstructionAnswered
            | NoticeKind::AssignmentContested => role == Role::Office,
            NoticeKind::ExtensionDecided
            | NoticeKind::InstructionRelayed
            | NoticeKind::InstructionSentBack
            | NoticeKind::ContestDecided => role == Role::Liaison,
            NoticeKind::SignOffReturned => role == Role::Liaison,
            NoticeKind::SignOffAsked => role == Role::UnitHead,
            NoticeKind::WeeklyLeader | NoticeKind::InstructionClosed => role == Role::Leader,
            _ => true,
        };
        NoticeKind::ALL.into_iter().filter(reaches).collect()
    }
}

/// The label of a stored kind, or the kind itself when it is not one of ours (a later
/// version's).
pub fn label_of(kind: &str) -> &str {
    match NoticeKind::parse(kind) {
        Some(k) => k.label(),
        None => kind,
    }
}

/// 通知方式: how e-mail of one kind comes to a user (the inbox always receives).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    None,
    Immediate,
    Digest,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Immediate, Mode::Digest, Mode::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::None => "none",
            Mode::Immediate => "immediate",
            Mode::Digest => "digest",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::None => "不发邮件",
            Mode::Immediate => "立即发送",
            Mode::Digest => "每日汇总",
        }
    }
}

/// A webhook's signing secret as typed: `None` when left empty (the stored one is kept), or why
/// it is refused (beside the field).
pub fn check_webhook_secret(raw: &str) -> Result<Option<String>, &'static str> {
    let s = raw.trim();
    if s.chars().count() > 200 || s.chars().any(char::is_control) {
        return Err("签名密钥应为不超过 200 个字符的一行文字");
    }
    Ok((!s.is_empty()).then(|| s.to_string()))
}

/// An e-mail address as typed, trimmed, or why it is not one (in Chinese, for beside the field).
/// Deliberately plain: one `@`, no spaces or control characters (no header injection), a
/// dotted domain; what the mail server accepts beyond that is its to say.
pub fn check_email(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    let wrong = || {
        format!(
            "不是有效的电子邮箱地址（应如 zhangsan@example.gov.cn）：“{}”",
            s.chars().take(60).collect::<String>().escape_debug()
        )
    };
    if s.chars().count() > 254 {
        return Err("电子邮箱地址不能超过 254 个字符".into());
    }
    let Some((local, domain)) = s.split_once('@') else {
        return Err(wrong());
    };
    let bad_char = |c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\\\"@".contains(c);
    if local.is_empty()
        || domain.is_empty()
        || local.chars().any(bad_char)
        || domain.chars().any(bad_char)
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err(wrong());
    }
    Ok(s.to_string())
}

/// A webhook address as typed, trimmed, or why it is not one: `http://` or `https://` with a host.
pub fn check_webhook_url(raw: &str) -> Result<String, String> {
    let s = raw.trim();
    let wrong = || {
        "接收地址应以 http:// 或 https:// 开头，如 http://im.example.gov.cn/robot/send?key=…"
            .to_string()
    };
    if s.chars().any(|c| c.is_control() || c.is_whitespace()) || s.len() > 2000 {
        return Err(wrong());
    }
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"))
        .ok_or_else(wrong)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains('@') {
        return Err(wrong());
    }
    Ok(s.to_string())
}

/// Attempts at one delivery before it is marked failed (about a day of retries).
pub const MAX_ATTEMPTS: i32 = 10;

/// How long after the `attempts`-th failure the next attempt comes: `base` doubled each time,
/// at most six hours.
pub fn backoff(base: std::time::Duration, attempts: i32) -> std::time::Duration {
    let factor = 1u32 << attempts.clamp(1, 16).saturating_sub(1);
    base.saturating_mul(factor)
        .min(std::time::Duration::from_secs(6 * 3600))
}

/// The hour a daily digest goes out, Beijing time (UTC+8).
pub const DIGEST_HOUR: u32 = 8;

/// The next digest time strictly after `now`: 08:00 in Beijing.
pub fn next_digest(now: DateTime<Utc>) -> DateTime<Utc> {
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    let local = now.with_timezone(&beijing);
    let at = NaiveTime::from_hms_opt(DIGEST_HOUR, 0, 0).expect("valid time");
    let today = beijing
        .from_local_datetime(&local.date_naive().and_time(at))
        .single()
        .expect("a fixed offset has no gaps");
    let next = if today > local {
        today
    } else {
        today + Duration::days(1)
    };
    next.with_timezone(&Utc)
}

/// A subject never spans lines (no header injection), and is short enough to read.
pub fn one_line(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 120 {
        flat.chars().take(119).chain(['…']).collect()
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration as Std;

    #[test]
    fn kinds_round_trip_and_have_chinese_names() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.as_str()), Some(k));
            assert!(!k.label().is_ascii());
        }
        assert_eq!(label_of("later_kind"), "later_kind");
    }

    #[test]
    fn addresses_are_checked_before_they_are_kept() {
        assert_eq!(
            check_email(" a.b@example.gov.cn ").unwrap(),
            "a.b@example.gov.cn"
        );
        for bad in [
            "",
            "a",
            "a@b",
            "a@@b.cn",
            "a b@c.cn",
            "a@b.cn\r\nBcc: x@y.cn",
            "<a@b.cn>",
            "a@.cn",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?}");
        }
        assert!(check_webhook_url("https://im.example.gov.cn/robot?key=1").is_ok());
        for bad in [
            "ftp://x",
            "javascript:alert(1)",
            "http://",
            "http://a b",
            "file:///etc/passwd",
            "http://u@h/",
        ] {
            assert!(check_webhook_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        let b = Std::from_secs(30);
        assert_eq!(backoff(b, 1), Std::from_secs(30));
        assert_eq!(backoff(b, 2), Std::from_secs(60));
        assert_eq!(backoff(b, 4), Std::from_secs(240));
        assert_eq!(backoff(b, 40), Std::from_secs(6 * 3600));
    }

    #[test]
    fn the_digest_goes_at_eight_in_beijing() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        // 07:59 Beijing is 23:59 UTC the day before.
        assert_eq!(
            next_digest(t("2022-10-09T23:59:00Z")),
            t("2022-10-10T00:00:00Z")
        );
        assert_eq!(
            next_digest(t("2022-10-10T00:00:00Z")),
            t("2022-10-11T00:00:00Z")
        );
        assert_eq!(
            next_digest(t("2022-10-10T09:00:00Z")),
            t("2022-10-11T00:00:00Z")
        );
    }

    #[test]
    fn a_title_is_one_line() {
        assert_eq!(
            super::one_line("任务1.1.1：\r\nBcc: x@y"),
            "任务1.1.1： Bcc: x@y"
        );
        assert_eq!(super::one_line(&"字".repeat(200)).chars().count(), 120);
    }
}

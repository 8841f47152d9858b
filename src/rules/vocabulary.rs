//! The report's words (进展情况的用语): status, assessment, review state, coordination state and
//! the actions kept in a report's history. Every layer names them through this module: the
//! database enums, the lights, the forms, the API, the Excel round trip and the demo data.

use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef, Postgres};
use std::fmt;

// Each word is written as its stored name (the bulk loader's COPY, logs).
macro_rules! display_as_stored_name {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
display_as_stored_name!(ReportStatus, Assessment, ReviewState, ReportAction);

/// 进展状态, as the unit reports it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize, utoipa::ToSchema,
)]
#[sqlx(type_name = "report_status", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    NotStarted,
    InProgress,
    Done,
    Behind,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 4] =
        [Self::NotStarted, Self::InProgress, Self::Done, Self::Behind];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::Behind => "behind",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "未启动",
            Self::InProgress => "推进中",
            Self::Done => "已完成",
            Self::Behind => "滞后",
        }
    }
}

/// 自评 (by the unit) or 办公室评估 (by the office).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize, utoipa::ToSchema,
)]
#[sqlx(type_name = "assessment", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Assessment {
    OnTrack,
    AtRisk,
    OffTrack,
}

impl Assessment {
    pub const ALL: [Assessment; 3] = [Self::OnTrack, Self::AtRisk, Self::OffTrack];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnTrack => "on_track",
            Self::AtRisk => "at_risk",
            Self::OffTrack => "off_track",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::OnTrack => "正常推进",
            Self::AtRisk => "存在风险",
            Self::OffTrack => "严重滞后",
        }
    }
}

/// Where a report stands in review.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize, utoipa::ToSchema,
)]
#[sqlx(type_name = "review_state", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    Draft,
    /// Submitted, or resubmitted after a return; awaiting review.
    Submitted,
    /// 退回: returned to the unit, awaiting revision.
    Returned,
    /// 采纳.
    Accepted,
}

impl ReviewState {
    pub const ALL: [ReviewState; 4] =
        [Self::Draft, Self::Submitted, Self::Returned, Self::Accepted];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Accepted => "accepted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Submitted => "已提交待审核",
            Self::Returned => "已退回",
            Self::Accepted => "已采纳",
        }
    }

    /// The unit may still change it.
    pub fn editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }

    /// Whether a report in this state counts as submitted for its period: submitted (first
    /// submission or resubmission after a return) or accepted; a draft or a report currently
    /// returned does not.
    pub fn counts_as_submitted(self) -> bool {
        matches!(self, Self::Submitted | Self::Accepted)
    }
}

/// A coordination request's state.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize, utoipa::ToSchema,
)]
#[sqlx(type_name = "coordination_state", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum CoordinationState {
    Open,
    Answered,
    Closed,
}

impl CoordinationState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "待答复",
            Self::Answered => "已答复",
            Self::Closed => "已关闭",
        }
    }
}

/// Characters in each text of a report (工作进展及成效、存在问题、下一步计划), wherever it is written.
pub const MAX_TEXT_CHARS: usize = 5000;

/// 报告内容: what a unit writes in a report for one task and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportContent {
    /// 进展状态.
    pub status: ReportStatus,
    /// 自评.
    pub self_assessment: Assessment,
    /// 工作进展及成效.
    pub work_done: String,
    /// 存在问题.
    pub problems: String,
    /// 下一步计划.
    pub next_steps: String,
}

impl ReportContent {
    /// The texts a unit writes, with their names (forms, API, errors) and labels (messages):
    /// the one list that validation and trimming go through.
    pub fn texts_mut(&mut self) -> [(&'static str, &'static str, &mut String); 3] {
        [
            ("work_done", "工作进展及成效", &mut self.work_done),
            ("problems", "存在问题", &mut self.problems),
            ("next_steps", "下一步计划", &mut self.next_steps),
        ]
    }
}

// What a snapshot written before a field existed reads as (see [`ReportSnapshot`]).
impl Default for ReportContent {
    fn default() -> Self {
        ReportContent {
            status: ReportStatus::InProgress,
            self_assessment: Assessment::OnTrack,
            work_done: String::new(),
            problems: String::new(),
            next_steps: String::new(),
        }
    }
}

/// A report as it stood at one event of its history (提交、退回、采纳), kept in
/// `report_events.snapshot`. Events are never rewritten, so a snapshot is read with defaults
/// for every field added after it was written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportSnapshot {
    #[serde(flatten)]
    pub content: ReportContent,
    /// 办公室评估.
    pub office_assessment: Option<Assessment>,
    /// 需协调事项, one per line as the unit wrote them.
    pub coordination: Vec<String>,
    pub version: i32,
}

impl ReportSnapshot {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// The snapshot kept in an event; one that cannot be read at all reads as empty.
    pub fn from_json(value: &serde_json::Value) -> Self {
        Self::deserialize(value).unwrap_or_default()
    }
}

/// 报送记录的动作: what happened to a report, as kept in `report_events.action` (a text column
/// checked against these names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportAction {
    /// 提交 (also a resubmission after a return).
    Submitted,
    /// 退回.
    Returned,
    /// 采纳.
    Accepted,
}

impl ReportAction {
    pub const ALL: [ReportAction; 3] = [Self::Submitted, Self::Returned, Self::Accepted];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Accepted => "accepted",
        }
    }

    /// The action's name in a report's history.
    pub fn label(self) -> &'static str {
        match self {
            Self::Submitted => "提交",
            Self::Returned => "退回",
            Self::Accepted => "采纳",
        }
    }

    /// The review state the report is in after this action.
    pub fn resulting_state(self) -> ReviewState {
        match self {
            Self::Submitted => ReviewState::Submitted,
            Self::Returned => ReviewState::Returned,
            Self::Accepted => ReviewState::Accepted,
        }
    }
}

// Stored as text (not a PostgreSQL enum) so the bulk loader's COPY and the CHECK constraint
// keep working unchanged; an unknown name read back is an error, never a guess.
impl sqlx::Type<Postgres> for ReportAction {
    fn type_info() -> PgTypeInfo {
        <&str as sqlx::Type<Postgres>>::type_info()
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        <&str as sqlx::Type<Postgres>>::compatible(ty)
    }
}

impl sqlx::Encode<'_, Postgres> for ReportAction {
    fn encode_by_ref(
        &self,
        buf: &mut PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <&str as sqlx::Encode<Postgres>>::encode_by_ref(&self.as_str(), buf)
    }
}

impl sqlx::Decode<'_, Postgres> for ReportAction {
    fn decode(value: PgValueRef<'_>) -> Result<Self, sqlx::error::BoxDynError> {
        let s = <&str as sqlx::Decode<Postgres>>::decode(value)?;
        Self::parse(s).ok_or_else(|| format!("unknown report action {s:?}").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_parse_their_names() {
        for s in ReviewState::ALL {
            assert_eq!(ReviewState::parse(s.as_str()), Some(s));
        }
        for s in ReportStatus::ALL {
            assert_eq!(ReportStatus::parse(s.as_str()), Some(s));
        }
        for a in Assessment::ALL {
            assert_eq!(Assessment::parse(a.as_str()), Some(a));
        }
        for a in ReportAction::ALL {
            assert_eq!(ReportAction::parse(a.as_str()), Some(a));
            assert_eq!(a.resulting_state().as_str(), a.as_str());
        }
        assert_eq!(ReportStatus::parse("late"), None);
        assert_eq!(ReportAction::parse("deleted"), None);
    }

    #[test]
    fn a_snapshot_reads_back_with_defaults_for_missing_fields() {
        let s = ReportSnapshot {
            content: ReportContent {
                status: ReportStatus::Behind,
                self_assessment: Assessment::AtRisk,
                work_done: "已开展".into(),
                problems: "无".into(),
                next_steps: "继续".into(),
            },
            office_assessment: Some(Assessment::OffTrack),
            coordination: vec!["请协调".into()],
            version: 3,
        };
        let json = s.to_json();
        assert_eq!(json["status"], "behind");
        assert_eq!(json["work_done"], "已开展");
        assert_eq!(ReportSnapshot::from_json(&json), s);
        let old = serde_json::json!({ "status": "done", "work_done": "旧" });
        let read = ReportSnapshot::from_json(&old);
        assert_eq!(read.content.status, ReportStatus::Done);
        assert_eq!(read.content.work_done, "旧");
        assert_eq!(read.content.self_assessment, Assessment::OnTrack);
        assert!(read.coordination.is_empty());
    }
}

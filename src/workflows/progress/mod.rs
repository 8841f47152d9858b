//! 进展情况报送与督办: the report workflow (draft, submit, return, accept), closing tasks,
//! urging late units, answering coordination requests. Every transition is checked here, runs
//! in one transaction and is written to the audit log.

pub mod history;
pub mod status;
mod workflow;

pub use status::{TaskState, TaskStatus, judge_all, plan_states, task_states};
pub use workflow::*;

use serde::{Deserialize, Serialize};

/// 进展状态, as the unit reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
#[sqlx(type_name = "review_state", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    Draft,
    Submitted,
    Returned,
    Accepted,
}

impl ReviewState {
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
}

/// A coordination request's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize)]
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

//! 进展情况报送与督办: the report workflow (draft, submit, return, accept), closing tasks,
//! urging late units, answering coordination requests. Every transition is checked here, runs
//! in one transaction and is written to the audit log.

pub mod history;
pub mod status;
mod workflow;

pub use status::{TaskState, TaskStatus, judge_all, plan_states, task_states};
pub use workflow::*;

// The report's words live in the pure rules; re-exported here for the workflow's callers.
pub use crate::rules::vocabulary::{
    Assessment, CoordinationState, ReportAction, ReportStatus, ReviewState,
};

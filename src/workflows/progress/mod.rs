//! 进展情况报送与督办: the report workflow (draft, submit, return, accept), closing tasks,
//! urging late units, answering coordination requests. Every transition is checked here, runs
//! in one transaction and is written to the audit log.

mod attachments;
mod caller;
mod closure;
mod coordination;
mod error;
mod form_save;
pub mod history;
mod limits;
mod report;
mod review;
mod sign_off;
pub mod status;
mod submission;
mod submit_all;
mod urge;
mod visible;

// One flat namespace for the callers, as when all of this lived in one file.
pub use attachments::*;
pub use caller::*;
pub use closure::*;
pub use coordination::*;
pub use error::ProgressError;
pub use form_save::*;
pub use limits::*;
pub use report::*;
pub use review::*;
pub use sign_off::*;
pub use status::{TaskState, TaskStatus, judge_all, plan_states, task_states};
pub use submit_all::*;
pub use urge::*;
pub use visible::*;

// The report's words live in the pure rules; re-exported here for the workflow's callers.
pub use crate::rules::vocabulary::{
    Assessment, CoordinationState, ReportAction, ReportStatus, ReviewState,
};

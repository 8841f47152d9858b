//! 勘误: known corrections to a transcription, kept beside the document rather than edited
//! into it, so the source stays verbatim and every correction is visible and reported.

use super::Plan;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Erratum {
    /// The task's code, e.g. `6.2.1`.
    pub task: String,
    /// The text as transcribed (must occur exactly once in the task's text).
    pub wrong: String,
    /// The text as published.
    pub right: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Errata {
    #[serde(default, rename = "erratum")]
    pub errata: Vec<Erratum>,
}

/// An erratum as applied to a plan (reported by the import, stored with the plan).
pub type AppliedErratum = Erratum;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ErrataError {
    #[error("勘误文件格式错误(第{line}行): {message}")]
    Syntax { line: usize, message: String },
    #[error("勘误“{wrong}”: 找不到任务 {task}")]
    NoSuchTask { task: String, wrong: String },
    #[error("勘误“{wrong}”: 任务 {task} 的文字中出现 {count} 次,应恰好 1 次")]
    NotFoundOnce {
        task: String,
        wrong: String,
        count: usize,
    },
}

impl Errata {
    pub fn parse(text: &str) -> Result<Self, ErrataError> {
        toml::from_str(text).map_err(|e| ErrataError::Syntax {
            line: e.span().map_or(1, |s| {
                text[..s.start.min(text.len())].lines().count().max(1)
            }),
            message: e.message().to_string(),
        })
    }
}

/// Applies every erratum to the task texts (never to `source_text`). All or nothing: on an
/// error the plan is left unchanged.
pub fn apply_errata(plan: &mut Plan, errata: &Errata) -> Result<Vec<AppliedErratum>, ErrataError> {
    let mut corrected = plan.clone();
    for e in &errata.errata {
        let Some(task) = corrected.task_mut(&e.task) else {
            return Err(ErrataError::NoSuchTask {
                task: e.task.clone(),
                wrong: e.wrong.clone(),
            });
        };
        let count = if e.wrong.is_empty() {
            0
        } else {
            task.text.matches(e.wrong.as_str()).count()
        };
        if count != 1 {
            return Err(ErrataError::NotFoundOnce {
                task: e.task.clone(),
                wrong: e.wrong.clone(),
                count,
            });
        }
        task.text = task.text.replacen(e.wrong.as_str(), &e.right, 1);
    }
    *plan = corrected;
    Ok(errata.errata.clone())
}

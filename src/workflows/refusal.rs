//! Why a step of the rounds between the office, the units and the leaders was refused (延期申请,
//! 领导批示, 签收与申诉): one answer for the three, turned once into the web's errors.

pub use crate::rules::input::Fault;

#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    NotFound(&'static str),
    #[error("您的账号不能办理这一事项。")]
    Forbidden,
    /// Faults beside their fields (all of them at once).
    #[error("{}", .0.first().map(|f| f.1.as_str()).unwrap_or(""))]
    Fields(Vec<Fault>),
    /// The thing is no longer what the page showed, or the step does not fit its state.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<Fault> for Refusal {
    fn from(f: Fault) -> Self {
        Refusal::Fields(vec![f])
    }
}

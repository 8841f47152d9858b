//! Pure rules: no database, no network, no clock of their own (the date is always passed in).

pub mod access;
pub mod acknowledgements;
pub mod audit;
pub mod auth;
pub mod bulletin;
pub mod documents;
pub mod due_soon;
pub mod extensions;
#[cfg(test)]
mod fixtures;
pub mod input;
pub mod instructions;
pub mod lights;
pub mod milestones;
pub mod notices;
pub mod obligations;
pub mod plan;
pub mod reminders;
pub mod reporting;
pub mod schedule;
pub mod urgency;
pub mod vocabulary;

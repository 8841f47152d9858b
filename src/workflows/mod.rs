//! The operations of the office, the units and the leaders: each checks its rules, runs in one
//! transaction through [`crate::db`] and is recorded in the audit log.

pub mod accounts;
pub mod acknowledgements;
pub mod assignments;
pub mod attempts;
pub mod bulk_units;
pub mod demo;
pub mod documents;
pub mod editions;
pub mod extensions;
pub mod importer;
pub mod instructions;
pub mod ledger;
pub mod liaisons;
pub mod milestones;
pub mod notify;
pub mod plan_matching;
pub mod progress;
pub mod red_list;
pub mod refusal;
pub mod summary;
pub mod unit_record;

//! duban's integration tests, as one test binary: the crate is linked once for all of them
//! instead of once per file. Each module was a test binary of its own; `common` holds what
//! they share. Run one suite with a filter, e.g. `cargo test --test it -- hostile::`.
//!
//! Tests of different modules now run at once in one process. The suites that time what they
//! do under load (`faults`, `browser`) take turns through [`common::turns`], as they did when
//! they were separate binaries run one after another.

mod common;

mod acknowledgements;
mod assignments;
mod audit_words;
mod auth;
mod authz;
mod backup;
mod browser;
mod bulk;
mod cli;
mod demo;
mod desk;
mod documents;
mod edition_fixture;
mod edition_issue;
mod embedded;
mod exports;
mod extensions;
mod faults;
mod hostile;
mod import;
mod instructions;
mod milestones;
mod notify;
mod notify_processes;
mod notify_tls;
mod obligations;
mod openapi;
mod paging;
mod plan_matching;
mod progress;
mod queries;
mod reminders;
mod report_form;
mod roundtrip;
mod sign_off;
mod summary;
mod task_ledger;
mod truth;
mod urge_boxes;
mod visibility;
mod web;
mod year_over;

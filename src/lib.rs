//! duban (督办): supervising the carrying-out of an annual work plan (工作要点).
//!
//! The tree shows the layers, from the inside out; each imports only from the ones above it in
//! this list (but for the plain row types of `db` that `rules::reporting` judges):
//! - [`rules`]: pure rules with no I/O — the plan document and its parser, deadlines and
//!   periods, the report vocabulary, lights, who owes which report, roles and passwords;
//! - [`formats`]: files read and written — the Excel round trip, exports, attachments;
//! - [`db`]: PostgreSQL access (all SQL lives here) and migrations;
//! - [`workflows`]: the office's and units' operations, each one transaction — import, reports,
//!   assignments, accounts, summaries and editions, demo data;
//! - [`web`]: the axum application (pages, charts, JSON API, health);
//! - [`infra`]: the embedded cluster, configuration, the server and the command line.

pub mod db;
pub mod formats;
pub mod infra;
pub mod rules;
pub mod web;
pub mod workflows;

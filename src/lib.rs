//! duban (督办): supervising the carrying-out of an annual work plan (工作要点).
//!
//! Layers, from the inside out:
//! - [`plan`]: the document model and the pure parser of plan documents;
//! - [`db`]: PostgreSQL access (all SQL lives here) and migrations;
//! - [`importer`]: reading documents from disk and writing them in one transaction;
//! - [`embedded`]: the private PostgreSQL cluster used when `DATABASE_URL` is unset;
//! - [`web`]: the axum application (pages, JSON API, health);
//! - [`cli`]: the `duban` command line; [`server`] binds and serves.

pub mod accounts;
pub mod assignments;
pub mod attachments;
pub mod auth;
pub mod charts;
pub mod cli;
pub mod config;
pub mod database;
pub mod db;
pub mod demo;
pub mod editions;
pub mod embedded;
pub mod export;
pub mod importer;
pub mod lights;
pub mod plan;
pub mod progress;
pub mod reporting;
pub mod revision_cache;
pub mod roundtrip;
pub mod schedule;
pub mod server;
pub mod summary;
pub mod web;

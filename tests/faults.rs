//! Faults under load, with real processes and real HTTP: PostgreSQL stopped and started while
//! duban serves, SIGTERM while requests are in flight, and the quarter's end (100 liaisons and
//! 5 office sessions at once) against one and against two duban processes on one database.
//! Each test records its figures for `scripts/resilience`.

mod common;

/// The outage test times its failures: it runs alone, the others together.
static TURNS: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

#[path = "faults/http.rs"]
mod http;
#[path = "faults/outage.rs"]
mod outage;
#[path = "faults/plan.rs"]
mod plan;
#[path = "faults/process.rs"]
mod process;
#[path = "faults/quarter.rs"]
mod quarter;
#[path = "faults/shutdown.rs"]
mod shutdown;

//! Faults under load, with real processes and real HTTP: PostgreSQL stopped and started while
//! duban serves, SIGTERM while requests are in flight, and the quarter's end (100 liaisons and
//! 5 office sessions at once) against one and against two duban processes on one database.
//! Each test records its figures for `scripts/resilience`.

// The outage test times its failures: it runs alone, the others together (`common::turns`).

mod busy;
pub(crate) mod http;
mod outage;
mod plan;
pub(crate) mod process;
mod quarter;
mod shutdown;
mod slow_clients;

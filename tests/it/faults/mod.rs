//! Faults under load, with real processes and real HTTP: PostgreSQL stopped and started while
//! duban serves, SIGTERM while requests are in flight, and the quarter's end (100 liaisons and
//! 5 office sessions at once) against one and against two duban processes on one database, and
//! the office's decisions on the units' requests across a database restart.
//! Each test records its figures for `scripts/resilience`.

// The outage test times its failures: it runs alone, the others together (`common::turns`).

mod busy;
mod decisions;
pub(crate) mod http;
pub(crate) mod outage;
mod plan;
pub(crate) mod process;
mod quarter;
mod shutdown;
mod slow_clients;

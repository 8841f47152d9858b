//! Infrastructure: configuration, the database connection (an existing server or the embedded
//! private cluster), the HTTP server and the command line.

pub mod cli;
pub mod config;
mod connections;
pub mod database;
pub mod embedded;
pub mod server;

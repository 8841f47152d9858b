//! `duban with-db -- COMMAND…`: runs a command against the private cluster (the test script's
//! way to give `cargo test` a PostgreSQL on a machine where none is set up).

use crate::infra::config::DbArgs;
use crate::infra::embedded::EmbeddedPostgres;
use anyhow::Context;
use clap::Args;
use std::process::ExitCode;

#[derive(Debug, Clone, Args)]
pub struct WithDbArgs {
    /// The command and its arguments; DATABASE_URL is set to the cluster's `postgres` database.
    #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

pub async fn run(db: &DbArgs, args: &WithDbArgs) -> anyhow::Result<ExitCode> {
    let cluster = EmbeddedPostgres::start(&db.data_dir).await?;
    let url = cluster.database_url("postgres");
    let result = run_child(&args.command, &url).await;
    if let Err(e) = cluster.stop().await {
        tracing::warn!(error = %e, "stopping the embedded PostgreSQL failed");
    }
    result
}

async fn run_child(command: &[String], url: &str) -> anyhow::Result<ExitCode> {
    let (program, rest) = command.split_first().context("缺少要运行的命令")?;
    let mut child = tokio::process::Command::new(program)
        .args(rest)
        .env("DATABASE_URL", url)
        .spawn()
        .with_context(|| format!("无法运行 {program}"))?;
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let status = tokio::select! {
        status = child.wait() => status?,
        // Ctrl-C reaches the child through the terminal's process group; SIGTERM does not.
        _ = term.recv() => {
            if let Some(pid) = child.id() {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid as i32),
                    nix::sys::signal::Signal::SIGTERM,
                );
            }
            child.wait().await?
        }
        _ = tokio::signal::ctrl_c() => child.wait().await?,
    };
    Ok(ExitCode::from(
        status.code().unwrap_or(1).clamp(0, 255) as u8
    ))
}

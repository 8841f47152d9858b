//! Opening the database: the server named by `DATABASE_URL`, or the private cluster.

use crate::infra::config::DbArgs;
use crate::infra::embedded::EmbeddedPostgres;
use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;
use std::str::FromStr;

/// An open pool, and the private cluster behind it when there is one.
pub struct Database {
    pub pool: PgPool,
    embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// For `duban serve`: a private cluster is started and owned by this process (a second
    /// server on the same folder is refused).
    pub async fn open_for_serving(args: &DbArgs) -> anyhow::Result<Database> {
        Self::open_with(args, false).await
    }

    /// For every other command: a private cluster already run by `duban serve` is joined
    /// through its socket and left running; otherwise one is started for the command.
    pub async fn open(args: &DbArgs) -> anyhow::Result<Database> {
        Self::open_with(args, true).await
    }

    async fn open_with(args: &DbArgs, attach: bool) -> anyhow::Result<Database> {
        let (options, embedded) = match &args.database_url {
            Some(url) if !url.trim().is_empty() => {
                let options = PgConnectOptions::from_str(url)
                    .context("DATABASE_URL 格式无效（应为 postgres://用户@主机/数据库）")?;
                (options, None)
            }
            _ => {
                let cluster = if attach {
                    EmbeddedPostgres::start_or_attach(&args.data_dir).await?
                } else {
                    EmbeddedPostgres::start(&args.data_dir).await?
                };
                (cluster.connect_options("duban"), Some(cluster))
            }
        };
        let pool = crate::db::connect(options, args.db_pool_size)
            .await
            .context("无法连接数据库")?;
        Ok(Database { pool, embedded })
    }

    /// Closes the pool, then stops the private cluster if this process started it.
    pub async fn close(self) {
        self.pool.close().await;
        if let Some(cluster) = self.embedded
            && let Err(e) = cluster.stop().await
        {
            tracing::warn!(error = %e, "stopping the embedded PostgreSQL failed");
        }
    }
}

//! The data revision: raised by database triggers on every committed change to what the
//! cached pages show (see the `data_revision` migration).

use sqlx::{PgConnection, PgExecutor};

/// The current revision. Read it *before* the data a cached value is built from: the value is
/// then at least as new as the revision it is stored under.
pub async fn current(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar!("SELECT revision FROM data_revision")
        .fetch_one(db)
        .await
}

/// For the bulk loader's transaction: rows written from now on do not queue a revision
/// trigger each; the revision is raised once, here.
pub async fn bulk_load(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("SELECT set_config('duban.bulk_load', 'on', true)")
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query!("UPDATE data_revision SET revision = revision + 1")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

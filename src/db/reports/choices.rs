//! Whether a draft's 进展状态 and 自评 were chosen by its unit (see the migration
//! `report_choices`): a draft saved without them keeps placeholders that the form hides.

use sqlx::{PgConnection, PgExecutor};

/// (status chosen, self-assessment chosen) of a report; both true for a report not found.
pub async fn choices(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<(bool, bool)> {
    let row = sqlx::query!(
        "SELECT status_chosen, assessment_chosen FROM reports WHERE id = $1",
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map_or((true, true), |r| (r.status_chosen, r.assessment_chosen)))
}

pub async fn set_choices(
    conn: &mut PgConnection,
    id: i64,
    status_chosen: bool,
    assessment_chosen: bool,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE reports SET status_chosen = $2, assessment_chosen = $3 WHERE id = $1",
        id,
        status_chosen,
        assessment_chosen,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

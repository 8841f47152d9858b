//! `/tasks.xlsx` and `/tasks.csv`: the 台账 of exactly the tasks a `/tasks` query shows, for a
//! signed-in browser or an API token (scheduled pulls).

use super::query::PageQuery;
use super::tasks::{Rows, TasksQuery, select};
use crate::formats::export::{self, Ledger};
use crate::web::auth::CurrentUser;
use crate::web::{AppError, Clock, render};
use crate::workflows::ledger;
use axum::extract::State;
use axum::response::Response;
use sqlx::PgPool;

async fn ledger(
    pool: &PgPool,
    clock: Clock,
    user: &CurrentUser,
    q: &TasksQuery,
) -> Result<(Ledger, String), AppError> {
    let sel = select(pool, clock, user, q, Rows::All).await?;
    if sel.errors.any() {
        return Err(AppError::BadRequest(
            "筛选条件有误，请在任务页面更正后再导出。".into(),
        ));
    }
    let ledger = ledger::assemble(
        pool,
        ledger::Selected {
            settings: &sel.ctx.settings,
            title: &sel.ctx.plan.title,
            doc_number: sel.ctx.plan.doc_number.as_deref(),
            tasks: &sel.rows,
            states: &sel.states,
        },
        user.access(),
        clock.today(),
    )
    .await?;
    Ok((ledger, format!("台账-{}", clock.today())))
}

pub async fn xlsx(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    PageQuery(q): PageQuery<TasksQuery>,
) -> Result<Response, AppError> {
    let (ledger, file) = ledger(&pool, clock, &user, &q).await?;
    let bytes = export::ledger_xlsx(&ledger).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(render::download(
        bytes,
        render::XLSX,
        &format!("{file}.xlsx"),
    ))
}

pub async fn csv(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    PageQuery(q): PageQuery<TasksQuery>,
) -> Result<Response, AppError> {
    let (ledger, file) = ledger(&pool, clock, &user, &q).await?;
    Ok(render::download(
        export::ledger_csv(&ledger),
        "text/csv; charset=utf-8",
        &format!("{file}.csv"),
    ))
}

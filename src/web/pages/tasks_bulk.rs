//! `/tasks` bulk changes: 批量增加/批量移除 a unit goes to a confirmation page listing the tasks
//! it would change; the confirmed change is one recorded change with a one-step 撤销.

use super::tasks::{TasksQuery, back_query, render_list};
use crate::db::{self, bulk_changes::BulkTask, tasks::UnitRole};
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::Form;
use crate::web::ids::BulkChangeId;
use crate::web::plan_context::{self, Layout};
use crate::web::{AppError, Clock, render};
use crate::workflows::assignments::ChangeError;
use crate::workflows::bulk_units::{self, BulkOp, BulkPreview, role_label};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::PgPool;

/// The notice above the list after a bulk change, with its 撤销 button while it can be undone.
pub struct BulkNotice {
    pub text: String,
    pub undo: Option<i64>,
}

/// What the unit does on the tasks: `增加单位“公安部”（配合）` or `移除单位“公安部”`.
fn what(op: BulkOp, unit: &str) -> String {
    match op {
        BulkOp::Add(role) => format!("增加单位“{unit}”（{}）", role_label(role)),
        BulkOp::Remove => format!("移除单位“{unit}”"),
    }
}

fn op_of(op: &str, role: Option<UnitRole>) -> BulkOp {
    match role {
        Some(role) if op == "add" => BulkOp::Add(role),
        _ => BulkOp::Remove,
    }
}

/// The notice for `?bulk=` (a change just made) or `?undone=` (one just undone).
pub(super) async fn notice(
    pool: &PgPool,
    plan_id: i64,
    q: &TasksQuery,
) -> Result<Option<BulkNotice>, AppError> {
    let id = |raw: &Option<String>| raw.as_deref().and_then(|s| s.trim().parse::<i64>().ok());
    if let Some(id) = id(&q.undone) {
        let Some(c) = db::bulk_changes::get(pool, id).await? else {
            return Ok(None);
        };
        if c.plan_id != plan_id || c.undone_at.is_none() {
            return Ok(None);
        }
        let op = op_of(&c.op, c.role);
        return Ok(Some(BulkNotice {
            text: format!(
                "已撤销批量{}：{} 项任务的责任单位已恢复为调整前的状态。",
                what(op, &c.unit_name),
                c.tasks
            ),
            undo: None,
        }));
    }
    let Some(id) = id(&q.bulk) else {
        return Ok(None);
    };
    let Some(c) = db::bulk_changes::get(pool, id).await? else {
        return Ok(None);
    };
    if c.plan_id != plan_id {
        return Ok(None);
    }
    let op = op_of(&c.op, c.role);
    let text = match op {
        BulkOp::Add(role) => format!(
            "已为 {} 项任务增加单位“{}”（{}）。",
            c.tasks,
            c.unit_name,
            role_label(role)
        ),
        BulkOp::Remove => format!("已从 {} 项任务中移除单位“{}”。", c.tasks, c.unit_name),
    };
    Ok(Some(match c.undone_at {
        Some(_) => BulkNotice {
            text: format!("{text}这次调整已撤销。"),
            undo: None,
        },
        None => BulkNotice {
            text,
            undo: Some(c.id),
        },
    }))
}

#[derive(Template)]
#[template(path = "tasks_bulk_confirm.html")]
struct ConfirmPage {
    layout: Layout,
    /// 批量增加 or 批量移除
    title: String,
    /// `增加单位“公安部”（配合）`
    what: String,
    preview: BulkPreview,
    unit: String,
    op: &'static str,
    role: &'static str,
    back: String,
    /// Why the confirmation was refused (the page is shown again as things now stand).
    error: Option<String>,
}

impl ConfirmPage {
    /// Codes joined for a sentence: `1.1.1、1.1.2`.
    fn joined(&self, tasks: &[BulkTask]) -> String {
        tasks
            .iter()
            .map(|t| t.code.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }

    fn back_href(&self) -> String {
        if self.back.is_empty() {
            "/tasks".into()
        } else {
            format!("/tasks?{}", self.back)
        }
    }
}

/// The form fields by name.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, k: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    fn all(&self, k: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }

    /// The list the form came from: its address and query.
    fn back(&self) -> Result<(Uri, TasksQuery), AppError> {
        let invalid = || AppError::BadRequest("返回地址无效。".into());
        let uri: Uri = format!("/tasks?{}", self.get("back"))
            .parse()
            .map_err(|_| invalid())?;
        let Query(q) = Query::<TasksQuery>::try_from_uri(&uri).map_err(|_| invalid())?;
        Ok((uri, q))
    }
}

/// The op and unit the form asks for, or the message beside the bulk form.
fn read_op(f: &Fields) -> Result<(BulkOp, i64), String> {
    let remove = f.get("op") == "remove";
    let op = if remove {
        BulkOp::Remove
    } else {
        match f.get("role") {
            "lead" => BulkOp::Add(UnitRole::Lead),
            "co" | "" => BulkOp::Add(UnitRole::Co),
            _ => return Err("职责只能是“牵头”或“配合”".into()),
        }
    };
    match f.get("unit").parse::<i64>() {
        Ok(unit) => Ok((op, unit)),
        Err(_) => Err(format!("请选择要{}的单位", op.verb())),
    }
}

/// `POST /tasks/bulk-units`: what the bulk change would do, for confirming; nothing is written.
pub async fn preview(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = Fields(fields);
    let (back_uri, q) = f.back()?;
    let codes = f.all("task");
    let (op, unit_id) = match read_op(&f) {
        Ok(x) => x,
        Err(message) => {
            return render_list(&pool, clock, &user, &back_uri, q, Some(message), &codes).await;
        }
    };
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "tasks", &user).await?;
    let list = |message: String| {
        let (pool, user, back_uri, codes) = (&pool, &user, &back_uri, &codes);
        async move { render_list(pool, clock, user, back_uri, q, Some(message), codes).await }
    };
    match bulk_units::preview(&pool, ctx.plan.id, &codes, unit_id, op).await {
        Ok(preview) => Ok(confirm_page(
            StatusCode::OK,
            ctx.layout,
            preview,
            back_query(&back_uri),
            None,
        )),
        Err(ChangeError::Field { message, .. }) => list(message).await,
        Err(
            ChangeError::NotFound | ChangeError::Stale { .. } | ChangeError::WouldBeOverdue { .. },
        ) => list("部分任务已不存在，请刷新后重试".into()).await,
        Err(ChangeError::Db(e)) => Err(e.into()),
    }
}

fn confirm_page(
    status: StatusCode,
    layout: Layout,
    preview: BulkPreview,
    back: String,
    error: Option<String>,
) -> Response {
    let title = format!("批量{}", preview.op.verb());
    let page = ConfirmPage {
        layout,
        what: what(preview.op, &preview.unit_name),
        title,
        unit: preview.unit_id.to_string(),
        op: preview.op.as_str(),
        role: match preview.op.role() {
            Some(UnitRole::Lead) => "lead",
            _ => "co",
        },
        preview,
        back,
        error,
    };
    render::page(status, &page)
}

/// `POST /tasks/bulk-units/confirm`: applies the change previewed, as one recorded change.
pub async fn confirm(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = Fields(fields);
    let (back_uri, q) = f.back()?;
    let codes = f.all("task");
    let versions = f.all("version");
    let (op, unit_id) = match read_op(&f) {
        Ok(x) => x,
        Err(message) => {
            return render_list(&pool, clock, &user, &back_uri, q, Some(message), &[]).await;
        }
    };
    let seen: Option<Vec<(String, i32)>> = (codes.len() == versions.len())
        .then(|| {
            codes
                .iter()
                .zip(&versions)
                .map(|(c, v)| v.parse().ok().map(|v| (c.clone(), v)))
                .collect()
        })
        .flatten();
    let Some(seen) = seen else {
        let message = "确认表单中的任务与版本不一致，请重新勾选并预览".to_string();
        return render_list(&pool, clock, &user, &back_uri, q, Some(message), &[]).await;
    };
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "tasks", &user).await?;
    let back = back_query(&back_uri);
    match bulk_units::apply(
        &pool,
        &user.actor(addr),
        ctx.plan.id,
        &seen,
        unit_id,
        op,
        clock.today(),
    )
    .await
    {
        Ok(applied) => {
            let sep = if back.is_empty() { "" } else { "&" };
            Ok(
                Redirect::to(&format!("/tasks?{back}{sep}bulk={}", applied.change_id))
                    .into_response(),
            )
        }
        Err(ChangeError::Field { message, .. }) => {
            // Shown again as things now stand, with why it was refused.
            match bulk_units::preview(&pool, ctx.plan.id, &codes, unit_id, op).await {
                Ok(preview) => Ok(confirm_page(
                    StatusCode::CONFLICT,
                    ctx.layout,
                    preview,
                    back,
                    Some(message),
                )),
                Err(_) => render_list(&pool, clock, &user, &back_uri, q, Some(message), &[]).await,
            }
        }
        Err(
            ChangeError::NotFound | ChangeError::Stale { .. } | ChangeError::WouldBeOverdue { .. },
        ) => {
            let message = "部分任务已不存在，请刷新后重试".to_string();
            render_list(&pool, clock, &user, &back_uri, q, Some(message), &[]).await
        }
        Err(ChangeError::Db(e)) => Err(e.into()),
    }
}

/// `POST /tasks/bulk-units/{id}/undo`: 撤销 — the change's tasks back as they were before it.
pub async fn undo(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    BulkChangeId(id): BulkChangeId,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let f = Fields(fields);
    let (back_uri, q) = f.back()?;
    let ctx = plan_context::require(&pool, q.plan.as_deref(), "tasks", &user).await?;
    let back = back_query(&back_uri);
    match bulk_units::undo(&pool, &user.actor(addr), ctx.plan.id, id, clock.today()).await {
        Ok(_) => {
            let sep = if back.is_empty() { "" } else { "&" };
            Ok(Redirect::to(&format!("/tasks?{back}{sep}undone={id}")).into_response())
        }
        Err(ChangeError::Field { message, .. }) => {
            let mut r = render_list(&pool, clock, &user, &back_uri, q, Some(message), &[]).await?;
            *r.status_mut() = StatusCode::CONFLICT;
            Ok(r)
        }
        Err(
            ChangeError::NotFound | ChangeError::Stale { .. } | ChangeError::WouldBeOverdue { .. },
        ) => Err(BulkChangeId::missing()),
        Err(ChangeError::Db(e)) => Err(e.into()),
    }
}

//! The Excel round trip for units: download a pre-filled 填报模板 of the unit's tasks for the
//! period (`/my/template.xlsx`), fill it offline, upload it (`/my/upload`): every row is
//! checked, a preview shows what will be saved, and on confirmation all rows are saved as
//! drafts in one transaction. Nothing is saved while any cell is wrong.

use super::query::PageQuery;
use super::reports::caller;
use crate::db::{self, tasks::TaskFilter};
use crate::formats::roundtrip::{
    self, CellError, RoundTripError, Template, TemplateRow, UploadRow,
};
use crate::rules::vocabulary::ReportContent;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::plan_context::{self, Layout, PlanContext};
use crate::web::{AppError, Clock, render};
use crate::workflows::progress::{self, Assessment, ReportEdit, ReportInput, ReportStatus, Unsent};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::PgPool;
use tower_sessions::Session;

/// The session key of the rows awaiting confirmation; a new key for a new shape, so that a
/// preview kept in the older shape is not read (it asks for a new upload instead).
const PENDING: &str = "roundtrip.v2";

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    plan: Option<String>,
    period: Option<String>,
}

/// What the unit may report on for the period: (code, text, lead?, existing editable report).
struct Scope {
    ctx: PlanContext,
    unit_id: i64,
    unit: String,
    period_key: String,
    period_label: String,
    rows: Vec<TemplateRow>,
}

async fn scope(
    pool: &PgPool,
    clock: Clock,
    user: &CurrentUser,
    plan: Option<&str>,
    period: Option<&str>,
) -> Result<Scope, AppError> {
    let ctx = plan_context::require(pool, plan, "my", user).await?;
    let unit_id = user
        .unit_id
        .ok_or_else(|| AppError::BadRequest("填报模板只适用于联络员。".into()))?;
    let settings = ctx.settings.clone();
    let current = crate::workflows::summary::current_period(&settings, clock.today());
    let key = match period.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => p.to_string(),
        None => current
            .as_ref()
            .map(|p| p.key.clone())
            .ok_or_else(|| AppError::NotFound("当前没有报送期次。".into()))?,
    };
    let tasks = db::tasks::list(
        pool,
        ctx.plan.id,
        &TaskFilter {
            unit_id: Some(unit_id),
            ..TaskFilter::default()
        },
    )
    .await?;
    let reports = db::reports::for_unit(pool, ctx.plan.id, unit_id).await?;
    let mut rows = Vec::new();
    let mut label = None;
    for t in tasks.iter().filter(|t| t.closed_at.is_none()) {
        // Only what the unit owes: never a period that ended before it was assigned.
        let Some(p) = crate::rules::reporting::owed_by(&settings, t, unit_id)
            .into_iter()
            .find(|p| p.key == key)
        else {
            continue;
        };
        label.get_or_insert(p.label.clone());
        let existing = reports
            .iter()
            .find(|r| r.task_id == t.id && r.period == key);
        if existing.is_some_and(|r| !r.review_state.editable()) {
            continue;
        }
        rows.push(TemplateRow {
            code: t.code.clone(),
            task_text: t.text.clone(),
            role: if t.lead_ids.contains(&unit_id) {
                "牵头"
            } else {
                "配合"
            }
            .into(),
            status: existing.map(|r| r.status.as_str().to_string()),
            self_assessment: existing.map(|r| r.self_assessment.as_str().to_string()),
            work_done: existing.map(|r| r.work_done.clone()).unwrap_or_default(),
            problems: existing.map(|r| r.problems.clone()).unwrap_or_default(),
            next_steps: existing.map(|r| r.next_steps.clone()).unwrap_or_default(),
        });
    }
    let period_label =
        label.ok_or_else(|| AppError::NotFound(format!("本单位在“{key}”没有需要报送的任务。")))?;
    Ok(Scope {
        ctx,
        unit_id,
        unit: user.unit_name.clone().unwrap_or_default(),
        period_key: key,
        period_label,
        rows,
    })
}

pub async fn template(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    PageQuery(q): PageQuery<PeriodQuery>,
) -> Result<Response, AppError> {
    let s = scope(&pool, clock, &user, q.plan.as_deref(), q.period.as_deref()).await?;
    let file = format!("{}-{}-填报模板.xlsx", s.unit, s.period_key);
    let bytes = roundtrip::template_xlsx(&Template {
        unit: s.unit,
        period_key: s.period_key,
        period_label: s.period_label,
        rows: s.rows,
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(render::download(bytes, render::XLSX, &file))
}

#[derive(askama::Template)]
#[template(path = "upload.html")]
struct UploadPage {
    layout: Layout,
    unit: String,
    period_key: String,
    period_label: String,
    count: usize,
    error: Option<String>,
    cells: Vec<CellError>,
    preview: Vec<UploadRow>,
}

impl UploadPage {
    fn status_label(&self, code: &str) -> &'static str {
        ReportStatus::parse(code).map_or("", ReportStatus::label)
    }

    fn assessment_label(&self, code: &str) -> &'static str {
        Assessment::parse(code).map_or("", Assessment::label)
    }
}

fn page(
    s: Scope,
    error: Option<String>,
    cells: Vec<CellError>,
    preview: Vec<UploadRow>,
) -> UploadPage {
    UploadPage {
        count: s.rows.len(),
        layout: s.ctx.layout,
        unit: s.unit,
        period_key: s.period_key,
        period_label: s.period_label,
        error,
        cells,
        preview,
    }
}

pub async fn form(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    PageQuery(q): PageQuery<PeriodQuery>,
) -> Result<Response, AppError> {
    let s = scope(&pool, clock, &user, q.plan.as_deref(), q.period.as_deref()).await?;
    Ok(render::ok(&page(s, None, Vec::new(), Vec::new())))
}

/// The rows waiting for confirmation, kept in the session between preview and confirm.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Pending {
    plan_id: i64,
    unit_id: i64,
    period: String,
    rows: Vec<PendingRow>,
}

/// One previewed row: the task's code and what the unit wrote for it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct PendingRow {
    code: String,
    content: ReportContent,
}

/// A text field of the upload form. multer's `text()` replaces bytes that are not UTF-8; such a
/// field is refused instead, so that it is never read as some other plan or period; so is one
/// with a control character, as in every other form.
async fn utf8(field: axum::extract::multipart::Field<'_>) -> Result<String, AppError> {
    let name = field.name().unwrap_or_default().to_string();
    let bytes = field
        .bytes()
        .await
        .map_err(super::multipart_error("上传的内容无效。"))?;
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| AppError::BadRequest("上传的内容无效。".into()))?;
    if crate::rules::input::has_any_control(&text) {
        let label = if name == "plan" {
            "工作要点"
        } else {
            "报送期次"
        };
        return Err(AppError::Unprocessable {
            message: format!("“{label}”中含有不可见的控制字符（如 NUL），请删除后重新提交。"),
            field: name,
        });
    }
    Ok(text)
}

pub async fn upload(
    State(pool): State<PgPool>,
    State(clock): State<Clock>,
    user: CurrentUser,
    session: Session,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let bad = |m: &'static str| super::multipart_error(m);
    let (mut file, mut plan, mut period) = (None, None, None);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(bad("上传的内容无效或超过 5 MB。"))?
    {
        match field.name() {
            Some("file") => {
                file = Some(
                    field
                        .bytes()
                        .await
                        .map_err(bad("上传的文件无效或超过 5 MB。"))?,
                )
            }
            Some("plan") => plan = Some(utf8(field).await?),
            Some("period") => period = Some(utf8(field).await?),
            _ => {}
        }
    }
    let s = scope(&pool, clock, &user, plan.as_deref(), period.as_deref()).await?;
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return Ok(render::page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(
                s,
                Some("请选择要上传的 Excel 文件".into()),
                Vec::new(),
                Vec::new(),
            ),
        ));
    };
    let codes: Vec<String> = s.rows.iter().map(|r| r.code.clone()).collect();
    match roundtrip::read_upload(&file, &s.period_key, &codes) {
        Ok(rows) if rows.is_empty() => Ok(render::page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(
                s,
                Some("表格中没有填写任何进展".into()),
                Vec::new(),
                Vec::new(),
            ),
        )),
        Ok(rows) => {
            let pending = Pending {
                plan_id: s.ctx.plan.id,
                unit_id: s.unit_id,
                period: s.period_key.clone(),
                // The reader has checked every code; a row whose words are unknown is left out.
                rows: rows
                    .iter()
                    .filter_map(|r| {
                        Some(PendingRow {
                            code: r.code.clone(),
                            content: ReportContent {
                                status: ReportStatus::parse(&r.status)?,
                                self_assessment: Assessment::parse(&r.self_assessment)?,
                                work_done: r.work_done.clone(),
                                problems: r.problems.clone(),
                                next_steps: r.next_steps.clone(),
                            },
                        })
                    })
                    .collect(),
            };
            session.insert(PENDING, pending).await?;
            Ok(render::ok(&page(s, None, Vec::new(), rows)))
        }
        Err(RoundTripError::Cells(cells)) => {
            let message = format!(
                "表格中有 {} 处错误,请改正后重新上传;本次未保存任何内容。",
                cells.len()
            );
            Ok(render::page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(s, Some(message), cells, Vec::new()),
            ))
        }
        Err(e) => Ok(render::page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(
                s,
                Some(format!("{e};本次未保存任何内容。")),
                Vec::new(),
                Vec::new(),
            ),
        )),
    }
}

/// `POST /my/upload/confirm`: saves the previewed rows as drafts, all in one transaction.
pub async fn confirm(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    session: Session,
) -> Result<Response, AppError> {
    let pending: Pending = session
        .remove(PENDING)
        .await?
        .ok_or_else(|| AppError::BadRequest("没有待确认的上传内容,请重新上传。".into()))?;
    if user.unit_id != Some(pending.unit_id) {
        return Err(AppError::Forbidden);
    }
    let reports = pending
        .rows
        .into_iter()
        .map(|PendingRow { code, content }| {
            // The workbook has no column of coordination requests: a report's stay as they are.
            let input = ReportInput {
                period: pending.period.clone(),
                content,
                coordination: Vec::new(),
                submit: false,
            };
            let unsent = Unsent {
                coordination: true,
                ..Unsent::default()
            };
            (code, ReportEdit { input, unsent })
        })
        .collect::<Vec<_>>();
    let n = reports.len();
    progress::save_reports(
        &pool,
        &caller(&user, addr),
        pending.plan_id,
        pending.unit_id,
        reports,
    )
    .await?;
    Ok(Redirect::to(&format!("/my?imported={n}")).into_response())
}

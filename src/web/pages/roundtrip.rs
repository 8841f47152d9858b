//! The Excel round trip for units: download a pre-filled 填报模板 of the unit's tasks for any
//! open or overdue period (`/my/template.xlsx`; the period in focus by default), fill it
//! offline, upload it (`/my/upload`): every row is checked, a preview shows what will be
//! saved, and on confirmation all rows are saved as drafts in one transaction, and a summary
//! says what was created and updated. Nothing is saved while any cell is wrong. The drafts
//! just imported can then be submitted in one step (`/my/upload/submit`, 全部提交).

use super::query::PageQuery;
use super::reports::caller;
use crate::db::{self, tasks::TaskFilter};
use crate::formats::roundtrip::{
    self, CellError, RoundTripError, Template, TemplateRow, UploadRow,
};
use crate::rules::reporting;
use crate::rules::schedule::{Period, focus_of_cycle, in_focus};
use crate::rules::vocabulary::ReportContent;
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::forms::Form;
use crate::web::plan_context::{self, Layout, PlanContext};
use crate::web::{AppError, Clock, render};
use crate::workflows::progress::{
    self, Assessment, ImportedDraft, ReportEdit, ReportInput, ReportStatus, Unsent,
};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use sqlx::PgPool;
use tower_sessions::Session;

/// The session key of the rows awaiting confirmation; a new key for a new shape, so that a
/// preview kept in the older shape is not read (it asks for a new upload instead).
const PENDING: &str = "roundtrip.v3";

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
    /// The periods a template may be had for: (key, label, overdue), oldest first.
    choices: Vec<PeriodChoice>,
}

/// A period in the chooser.
pub struct PeriodChoice {
    key: String,
    label: String,
    /// Its due date has passed.
    overdue: bool,
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
    let tasks = db::tasks::list(
        pool,
        ctx.plan.id,
        &TaskFilter {
            unit_id: Some(unit_id),
            ..TaskFilter::default()
        },
    )
    .await?;
    let settings = ctx.settings.clone();
    let today = clock.today();
    let reports = db::reports::for_unit(pool, ctx.plan.id, unit_id).await?;
    let open: Vec<_> = tasks.iter().filter(|t| t.closed_at.is_none()).collect();
    // Every period begun by today in which some task still waits for the unit's report.
    let mut owed: Vec<Period> = Vec::new();
    for t in &open {
        for p in reporting::owed_by(&settings, t, unit_id) {
            let waiting = reports
                .iter()
                .find(|r| r.task_id == t.id && r.period == p.key)
                .is_none_or(|r| r.review_state.editable());
            if p.start <= today && waiting && !owed.iter().any(|o| o.key == p.key) {
                owed.push(p);
            }
        }
    }
    owed.sort_by_key(|p| (p.start, p.end));
    let key = match period.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => p.to_string(),
        None => {
            let focus = focus_of_cycle(
                settings.cycle,
                settings.year,
                settings.due_days.max(0) as u32,
                today,
            );
            focus
                .filter(|f| owed.iter().any(|o| o.key == f.key))
                .or_else(|| in_focus(&owed, today).cloned())
                .map(|p| p.key)
                .ok_or_else(|| AppError::NotFound("本单位当前没有需要报送的期次。".into()))?
        }
    };
    let mut rows = Vec::new();
    let mut label = None;
    for t in &open {
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
        let (coordination, chosen) = match existing {
            Some(r) => (
                open_requests(pool, r.id).await?.join("\n"),
                db::reports::choices(pool, r.id).await?,
            ),
            None => (String::new(), (true, true)),
        };
        rows.push(TemplateRow {
            code: t.code.clone(),
            task_text: t.text.clone(),
            role: if t.lead_ids.contains(&unit_id) {
                "牵头"
            } else {
                "配合"
            }
            .into(),
            // A choice the unit has not made stays empty in the workbook too.
            status: existing
                .filter(|_| chosen.0)
                .map(|r| r.status.as_str().to_string()),
            self_assessment: existing
                .filter(|_| chosen.1)
                .map(|r| r.self_assessment.as_str().to_string()),
            work_done: existing.map(|r| r.work_done.clone()).unwrap_or_default(),
            problems: existing.map(|r| r.problems.clone()).unwrap_or_default(),
            next_steps: existing.map(|r| r.next_steps.clone()).unwrap_or_default(),
            coordination,
        });
    }
    let period_label = label.ok_or_else(|| {
        AppError::NotFound(format!(
            "本单位在“{}”没有需要报送的任务。",
            crate::rules::schedule::period_label(&key)
        ))
    })?;
    let choices = owed
        .into_iter()
        .map(|p| PeriodChoice {
            overdue: p.due < today,
            key: p.key,
            label: p.label,
        })
        .collect();
    Ok(Scope {
        ctx,
        unit_id,
        unit: user.unit_name.clone().unwrap_or_default(),
        period_key: key,
        period_label,
        rows,
        choices,
    })
}

/// The texts of a report's open coordination requests, in their order.
async fn open_requests(pool: &PgPool, report_id: i64) -> Result<Vec<String>, AppError> {
    Ok(db::coordination::for_report(pool, report_id)
        .await?
        .into_iter()
        .filter(|c| c.state == progress::CoordinationState::Open && !c.withdrawn)
        .map(|c| c.text)
        .collect())
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
    /// The cells in error, by row.
    cells: Vec<(u32, CellError)>,
    preview: Vec<UploadRow>,
    choices: Vec<PeriodChoice>,
}

impl UploadPage {
    fn status_label(&self, code: &str) -> &'static str {
        ReportStatus::parse(code).map_or("", ReportStatus::label)
    }

    fn assessment_label(&self, code: &str) -> &'static str {
        Assessment::parse(code).map_or("", Assessment::label)
    }

    /// A row's coordination requests as the preview shows them.
    fn requests(&self, row: &UploadRow) -> String {
        match &row.coordination {
            None => "（模板无此列，保持不变）".into(),
            Some(list) if list.is_empty() => "无".into(),
            Some(list) => list.join("；"),
        }
    }
}

/// The Excel row of a cell reference such as `D7`.
fn row_of(cell: &str) -> u32 {
    cell.trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .unwrap_or(0)
}

fn page(
    s: Scope,
    error: Option<String>,
    cells: Vec<CellError>,
    preview: Vec<UploadRow>,
) -> UploadPage {
    let mut cells: Vec<(u32, CellError)> =
        cells.into_iter().map(|c| (row_of(&c.cell), c)).collect();
    cells.sort_by_key(|(row, _)| *row);
    UploadPage {
        count: s.rows.len(),
        layout: s.ctx.layout,
        unit: s.unit,
        period_key: s.period_key,
        period_label: s.period_label,
        error,
        cells,
        preview,
        choices: s.choices,
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
    /// `None`: the workbook had no 需协调事项 column; the report's requests stay.
    coordination: Option<Vec<String>>,
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
                            coordination: r.coordination.clone(),
                        })
                    })
                    .collect(),
            };
            session.insert(PENDING, pending).await?;
            Ok(render::ok(&page(s, None, Vec::new(), rows)))
        }
        Err(RoundTripError::Cells(cells)) => {
            let message = format!(
                "表格中有 {} 处错误，请改正后重新上传；本次未保存任何内容。",
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
                Some(format!("{e}；本次未保存任何内容。")),
                Vec::new(),
                Vec::new(),
            ),
        )),
    }
}

/// One row of the import summary.
struct ImportedRow {
    code: String,
    task_text: String,
    /// 新建 or 更新.
    action: &'static str,
    state: &'static str,
    report_id: i64,
}

#[derive(askama::Template)]
#[template(path = "upload_done.html")]
struct DonePage {
    layout: Layout,
    unit: String,
    period_label: String,
    notice: String,
    rows: Vec<ImportedRow>,
    /// `id:version,…` of the drafts 全部提交 submits; empty: nothing left to submit.
    drafts: String,
    refused: Vec<progress::NotSubmitted>,
}

/// `POST /my/upload/confirm`: saves the previewed rows as drafts, all in one transaction, and
/// shows what was imported.
pub async fn confirm(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    session: Session,
) -> Result<Response, AppError> {
    let pending: Pending = session
        .remove(PENDING)
        .await?
        .ok_or_else(|| AppError::BadRequest("没有待确认的上传内容，请重新上传。".into()))?;
    if user.unit_id != Some(pending.unit_id) {
        return Err(AppError::Forbidden);
    }
    let before = db::reports::for_unit(&pool, pending.plan_id, pending.unit_id).await?;
    let existed = |code: &str| {
        before
            .iter()
            .any(|r| r.code == code && r.period == pending.period)
    };
    let actions: Vec<&'static str> = pending
        .rows
        .iter()
        .map(|r| if existed(&r.code) { "更新" } else { "新建" })
        .collect();
    let reports = pending
        .rows
        .into_iter()
        .map(
            |PendingRow {
                 code,
                 content,
                 coordination,
             }| {
                // A workbook without the 需协调事项 column leaves a report's requests as they are.
                let unsent = Unsent {
                    coordination: coordination.is_none(),
                    ..Unsent::default()
                };
                let input = ReportInput {
                    period: pending.period.clone(),
                    content,
                    coordination: coordination.unwrap_or_default(),
                    submit: false,
                };
                (code, ReportEdit { input, unsent })
            },
        )
        .collect::<Vec<_>>();
    let saved = progress::save_reports(
        &pool,
        &caller(&user, addr),
        pending.plan_id,
        pending.unit_id,
        reports,
    )
    .await?;
    let ctx = plan_context::require(&pool, Some(&pending.plan_id.to_string()), "my", &user).await?;
    let texts = task_texts(&pool, pending.plan_id, pending.unit_id).await?;
    let drafts = saved
        .iter()
        .map(|r| format!("{}:{}", r.id, r.version))
        .collect::<Vec<_>>()
        .join(",");
    let (created, updated) = (
        actions.iter().filter(|a| **a == "新建").count(),
        actions.iter().filter(|a| **a == "更新").count(),
    );
    let rows = saved
        .iter()
        .zip(actions)
        .map(|(r, action)| ImportedRow {
            task_text: texts.get(&r.code).cloned().unwrap_or_default(),
            code: r.code.clone(),
            action,
            state: r.review_state.label(),
            report_id: r.id,
        })
        .collect();
    let period_label = super::reports::period_label(&pending.period);
    Ok(render::ok(&DonePage {
        layout: ctx.layout,
        unit: user.unit_name.clone().unwrap_or_default(),
        notice: format!(
            "已导入{period_label}的 {} 项：新建 {created} 项，更新 {updated} 项，均为草稿。核对后可逐项提交，或一次“全部提交”。",
            created + updated
        ),
        period_label,
        rows,
        drafts,
        refused: Vec::new(),
    }))
}

/// The unit's tasks' texts by code, for the summary.
async fn task_texts(
    pool: &PgPool,
    plan_id: i64,
    unit_id: i64,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    Ok(db::tasks::list(
        pool,
        plan_id,
        &TaskFilter {
            unit_id: Some(unit_id),
            ..TaskFilter::default()
        },
    )
    .await?
    .into_iter()
    .map(|t| (t.code, t.text))
    .collect())
}

#[derive(Debug, Default, Deserialize)]
pub struct SubmitAllForm {
    #[serde(default)]
    plan: Option<String>,
    /// `id:version,…` as the import summary lists them.
    #[serde(default)]
    drafts: String,
}

/// `POST /my/upload/submit`: 全部提交, the drafts just imported, in one transaction; a draft
/// changed since the import is left as it is and named.
pub async fn submit_all(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Form(f): Form<SubmitAllForm>,
) -> Result<Response, AppError> {
    let ctx = plan_context::require(&pool, f.plan.as_deref(), "my", &user).await?;
    let unit_id = user
        .unit_id
        .ok_or_else(|| AppError::BadRequest("全部提交只适用于联络员。".into()))?;
    let drafts = f
        .drafts
        .split(',')
        .filter(|d| !d.trim().is_empty())
        .map(|d| {
            let (id, version) = d.trim().split_once(':')?;
            Some(ImportedDraft {
                report_id: id.parse().ok()?,
                version: version.parse().ok()?,
            })
        })
        .collect::<Option<Vec<_>>>()
        .filter(|d| !d.is_empty())
        .ok_or_else(|| AppError::BadRequest("没有要提交的草稿，请重新导入。".into()))?;
    let done = progress::submit_drafts(&pool, &caller(&user, addr), &drafts).await?;
    let texts = task_texts(&pool, ctx.plan.id, unit_id).await?;
    let period_label = done
        .submitted
        .first()
        .map(|r| super::reports::period_label(&r.period))
        .unwrap_or_default();
    let notice = if done.submitted.is_empty() {
        "没有提交任何报送。".to_string()
    } else {
        format!(
            "已提交{period_label}的 {} 份报送，等待办公室审核。",
            done.submitted.len()
        )
    };
    let rows = done
        .submitted
        .iter()
        .map(|r| ImportedRow {
            task_text: texts.get(&r.code).cloned().unwrap_or_default(),
            code: r.code.clone(),
            action: "提交",
            state: r.review_state.label(),
            report_id: r.id,
        })
        .collect();
    Ok(render::ok(&DonePage {
        layout: ctx.layout,
        unit: user.unit_name.clone().unwrap_or_default(),
        period_label,
        notice,
        rows,
        drafts: String::new(),
        refused: done.refused,
    }))
}

//! `GET|POST /api/v1/plans/{id}/tasks/{code}/reports`: a unit's own system files reports with a
//! liaison token, under the same rules as the pages and with JSON errors. `GET` reads the
//! submitted versions only (as `Access::may_read_working_copy` says of every API read): a
//! working copy is seen on the report's own page alone.

use super::addresses::TaskAddress;
use super::doc::{ReadRefusals, WriteRefusals};
use super::{PageInfo, Paging};
use crate::db::{self, reports::ReportRow};
use crate::rules::vocabulary::{CoordinationState, ReportContent, ReviewState};
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::{ApiError, AppError};
use crate::workflows::progress::{
    self, Assessment, Caller, ReportEdit, ReportInput, ReportStatus, Unsent,
};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::PgPool;

const FIELDS: &[&str] = &[
    "period",
    "status",
    "self_assessment",
    "work_done",
    "problems",
    "next_steps",
    "coordination",
    "submit",
    "unit",
    "version",
];

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError(AppError::Unprocessable {
        field: field.into(),
        message: message.into(),
    })
}

/// A report as the API answers it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportJson {
    /// Filed by a liaison of a unit whose head signs off: waiting for the head (签发), not
    /// yet with the office. Only in the answer to a filing.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    awaiting_sign_off: Option<bool>,
    id: i64,
    /// The reporting period, e.g. `2022-Q3`, `2022-H1`, `2022-07`.
    period: String,
    /// The reporting unit's short name.
    unit: String,
    /// The version to send back with a change.
    version: i32,
    review_state: ReviewState,
    status: ReportStatus,
    self_assessment: Assessment,
    /// The office's assessment, once it has reviewed the report.
    office_assessment: Option<Assessment>,
    work_done: String,
    problems: String,
    next_steps: String,
    coordination: Vec<CoordinationJson>,
    due_on: NaiveDate,
    submitted_at: Option<DateTime<Utc>>,
    /// The office's reason, when it returned the report.
    return_reason: Option<String>,
}

/// 协调事项: a coordination request raised with a report, and the office's answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CoordinationJson {
    text: String,
    state: CoordinationState,
    answer: Option<String>,
}

/// A page of a task's reports the caller may read.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportPage {
    reports: Vec<ReportJson>,
    #[serde(flatten)]
    page: PageInfo,
}

/// The body of `POST …/reports`; unknown fields are refused.
// For the description only: `create` reads the JSON itself, to name the field of a bad value;
// a unit test holds the two to the same fields.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "period": "2022-Q3", "status": "in_progress", "self_assessment": "on_track",
    "work_done": "已召开专题部署会，制定实施方案。", "coordination": ["请协调数据共享"], "submit": false
}))]
#[allow(dead_code)]
pub struct NewReport {
    /// A period the task reports in, e.g. `2022-Q3`.
    #[schema(example = "2022-Q3")]
    period: String,
    status: ReportStatus,
    self_assessment: Assessment,
    /// 工作进展及成效: required, not blank.
    #[schema(max_length = 5000, pattern = r"\S")]
    work_done: String,
    #[schema(max_length = 5000)]
    problems: Option<String>,
    #[schema(max_length = 5000)]
    next_steps: Option<String>,
    /// 需协调事项, one per item.
    coordination: Option<Vec<String>>,
    /// `true` submits the report to the office; `false` (the default) keeps a draft.
    #[schema(required = false)]
    submit: bool,
    /// The unit's short name: an office token names it; a liaison's is its own.
    #[schema(required = false, nullable = false)]
    unit: Option<String>,
    /// The version read, to change an existing report; 0 or absent for a new one.
    #[schema(minimum = 0, maximum = 2147483647)]
    version: Option<i32>,
}

pub(super) fn json_of(
    r: &ReportRow,
    coordination: &[db::coordination::CoordinationRow],
) -> ReportJson {
    let coordination = coordination
        .iter()
        .filter(|c| c.report_id == r.id)
        .map(|c| CoordinationJson {
            text: c.text.clone(),
            state: c.state,
            answer: c.answer.clone(),
        })
        .collect();
    ReportJson {
        awaiting_sign_off: None,
        id: r.id,
        period: r.period.clone(),
        unit: r.unit_name.clone(),
        version: r.version,
        review_state: r.review_state,
        status: r.status,
        self_assessment: r.self_assessment,
        office_assessment: r.office_assessment,
        work_done: r.work_done.clone(),
        problems: r.problems.clone(),
        next_steps: r.next_steps.clone(),
        coordination,
        due_on: r.due_on,
        submitted_at: r.submitted_at,
        return_reason: r.return_reason.clone(),
    }
}

/// A page of the task's reports the caller may read: the office and leaders all, a lead unit's
/// liaison all of the task's, other liaisons their unit's own.
#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/tasks/{code}/reports",
    operation_id = "list_reports",
    tag = "reports",
    params(
        TaskAddress,
        Paging,
    ),
    responses(
        (status = 200, description = "The page of reports", body = ReportPage),
        ReadRefusals,
    )
)]
pub async fn list(
    State(pool): State<PgPool>,
    user: CurrentUser,
    Path(address): Path<TaskAddress>,
    Query(paging): Query<Paging>,
) -> Result<Json<ReportPage>, ApiError> {
    let (_, task) = address.find(&pool).await?;
    // The submitted versions of the reports the caller may read (the office and leaders all,
    // a lead unit's liaison all of the task's, others their own): an API read never shows a
    // working copy, nor a report never submitted.
    let access = user.access();
    let total = progress::count_task_reports(&pool, access, task.id, &task.lead_ids).await?;
    let pager = paging.pager(total);
    let window = db::Window {
        limit: pager.per_page,
        offset: pager.offset(),
    };
    let versions =
        progress::task_reports_window(&pool, access, task.id, &task.lead_ids, window).await?;
    let ids: Vec<i64> = versions.iter().map(|v| v.report.id).collect();
    let coordination =
        progress::submitted_coordination(db::coordination::of_reports(&pool, &ids).await?);
    let items = versions
        .iter()
        .map(|v| json_of(&v.report, &coordination))
        .collect();
    Ok(Json(ReportPage {
        reports: items,
        page: PageInfo::of(&pager),
    }))
}

fn text(obj: &Map<String, Value>, key: &str, required: bool) -> Result<String, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) if !required => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        _ => Err(bad(
            key,
            if required {
                "必填，应为文字"
            } else {
                "应为文字"
            },
        )),
    }
}

/// Files (or changes) the report of a unit for the task and a period, as a draft or submitted.
#[utoipa::path(
    post,
    path = "/api/v1/plans/{id}/tasks/{code}/reports",
    operation_id = "file_report",
    tag = "reports",
    params(
        TaskAddress,
    ),
    request_body = NewReport,
    responses(
        (status = 200, description = "The report as stored", body = ReportJson),
        WriteRefusals,
    )
)]
pub async fn create(
    State(pool): State<PgPool>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(address): Path<TaskAddress>,
    body: Bytes,
) -> Result<Json<ReportJson>, ApiError> {
    let plan_id = super::plans::known_plan(&pool, &address.id).await?;
    let obj = &super::json_object(&body)?;
    if let Some(k) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(bad(k, "未知字段"));
    }
    let period = text(obj, "period", true)?;
    let status = ReportStatus::parse(&text(obj, "status", true)?)
        .ok_or_else(|| bad("status", "应为 not_started、in_progress、done 或 behind"))?;
    let self_assessment = Assessment::parse(&text(obj, "self_assessment", true)?)
        .ok_or_else(|| bad("self_assessment", "应为 on_track、at_risk 或 off_track"))?;
    let coordination = match obj.get("coordination") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad(&format!("coordination[{i}]"), "应为文字"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(bad("coordination", "应为文字数组")),
    };
    let submit = match obj.get("submit") {
        Some(Value::Bool(b)) => *b,
        None => false,
        Some(_) => return Err(bad("submit", "应为 true 或 false")),
    };
    let version = match obj.get("version") {
        None | Some(Value::Null) => 0,
        Some(v) => v
            .as_i64()
            .and_then(|v| i32::try_from(v).ok())
            .filter(|v| *v >= 0)
            .ok_or_else(|| bad("version", "应为不小于 0 的整数"))?,
    };
    // The unit: the liaison's own, or for the office the one named.
    let unit_id = match (obj.get("unit"), user.unit_id) {
        (Some(Value::String(name)), _) => {
            let settings = db::plans::settings(&pool, plan_id)
                .await?
                .ok_or_else(|| ApiError(AppError::NotFound("找不到该工作要点".into())))?;
            db::assignments::directory_units(&pool, &settings.issuer)
                .await?
                .into_iter()
                .find(|(_, n)| n == name.trim())
                .map(|(id, _)| id)
                .ok_or_else(|| bad("unit", format!("名录中没有单位“{name}”")))?
        }
        (None, Some(u)) => u,
        (None, None) => return Err(bad("unit", "请指明填报单位（单位简称）")),
        (Some(_), _) => return Err(bad("unit", "应为单位简称")),
    };
    // An optional part left out of the body stays as stored (`null` or `[]` clears it).
    let unsent = Unsent {
        problems: !obj.contains_key("problems"),
        next_steps: !obj.contains_key("next_steps"),
        coordination: !obj.contains_key("coordination"),
    };
    let input = ReportInput {
        period,
        content: ReportContent {
            status,
            self_assessment,
            work_done: text(obj, "work_done", true)?,
            problems: text(obj, "problems", false)?,
            next_steps: text(obj, "next_steps", false)?,
        },
        coordination,
        submit,
    };
    let input = ReportEdit { input, unsent };
    let caller = Caller {
        actor: user.actor(addr),
        role: user.role,
        unit_id: user.unit_id,
    };
    // A report that exists is only changed from the version read (0 when none was given).
    // The answer is read inside the transaction: once it commits nothing more can fail, so a
    // write is acknowledged exactly when it was committed.
    let mut tx = pool.begin().await?;
    let row = progress::save_report_in(
        &mut tx,
        &caller,
        plan_id,
        &address.code,
        unit_id,
        input,
        Some(version),
    )
    .await?;
    // The caller wrote it: the working copy's requests.
    let coordination: Vec<_> = db::coordination::for_report(&mut *tx, row.id)
        .await?
        .into_iter()
        .filter(|c| !c.withdrawn)
        .collect();
    let awaiting = db::sign_offs::open(&mut tx, row.id).await?.is_some();
    tx.commit().await?;
    let mut json = json_of(&row, &coordination);
    json.awaiting_sign_off = Some(awaiting);
    Ok(Json(json))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The description names exactly the fields the handler reads, with the text limit in force.
    #[test]
    fn new_report_documents_the_fields_read() {
        let schema = super::super::assert_documents::<NewReport>(FIELDS);
        for text in ["work_done", "problems", "next_steps"] {
            assert_eq!(
                schema["properties"][text]["maxLength"],
                crate::rules::vocabulary::MAX_TEXT_CHARS,
                "{text}"
            );
        }
    }
}

//! `PATCH /api/v1/plans/{id}/tasks/{code}`: the office's changes to a task, under the same
//! rules as the pages: the `version` read, 409 when stale, 422 naming the field of a bad value.

use super::addresses::TaskAddress;
use super::doc::WriteRefusals;
use super::plans::{DeadlineJson, TaskJson};
use crate::db::{self, tasks::UnitRole};
use crate::rules::schedule::{Checkpoint, Cycle, Deadline};
use crate::web::auth::{ClientAddr, CurrentUser};
use crate::web::{ApiError, AppError};
use crate::workflows::assignments::{self, ChangeError, TaskChange, UnitAssignment, UnitsChange};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use serde_json::Value;
use sqlx::PgPool;

const FIELDS: &[&str] = &[
    "version",
    "leads",
    "co",
    "deadline",
    "cycle",
    "designation_complete",
];

/// The body of `PATCH …/tasks/{code}`: absent fields are left as they are; unknown fields are
/// refused.
// For the description only: `patch` reads the JSON itself, to name the field of a bad value;
// a unit test holds the two to the same fields.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "version": 1, "cycle": "monthly",
    "deadline": {"kind": "staged", "checkpoints": [{"date": "2022-09-30", "title": "完成部署"}]}
}))]
#[allow(dead_code)]
pub struct TaskPatch {
    /// The task's version as read; a newer one answers 409.
    #[schema(minimum = -2147483648, maximum = 2147483647)]
    version: i32,
    /// 牵头单位: unit short names of the plan's directory, replacing the lead units.
    #[schema(required = false, nullable = false)]
    leads: Option<Vec<String>>,
    /// 配合单位: unit short names, replacing the co-responsible units.
    #[schema(required = false, nullable = false)]
    co: Option<Vec<String>>,
    /// The task's own deadline, or `null` for the plan's default.
    #[schema(required = false)]
    deadline: Option<DeadlineJson>,
    /// The task's own reporting cycle, or `null` for the plan's.
    #[schema(required = false)]
    cycle: Option<Cycle>,
    /// True once every unit is designated.
    #[schema(required = false, nullable = false)]
    designation_complete: Option<bool>,
}

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError(AppError::Unprocessable {
        field: field.to_string(),
        message: message.into(),
    })
}

fn date(v: &Value, field: &str) -> Result<NaiveDate, ApiError> {
    v.as_str()
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .ok_or_else(|| bad(field, "应为 YYYY-MM-DD 格式的日期"))
}

/// `null` (the plan's default) or `{kind, date?, checkpoints?}`.
fn read_deadline(v: &Value) -> Result<Option<Deadline>, ApiError> {
    if v.is_null() {
        return Ok(None);
    }
    let obj = v
        .as_object()
        .ok_or_else(|| bad("deadline", "应为对象 {kind, date?, checkpoints?} 或 null"))?;
    if let Some(k) = obj
        .keys()
        .find(|k| !["kind", "date", "checkpoints"].contains(&k.as_str()))
    {
        return Err(bad(&format!("deadline.{k}"), "未知字段"));
    }
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    Ok(Some(match kind {
        "date" => Deadline::Date(date(
            obj.get("date").unwrap_or(&Value::Null),
            "deadline.date",
        )?),
        "year_end" => Deadline::YearEnd,
        "ongoing" => Deadline::Ongoing,
        "staged" => {
            let list = obj
                .get("checkpoints")
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    bad(
                        "deadline.checkpoints",
                        "分阶段推进须给出节点数组 [{date, title}]",
                    )
                })?;
            let mut points = Vec::with_capacity(list.len());
            for (i, c) in list.iter().enumerate() {
                let at = format!("deadline.checkpoints[{i}]");
                let title = c
                    .get("title")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad(&format!("{at}.title"), "节点说明应为文字"))?;
                points.push(Checkpoint {
                    date: date(c.get("date").unwrap_or(&Value::Null), &format!("{at}.date"))?,
                    title: title.trim().to_string(),
                });
            }
            points.sort_by_key(|c| c.date);
            Deadline::Staged(points)
        }
        _ => {
            return Err(bad(
                "deadline.kind",
                "应为 date、year_end、ongoing 或 staged",
            ));
        }
    }))
}

/// Unit names (as the document writes them) of the plan's directory, to ids.
fn read_units(v: &Value, field: &str, directory: &[(i64, String)]) -> Result<Vec<i64>, ApiError> {
    let list = v
        .as_array()
        .ok_or_else(|| bad(field, "应为单位简称的数组"))?;
    list.iter()
        .enumerate()
        .map(|(i, name)| {
            let name = name
                .as_str()
                .ok_or_else(|| bad(&format!("{field}[{i}]"), "应为单位简称"))?;
            directory
                .iter()
                .find(|(_, n)| n == name.trim())
                .map(|(id, _)| *id)
                .ok_or_else(|| bad(&format!("{field}[{i}]"), format!("名录中没有单位“{name}”")))
        })
        .collect()
}

/// The office changes a task's units, deadline, cycle or designation, from the version read.
#[utoipa::path(
    patch,
    path = "/api/v1/plans/{id}/tasks/{code}",
    operation_id = "change_task",
    tag = "tasks",
    params(
        TaskAddress,
    ),
    request_body = TaskPatch,
    responses(
        (status = 200, description = "The task as changed", body = TaskJson),
        WriteRefusals,
    )
)]
pub async fn patch(
    State(pool): State<PgPool>,
    State(clock): State<crate::web::Clock>,
    user: CurrentUser,
    ClientAddr(addr): ClientAddr,
    Path(address): Path<TaskAddress>,
    body: Bytes,
) -> Result<Json<TaskJson>, ApiError> {
    let (plan_id, task) = address.find(&pool).await?;
    let code = &address.code;
    let missing = || address.missing();
    let obj = &super::json_object(&body)?;
    if let Some(k) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(bad(k, "未知字段"));
    }
    let version = obj
        .get("version")
        .and_then(Value::as_i64)
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| bad("version", "须给出读取时的版本号（整数）"))?;
    // The page asks before a change makes reports overdue at once; an API client states the
    // whole change it wants.
    let mut change = TaskChange {
        version,
        confirm_overdue: true,
        ..TaskChange::default()
    };
    if obj.contains_key("leads") || obj.contains_key("co") {
        let settings = db::plans::settings(&pool, plan_id)
            .await?
            .ok_or_else(missing)?;
        let directory = db::assignments::directory_units(&pool, &settings.issuer).await?;
        let current = db::assignments::units(&pool, task.id).await?;
        let keep = |role: UnitRole| {
            current
                .iter()
                .filter(move |u| u.role == role)
                .map(|u| u.unit_id)
                .collect::<Vec<_>>()
        };
        let leads = match obj.get("leads") {
            Some(v) => read_units(v, "leads", &directory)?,
            None => keep(UnitRole::Lead),
        };
        let co = match obj.get("co") {
            Some(v) => read_units(v, "co", &directory)?,
            None => keep(UnitRole::Co),
        };
        let units = leads
            .into_iter()
            .map(|unit_id| UnitAssignment {
                unit_id,
                role: UnitRole::Lead,
            })
            .chain(co.into_iter().map(|unit_id| UnitAssignment {
                unit_id,
                role: UnitRole::Co,
            }))
            .collect();
        change.units = Some(UnitsChange::Replace(units));
    }
    if let Some(v) = obj.get("deadline") {
        change.deadline = Some(read_deadline(v)?);
    }
    if let Some(v) = obj.get("cycle") {
        change.cycle = Some(match v {
            Value::Null => None,
            Value::String(s) => Some(Cycle::parse(s).ok_or_else(|| {
                bad(
                    "cycle",
                    "应为 monthly、quarterly、half_yearly、none 或 null",
                )
            })?),
            _ => {
                return Err(bad(
                    "cycle",
                    "应为 monthly、quarterly、half_yearly、none 或 null",
                ));
            }
        });
    }
    if let Some(v) = obj.get("designation_complete") {
        change.designation_complete = Some(
            v.as_bool()
                .ok_or_else(|| bad("designation_complete", "应为 true 或 false"))?,
        );
    }
    let actor = user.actor(addr);
    match assignments::change_task(&pool, &actor, plan_id, code, change, clock.today()).await {
        Ok(_) => {
            let row = db::tasks::get_by_code(&pool, plan_id, code)
                .await?
                .ok_or_else(missing)?;
            let units = vec![(
                row.id,
                row.lead_ids.iter().chain(&row.co_ids).copied().collect(),
            )];
            let mut ext = super::extensions::of_tasks(&pool, user.access(), &units).await?;
            let id = row.id;
            let mut previous = super::plans::previous_of(&pool, &[id]).await?;
            let mut json = TaskJson::from(row);
            json.extensions = ext.remove(&id).unwrap_or_default();
            json.previous = previous.remove(&id);
            Ok(Json(json))
        }
        Err(ChangeError::Stale { current }) => Err(ApiError(AppError::Conflict {
            message: ChangeError::Stale { current }.to_string(),
            current_version: current,
        })),
        Err(ChangeError::Field { field, message }) => Err(bad(field, message)),
        // Not asked for: an API client states the whole change it wants.
        Err(e @ ChangeError::WouldBeOverdue { .. }) => Err(bad("deadline", e.to_string())),
        Err(ChangeError::NotFound) => Err(missing()),
        Err(ChangeError::Db(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The description names exactly the fields the handler reads.
    #[test]
    fn task_patch_documents_the_fields_read() {
        super::super::assert_documents::<TaskPatch>(FIELDS);
    }
}

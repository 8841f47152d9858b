//! The path parameters of the API (`{id}`, `{code}`), one struct per address shape, so each
//! is described once and looked up once.
//!
//! No part of an address may hold a control character: `web::layers` refuses one with a 400
//! before any handler runs, and every string parameter's pattern (`^[^\x00-\x1F\x7F]*$`, what
//! `rules::input::has_any_control` finds) says so: a client reading the description never
//! sends one expecting an answer. `tests/it/openapi.rs` checks every parameter has it.

use super::plans::known_plan;
use crate::db::{self, tasks::TaskRow};
use crate::web::{ApiError, AppError};
use sqlx::PgPool;

/// `/plans/{id}`: a plan, by its id.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PlanAddress {
    /// The plan's id.
    #[param(value_type = i64, example = 1)]
    pub id: String,
}

/// `/plans/{id}/tasks/{code}`: a task, by its plan's id and its code in the plan.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct TaskAddress {
    /// The plan's id.
    #[param(value_type = i64, example = 1)]
    pub id: String,
    /// The task's code.
    #[param(example = "1.1.1", pattern = r"^[^\x00-\x1F\x7F]*$")]
    pub code: String,
}

impl TaskAddress {
    /// The plan's id and the task, or a 404 naming which is missing.
    pub async fn find(&self, pool: &PgPool) -> Result<(i64, TaskRow), ApiError> {
        let plan_id = known_plan(pool, &self.id).await?;
        let task = db::tasks::get_by_code(pool, plan_id, &self.code)
            .await?
            .ok_or_else(|| self.missing())?;
        Ok((plan_id, task))
    }

    /// The 404 of a code the plan does not have.
    pub fn missing(&self) -> ApiError {
        ApiError(AppError::NotFound(format!(
            "本工作要点中没有编号为“{}”的任务",
            self.code
        )))
    }
}

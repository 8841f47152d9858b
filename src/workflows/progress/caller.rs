//! Who is asking (the caller of a workflow), and whether they may read a report.

use super::ProgressError;
use crate::db::{self, audit::Actor, reports::ReportRow};
use crate::rules::access::{Access, Scope};
use crate::rules::auth::Role;
use sqlx::PgPool;

/// Who is asking, and for which unit they may write.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub role: Role,
    pub unit_id: Option<i64>,
}

impl Caller {
    pub fn access(&self) -> Access {
        Access::new(self.role, self.unit_id)
    }

    /// Office staff, or the liaison of this unit.
    pub fn may_write_for(&self, unit_id: i64) -> bool {
        self.access().may_write_for(unit_id)
    }
}

/// Who may read a report: the office and leaders; the liaison of its unit; and the liaison of
/// a lead unit of the task (who consolidates the co-units' reports).
pub async fn may_read(
    pool: &PgPool,
    role: Role,
    unit_id: Option<i64>,
    report: &ReportRow,
) -> Result<bool, ProgressError> {
    let access = Access::new(role, unit_id);
    // The lead units are looked up only when the answer depends on them.
    if access.scope() == Scope::All || access.may_read_report(report.unit_id, &[]) {
        return Ok(true);
    }
    let leads: Vec<i64> = db::assignments::units(pool, report.task_id)
        .await?
        .iter()
        .filter(|a| a.role == db::tasks::UnitRole::Lead)
        .map(|a| a.unit_id)
        .collect();
    Ok(access.may_read_report(report.unit_id, &leads))
}

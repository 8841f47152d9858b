//! 无联络员的单位: the units of a plan's directory with no active liaison account, whose
//! reports nobody can file but the office (the desk counts them, `/admin/users` lists them).

use crate::db::{self, users::UnitChoice};
use crate::rules::auth::Role;
use sqlx::PgPool;
use std::collections::HashSet;

/// The plan directory's units, in directory order, that no active liaison account serves.
pub async fn units_without_liaison(pool: &PgPool, plan_id: i64) -> sqlx::Result<Vec<UnitChoice>> {
    let users = db::users::count(pool).await?;
    let served: HashSet<i64> = db::users::page(
        pool,
        db::Window {
            limit: users,
            offset: 0,
        },
    )
    .await?
    .into_iter()
    .filter(|u| u.active && u.role == Role::Liaison)
    .filter_map(|u| u.unit_id)
    .collect();
    let mut units = db::units::choices_for_plan(pool, plan_id).await?;
    units.retain(|u| !served.contains(&u.id));
    Ok(units)
}

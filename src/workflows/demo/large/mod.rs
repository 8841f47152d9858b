//! `duban demo-data --scale large`: a deterministic synthetic data set for load testing — 300
//! plans of 30 provincial leading groups over 2016–2025, 100,000 tasks, 1,000 units, 10,000
//! users and 1,000,000 reports with their versions and events — written with `COPY` in one
//! transaction. Every plan title starts with 【合成】.
//!
//! `generate` writes one table after another (units, users, plans, sections, subsections,
//! tasks, task units, reports, report events), each by its own function, in the order their
//! ids and the dice depend on.

mod org;
mod plans;
mod reports;
mod synth;
mod tasks;
mod words;

use super::Dice;
use crate::db::{self, audit::Actor};
use anyhow::bail;
use serde_json::json;
use sqlx::{Connection, PgPool};
use std::time::Instant;
use words::PROVINCES;

/// The password of every synthetic account (hashed once: Argon2 is deliberately slow).
pub const LARGE_PASSWORD: &str = "large-password-2025";
/// The newest plan year; the fourth quarter of it is still open (drafts).
pub const NEWEST_YEAR: i32 = 2025;
const YEARS: i32 = 10;
const MAX_ISSUERS: usize = 30;
/// Office and leader accounts come first; every other user is a liaison.
const STAFF: usize = 10;
const DUE_DAYS: u32 = 10;

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LargeScale {
    pub plans: usize,
    pub tasks: usize,
    pub units: usize,
    pub users: usize,
}

impl LargeScale {
    pub const FULL: LargeScale = LargeScale {
        plans: 300,
        tasks: 100_000,
        units: 1_000,
        users: 10_000,
    };

    /// The full scale times `f` (for tests), never so small that a plan is empty.
    pub fn fraction(f: f64) -> LargeScale {
        let of = |n: usize| ((n as f64) * f).round() as usize;
        let plans = of(300).max(1);
        let issuers = plans.min(MAX_ISSUERS);
        let units = of(1_000).max(issuers * 6);
        LargeScale {
            plans,
            tasks: of(100_000).max(plans * 20),
            units,
            users: of(10_000).max(units + STAFF),
        }
    }

    fn issuers(&self) -> usize {
        self.plans.min(MAX_ISSUERS)
    }
}

/// What was loaded.
#[derive(Debug, Default)]
pub struct LargeReport {
    pub plans: u64,
    pub sections: u64,
    pub subsections: u64,
    pub tasks: u64,
    pub task_units: u64,
    pub units: u64,
    pub users: u64,
    pub reports: u64,
    pub events: u64,
    pub seconds: f64,
}

struct Unit {
    id: i64,
    short: String,
}

struct Task {
    id: i64,
    /// Lead first, then co-units, as indexes into the units.
    units: Vec<usize>,
}

struct PlanShape {
    year: i32,
    tasks: Vec<Task>,
}

/// The steps of [`generate_with`], in order, as its `step` callback names them.
pub const STEPS: &[&str] = &[
    "单位",
    "用户",
    "工作要点",
    "部分与小节",
    "任务",
    "责任分工",
    "进展情况",
    "审核记录",
    "统计信息",
];

/// Loads the data set; refused (with nothing written) where any report exists.
pub async fn generate(pool: &PgPool, scale: LargeScale) -> anyhow::Result<LargeReport> {
    generate_with(pool, scale, &|_| {}).await
}

/// [`generate`], calling `step` with each of [`STEPS`] as it begins (the CLI's progress bar).
pub async fn generate_with(
    pool: &PgPool,
    scale: LargeScale,
    step: &(dyn Fn(&'static str) + Sync),
) -> anyhow::Result<LargeReport> {
    let started = Instant::now();
    let hash = crate::rules::auth::hash_password(LARGE_PASSWORD)
        .map_err(|e| anyhow::anyhow!("无法计算密码散列: {e}"))?;
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    db::bulk::lock_tables(&mut tx).await?;
    db::revision::bulk_load(&mut tx).await?;
    let existing = db::bulk::report_count(&mut tx).await?;
    if existing > 0 {
        bail!(
            "数据库中已有 {existing} 份进展情况:合成数据只能生成在没有真实报告的数据库中,未做任何更改。"
        );
    }
    let mut out = LargeReport::default();
    // One die for plans, outlines and tasks in turn: the order of the calls is the data.
    let mut dice = Dice(2016);

    step(STEPS[0]);
    let (members, n) = org::write_units(&mut tx, &scale).await?;
    out.units = n;
    step(STEPS[1]);
    let (accounts, n) = org::write_users(&mut tx, &scale, &members.units, &hash).await?;
    out.users = n;
    step(STEPS[2]);
    let (first_plan, mut plans, n) = plans::write_plans(&mut tx, &scale, &mut dice).await?;
    out.plans = n;
    step(STEPS[3]);
    let outline = plans::outline(&mut tx, &scale, first_plan, &mut dice).await?;
    out.sections = plans::write_sections(&mut tx, &outline).await?;
    out.subsections = plans::write_subsections(&mut tx, &outline).await?;
    step(STEPS[4]);
    out.tasks = tasks::write_tasks(
        &mut tx,
        &outline,
        &mut plans,
        &members,
        accounts.office_id(),
        &mut dice,
    )
    .await?;
    step(STEPS[5]);
    out.task_units = tasks::write_task_units(&mut tx, &plans, &members.units).await?;

    step(STEPS[6]);
    let n_reports = reports::count(&plans);
    let first_report = db::bulk::reserve_ids(&mut tx, "reports", n_reports as i64).await?;
    let periods = reports::periods();
    out.reports = reports::write_reports(
        &mut tx,
        first_report,
        &plans,
        &periods,
        &members.units,
        accounts,
    )
    .await?;
    step(STEPS[7]);
    out.events =
        reports::write_report_events(&mut tx, first_report, &plans, &periods, accounts).await?;

    let system = Actor {
        login: Some("demo-data".into()),
        ..Actor::default()
    };
    db::audit::record(
        &mut *tx,
        &system,
        "demo_data_large",
        None,
        json!({ "plans": out.plans, "tasks": out.tasks, "reports": out.reports }),
    )
    .await?;
    tx.commit().await?;
    step(STEPS[8]);
    db::bulk::analyze(&mut conn).await?;
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}

/// The name of a provincial group's member directory (成员单位名录).
fn directory(issuer: usize) -> String {
    format!(
        "{}打击侵犯知识产权和制售假冒伪劣商品工作领导小组",
        PROVINCES[issuer % PROVINCES.len()]
    )
}

//! The plans (工作要点), one a year for each provincial group, and their outline: sections
//! (部分) of subsections (小节) that the tasks hang from.

use super::words::{PROVINCES, SECTIONS, SUBSECTIONS};
use super::{DUE_DAYS, LargeScale, NEWEST_YEAR, PlanShape, YEARS, directory};
use crate::db::{self, bulk::Copier};
use crate::workflows::demo::Dice;
use anyhow::Context;
use chrono::{Duration, NaiveDate};
use sha2::{Digest, Sha256};
use sqlx::PgConnection;

/// Writes the plans, newest first; returns the first plan id and one shape per plan (its
/// tasks still to come).
pub(super) async fn write_plans(
    conn: &mut PgConnection,
    scale: &LargeScale,
    dice: &mut Dice,
) -> anyhow::Result<(i64, Vec<PlanShape>, u64)> {
    let issuers = scale.issuers();
    let first_plan = db::bulk::reserve_ids(conn, "plans", scale.plans as i64).await?;
    let mut c = Copier::start(
        conn,
        "plans (id, issuer, doc_number, title, year, issued_on, printed_on, preamble, \
         source_name, source_sha256, default_deadline_kind, cycle, due_days)",
    )
    .await?;
    let mut plans: Vec<PlanShape> = Vec::with_capacity(scale.plans);
    for p in 0..scale.plans {
        let issuer = p % issuers;
        let round = p / issuers;
        let year = NEWEST_YEAR - (round as i32 % YEARS);
        // Beyond ten years (never at the full scale) titles get a number to stay unique.
        let extra = match round as i32 / YEARS {
            0 => String::new(),
            n => format!("(之{})", n + 1),
        };
        let province = PROVINCES[issuer % PROVINCES.len()];
        let title =
            format!("【合成】{year}年{province}打击侵犯知识产权和制售假冒伪劣商品工作要点{extra}");
        let issued =
            NaiveDate::from_ymd_opt(year, 2 + (dice.roll(2) as u32), 1 + dice.roll(27) as u32)
                .context("issue date")?;
        let sha = hex::encode(Sha256::digest(title.as_bytes()));
        c.field(first_plan + p as i64)
            .field(directory(issuer))
            .field(format!("{}打假发〔{year}〕{}号{extra}", province.chars().next().unwrap_or('省'), 1 + issuer % 3))
            .field(&title)
            .field(year)
            .field(issued)
            .field(issued + Duration::days(3))
            .field(format!("做好{year}年{province}打击侵犯知识产权和制售假冒伪劣商品工作,要坚持依法治理、打建结合、统筹协调、社会共治原则。(本工作要点为性能测试合成数据。)"))
            .field(format!("synthetic-{p}.md"))
            .field(sha)
            .field(if issuer.is_multiple_of(2) {
                "year_end"
            } else {
                "ongoing"
            })
            .field("quarterly")
            .field(DUE_DAYS);
        c.end_row().await?;
        plans.push(PlanShape {
            year,
            tasks: Vec::new(),
        });
    }
    let written = c.finish().await?;
    Ok((first_plan, plans, written))
}

/// The outline of every plan, with the first id of each table it fills:
/// `shapes[plan][section][subsection]` is the number of tasks in that subsection.
pub(super) struct Outline {
    pub(super) first_plan: i64,
    pub(super) first_section: i64,
    pub(super) first_sub: i64,
    pub(super) first_task: i64,
    pub(super) shapes: Vec<Vec<Vec<usize>>>,
}

/// Draws the outlines (sections of subsections of tasks, tasks shared out evenly) and
/// reserves the ids of sections, subsections and tasks.
pub(super) async fn outline(
    conn: &mut PgConnection,
    scale: &LargeScale,
    first_plan: i64,
    dice: &mut Dice,
) -> anyhow::Result<Outline> {
    let mut shapes: Vec<Vec<Vec<usize>>> = Vec::with_capacity(scale.plans);
    for p in 0..scale.plans {
        let n_tasks = scale.tasks / scale.plans + usize::from(p < scale.tasks % scale.plans);
        let n_sections = 6 + dice.roll(4) as usize;
        let mut subs: Vec<usize> = (0..n_sections).map(|_| 4 + dice.roll(4) as usize).collect();
        while subs.iter().sum::<usize>() > n_tasks {
            if let Some(max) = subs.iter_mut().max() {
                *max -= 1;
            }
        }
        let total: usize = subs.iter().sum();
        let mut shape = Vec::with_capacity(n_sections);
        let mut placed = 0;
        for s in subs {
            let mut section = Vec::with_capacity(s);
            for _ in 0..s {
                let j = placed;
                placed += 1;
                section.push(n_tasks / total + usize::from(j < n_tasks % total));
            }
            shape.push(section);
        }
        shapes.push(shape);
    }
    let n_sections: usize = shapes.iter().map(Vec::len).sum();
    let n_subs: usize = shapes.iter().flatten().map(Vec::len).sum();
    let first_section = db::bulk::reserve_ids(conn, "sections", n_sections as i64).await?;
    let first_sub = db::bulk::reserve_ids(conn, "subsections", n_subs as i64).await?;
    let first_task = db::bulk::reserve_ids(conn, "tasks", scale.tasks as i64).await?;
    Ok(Outline {
        first_plan,
        first_section,
        first_sub,
        first_task,
        shapes,
    })
}

/// Writes the sections of every plan.
pub(super) async fn write_sections(conn: &mut PgConnection, o: &Outline) -> anyhow::Result<u64> {
    let mut c = Copier::start(conn, "sections (id, plan_id, number, title)").await?;
    let mut section_id = o.first_section;
    for (p, shape) in o.shapes.iter().enumerate() {
        for (s, _) in shape.iter().enumerate() {
            c.field(section_id)
                .field(o.first_plan + p as i64)
                .field(s + 1)
                .field(SECTIONS[(s + p) % SECTIONS.len()]);
            c.end_row().await?;
            section_id += 1;
        }
    }
    Ok(c.finish().await?)
}

/// Writes the subsections of every section.
pub(super) async fn write_subsections(conn: &mut PgConnection, o: &Outline) -> anyhow::Result<u64> {
    let mut c = Copier::start(conn, "subsections (id, plan_id, section_id, number, title)").await?;
    let (mut section_id, mut sub_id) = (o.first_section, o.first_sub);
    for (p, shape) in o.shapes.iter().enumerate() {
        for section in shape {
            for (n, _) in section.iter().enumerate() {
                c.field(sub_id)
                    .field(o.first_plan + p as i64)
                    .field(section_id)
                    .field(n + 1)
                    .field(SUBSECTIONS[(sub_id as usize) % SUBSECTIONS.len()]);
                c.end_row().await?;
                sub_id += 1;
            }
            section_id += 1;
        }
    }
    Ok(c.finish().await?)
}

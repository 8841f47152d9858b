//! `duban demo-data --scale demo`: sample users and two quarters of reports on the 2022 plan, so
//! that a newcomer sees every page with something on it. Clearly marked (【演示】, logins
//! `demo-…`) and refused on a database that already holds reports.

pub mod large;

use crate::db::{self, audit::Actor, tasks::TaskFilter};
use crate::rules::auth::Role;
use crate::rules::vocabulary::ReportContent;
use crate::workflows::accounts::{self, NewUserInput, UnitRef};
use crate::workflows::importer;
use crate::workflows::progress::{self, Assessment, Caller, Decision, ReportInput, ReportStatus};
use anyhow::{Context, bail};
use serde_json::json;
use sqlx::PgPool;
use std::path::Path;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo-password-2022";

/// The demo's unit head (单位负责人), of 公安部.
pub const DEMO_UNIT_HEAD: &str = "demo-gab-head";

/// Demo liaisons: login and unit.
const LIAISONS: &[(&str, &str)] = &[
    ("demo-gab", "公安部"),
    ("demo-scjg", "市场监管总局"),
    ("demo-hgzs", "海关总署"),
    ("demo-zscq", "知识产权局"),
    ("demo-zxb", "中央宣传部"),
];

const WORK: &[&str] = &[
    "【演示】召开专题部署会，制定实施方案，明确责任分工和时间节点。",
    "【演示】组织开展集中检查，共检查重点场所 120 余处，立案查处案件 36 起。",
    "【演示】会同有关部门开展联合执法，移送涉嫌犯罪案件 8 起，发布典型案例 5 个。",
    "【演示】完成阶段性任务，形成工作总结并报送领导小组办公室。",
];

/// A small deterministic generator, so that the demo is the same every time.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % sides
    }
}

/// What the demo created.
#[derive(Debug, Default)]
pub struct DemoReport {
    pub users: Vec<String>,
    pub reports: usize,
    pub accepted: usize,
    pub returned: usize,
    pub closed: usize,
}

pub async fn generate(pool: &PgPool, seeds: &Path) -> anyhow::Result<DemoReport> {
    let reports = db::reports::count_all(pool).await?;
    if reports > 0 {
        bail!(
            "数据库中已有 {reports} 份进展情况：演示数据只能生成在没有真实报告的数据库中，未做任何更改。"
        );
    }
    importer::import_seeds(pool, seeds)
        .await
        .context("导入 seeds 中的工作要点失败")?;
    let plan = db::plans::list(pool)
        .await?
        .into_iter()
        .find(|p| p.year == 2022)
        .context("找不到 2022 年工作要点")?;
    let system = Actor {
        login: Some("demo-data".into()),
        ..Actor::default()
    };
    let mut out = DemoReport::default();
    let add = |login: &str, name: &str, role: Role, unit: Option<&str>| NewUserInput {
        login: login.into(),
        display_name: Some(name.into()),
        role,
        unit: unit.map_or(UnitRef::None, |u| UnitRef::Name(u.into())),
        password: DEMO_PASSWORD.into(),
        must_change_password: false,
        email: None,
    };
    let office = accounts::create_user(
        pool,
        &system,
        add("demo-office", "演示·办公室", Role::Office, None),
    )
    .await?;
    accounts::create_user(
        pool,
        &system,
        add("demo-leader", "演示·领导", Role::Leader, None),
    )
    .await?;
    out.users
        .extend(["demo-office".to_string(), "demo-leader".to_string()]);
    let mut liaisons = Vec::new();
    for (login, unit) in LIAISONS {
        let id = accounts::create_user(
            pool,
            &system,
            add(
                login,
                &format!("演示·{unit}联络员"),
                Role::Liaison,
                Some(unit),
            ),
        )
        .await?;
        let unit_id = db::users::by_id(pool, id)
            .await?
            .and_then(|u| u.unit_id)
            .context("liaison unit")?;
        liaisons.push((id, unit_id, login.to_string()));
        out.users.push(login.to_string());
    }
    let office_caller = Caller {
        actor: Actor {
            user_id: Some(office),
            login: Some("demo-office".into()),
            addr: None,
        },
        role: Role::Office,
        unit_id: None,
    };
    let tasks = db::tasks::list(pool, plan.id, &TaskFilter::default()).await?;
    let mut dice = Dice(2022);
    for (user_id, unit_id, login) in &liaisons {
        let caller = Caller {
            actor: Actor {
                user_id: Some(*user_id),
                login: Some(login.clone()),
                addr: None,
            },
            role: Role::Liaison,
            unit_id: Some(*unit_id),
        };
        for t in tasks
            .iter()
            .filter(|t| t.lead_ids.contains(unit_id) || t.co_ids.contains(unit_id))
        {
            for (period, on) in [("2022-Q2", "2022-07-0"), ("2022-Q3", "2022-10-0")] {
                // About one report in six is never filed.
                if dice.roll(6) == 0 {
                    continue;
                }
                let status = [
                    ReportStatus::InProgress,
                    ReportStatus::InProgress,
                    ReportStatus::Done,
                    ReportStatus::Behind,
                ][dice.roll(4) as usize];
                let assessment = match status {
                    ReportStatus::Behind => Assessment::AtRisk,
                    _ => Assessment::OnTrack,
                };
                let input = ReportInput {
                    period: period.into(),
                    content: ReportContent {
                        status,
                        self_assessment: assessment,
                        work_done: WORK[dice.roll(WORK.len() as u64) as usize].into(),
                        problems: if status == ReportStatus::Behind {
                            "【演示】部分地区工作进度不平衡。".into()
                        } else {
                            String::new()
                        },
                        next_steps: "【演示】继续推进，按期报送。".into(),
                    },
                    coordination: Vec::new(),
                    submit: true,
                };
                let r =
                    progress::save_report(pool, &caller, plan.id, &t.code, *unit_id, input, None)
                        .await?;
                out.reports += 1;
                // Submitted early in the month after the quarter; a few late.
                let day = 1 + dice.roll(14);
                let when = if day < 10 {
                    format!("{on}{day} 10:00:00+08")
                } else {
                    format!("{}{day} 10:00:00+08", &on[..8])
                };
                db::reports::backdate_submission(pool, r.id, &when).await?;
                db::reports::backdate_events(pool, r.id, &when).await?;
                // Most are accepted, some returned, some left for review.
                let decision = match dice.roll(10) {
                    0 => Some(Decision::Return {
                        reason: "【演示】请补充量化数据。".into(),
                        office_assessment: None,
                    }),
                    1 | 2 => None,
                    _ => Some(Decision::Accept {
                        office_assessment: Some(assessment),
                    }),
                };
                if let Some(d) = decision {
                    let returned = matches!(d, Decision::Return { .. });
                    progress::review(pool, &office_caller, r.id, r.version, d).await?;
                    if returned {
                        out.returned += 1;
                    } else {
                        out.accepted += 1;
                    }
                }
            }
        }
    }
    // 公安部's head (单位负责人), after its liaison's reports: the office switches sign-off on
    // for a unit when it wants it (`/units/{id}`).
    accounts::create_user(
        pool,
        &system,
        add(
            DEMO_UNIT_HEAD,
            "演示·公安部负责人",
            Role::UnitHead,
            Some("公安部"),
        ),
    )
    .await?;
    out.users.push(DEMO_UNIT_HEAD.to_string());
    // A few tasks finished and closed.
    for code in ["3.1.2", "6.2.2", "7.1.2"] {
        let v = db::tasks::version_by_code(pool, plan.id, code).await?;
        progress::set_closed(
            pool,
            &office_caller,
            plan.id,
            code,
            v,
            Some("【演示】任务已完成"),
        )
        .await?;
        out.closed += 1;
    }
    db::audit::record(
        pool,
        &system,
        "demo_data",
        Some(&plan.id.to_string()),
        json!({ "reports": out.reports }),
    )
    .await?;
    Ok(out)
}

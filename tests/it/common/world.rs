//! The world the tests of several roles at once start from (`progress`, `authz`, `hostile`):
//! the seeded 2022 plan, an office user, a leader and a liaison of each of two units, each
//! signed in and holding an API token, and where asked the reports of 公安部 the tests review.

use super::{Client, create_user, office_caller, probe, sample_report, seed, token_for};
use axum::Router;
use chrono::NaiveDate;
use duban::rules::auth::Role;
use duban::web::{AppState, WebConfig, create_app};
use duban::workflows::progress::{self, Decision};
use sqlx::PgPool;

/// The logins of the world's users.
pub const OFFICE: &str = "office";
pub const LEADER: &str = "boss";
/// 联络员 of [`UNIT_A`].
pub const LIAISON_A: &str = "gab";
/// 联络员 of [`UNIT_B`].
pub const LIAISON_B: &str = "hgzs";
pub const UNIT_A: &str = "公安部";
pub const UNIT_B: &str = "海关总署";

/// What to build beyond the users.
#[derive(Debug, Default, Clone, Copy)]
pub struct Setup {
    /// The date the app judges by; `None`: the real date.
    pub today: Option<NaiveDate>,
    /// The office files [`Reports`] for [`UNIT_A`].
    pub reports: bool,
    /// Beside them, a report returned (退回) and one accepted (采纳): every review state.
    pub every_state: bool,
}

impl Setup {
    /// The app judging on `today`, no reports.
    pub fn on(today: NaiveDate) -> Setup {
        Setup {
            today: Some(today),
            ..Setup::default()
        }
    }

    pub fn with_reports(self) -> Setup {
        Setup {
            reports: true,
            ..self
        }
    }

    /// The reports in every review state: draft, submitted, returned and accepted.
    pub fn with_every_state(self) -> Setup {
        Setup {
            reports: true,
            every_state: true,
            ..self
        }
    }
}

/// One value per user of the world.
#[derive(Debug, Clone)]
pub struct ByRole<T> {
    pub office: T,
    pub leader: T,
    pub liaison_a: T,
    pub liaison_b: T,
}

/// Reports of [`UNIT_A`] for 2022-Q2 (from [`sample_report`]).
#[derive(Debug, Clone, Copy)]
pub struct Reports {
    /// 1.3.1, submitted, with an open coordination request.
    pub submitted: i64,
    /// 1.2.2, a draft.
    pub draft: i64,
    /// The coordination request of `submitted`.
    pub coordination: i64,
    /// 3.1.2, returned, and 3.1.1, accepted: where [`Setup::with_every_state`] asked for them.
    pub returned: Option<i64>,
    pub accepted: Option<i64>,
}

pub struct World {
    pub pool: PgPool,
    /// The router, judging on [`Setup::today`].
    pub app: Router,
    pub plan_id: i64,
    /// Browsers signed in as each user.
    pub office: Client,
    pub leader: Client,
    pub liaison_a: Client,
    pub liaison_b: Client,
    /// User ids.
    pub ids: ByRole<i64>,
    /// A live API token of each user.
    pub tokens: ByRole<String>,
    pub unit_a: i64,
    pub unit_b: i64,
    /// Present where [`Setup::reports`] asked for them.
    pub reports: Option<Reports>,
}

impl World {
    pub async fn build(pool: PgPool, setup: Setup) -> World {
        let plan_id = seed(&pool).await[0];
        let ids = ByRole {
            office: create_user(&pool, OFFICE, Role::Office, None).await,
            leader: create_user(&pool, LEADER, Role::Leader, None).await,
            liaison_a: create_user(&pool, LIAISON_A, Role::Liaison, Some(UNIT_A)).await,
            liaison_b: create_user(&pool, LIAISON_B, Role::Liaison, Some(UNIT_B)).await,
        };
        let tokens = ByRole {
            office: token_for(&pool, ids.office).await,
            leader: token_for(&pool, ids.leader).await,
            liaison_a: token_for(&pool, ids.liaison_a).await,
            liaison_b: token_for(&pool, ids.liaison_b).await,
        };
        let unit_a = probe::unit_id(&pool, UNIT_A).await;
        let unit_b = probe::unit_id(&pool, UNIT_B).await;
        let reports = if setup.reports {
            let caller = office_caller(ids.office);
            let save = |code: &'static str, submit: bool| {
                progress::save_report(
                    &pool,
                    &caller,
                    plan_id,
                    code,
                    unit_a,
                    sample_report(submit),
                    None,
                )
            };
            let submitted = save("1.3.1", true).await.expect("submitted report").id;
            let draft = save("1.2.2", false).await.expect("draft report").id;
            let coordination = probe::number(
                &pool,
                &format!("SELECT id FROM coordination_requests WHERE report_id = {submitted}"),
            )
            .await;
            let (returned, accepted) = if setup.every_state {
                let mut reviewed = Vec::new();
                for (code, decision) in [
                    (
                        "3.1.2",
                        Decision::Return {
                            reason: "请补充数据".into(),
                            office_assessment: None,
                        },
                    ),
                    (
                        "3.1.1",
                        Decision::Accept {
                            office_assessment: None,
                        },
                    ),
                ] {
                    let r = save(code, true).await.expect("report to review");
                    progress::review(&pool, &caller, r.id, r.version, decision)
                        .await
                        .expect("review");
                    reviewed.push(r.id);
                }
                (Some(reviewed[0]), Some(reviewed[1]))
            } else {
                (None, None)
            };
            Some(Reports {
                submitted,
                draft,
                coordination,
                returned,
                accepted,
            })
        } else {
            None
        };
        let app = create_app(AppState::with_config(
            pool.clone(),
            WebConfig {
                today: setup.today,
                ..WebConfig::default()
            },
        ));
        World {
            office: Client::signed_in(&app, OFFICE).await,
            leader: Client::signed_in(&app, LEADER).await,
            liaison_a: Client::signed_in(&app, LIAISON_A).await,
            liaison_b: Client::signed_in(&app, LIAISON_B).await,
            app,
            pool,
            plan_id,
            ids,
            tokens,
            unit_a,
            unit_b,
            reports,
        }
    }

    /// The reports [`Setup::with_reports`] asked for.
    pub fn reports(&self) -> Reports {
        self.reports.expect("a world built with_reports")
    }
}

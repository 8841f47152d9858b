//! A desk per role at `/`: the office's 工作台 (its counts checked against the rules and direct
//! queries), the liaison's 我的任务 grouped by urgency, the leader's summary; the review queue
//! that flows from one decision to the next report; the count on 审核; the units without a
//! liaison on `/admin/users`; the plan's details at `/plan`.

use crate::common::{self, Setup, World, office_caller, probe, sample_report};
use axum::http::StatusCode;
use chrono::NaiveDate;
use duban::db::{self, tasks::TaskFilter};
use duban::rules::schedule::focus_of_cycle;
use duban::workflows::progress;
use sqlx::PgPool;

fn oct20() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 10, 20).unwrap()
}

/// The text of the desk card `id` (from its `<li>` to the next).
fn card<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no card {id}"));
    let rest = &body[start..];
    &rest[..rest.find("</li>").unwrap_or(rest.len())]
}

/// The number a desk card shows.
fn figure(body: &str, id: &str) -> i64 {
    let c = card(body, id);
    let from = c.find("<strong class=\"n\">").expect("a figure") + "<strong class=\"n\">".len();
    c[from..][..c[from..].find('<').unwrap()].parse().unwrap()
}

/// The units without an active liaison account, by a direct query.
async fn units_without_liaison(pool: &PgPool, plan_id: i64) -> i64 {
    probe::number(
        pool,
        &format!(
            "SELECT count(*) FROM units un
             WHERE un.directory = (SELECT issuer FROM plans WHERE id = {plan_id})
               AND NOT EXISTS (SELECT 1 FROM users u WHERE u.unit_id = un.id
                                 AND u.role = 'liaison' AND u.active)"
        ),
    )
    .await
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_office_desk_counts_what_waits_today(pool: PgPool) {
    let w = World::build(pool, Setup::on(oct20()).with_every_state()).await;
    let r = w.office.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    let desk = r.body;
    assert!(desk.contains("<h1>工作台"), "{desk}");

    // 待审核: the reports submitted and not yet decided.
    let awaiting = probe::number(
        &w.pool,
        "SELECT count(*) FROM reports WHERE review_state = 'submitted'",
    )
    .await;
    assert_eq!(awaiting, 1);
    assert_eq!(figure(&desk, "desk-review"), awaiting);
    assert!(card(&desk, "desk-review").contains("最早的一份已等待 0 天"));
    assert!(card(&desk, "desk-review").contains("href=\"/review\""));

    // 逾期未报 for 本期, the third quarter (due 10-10), by the rules.
    let (_, settings) = db::plans::list_with_settings(&w.pool)
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let focus = focus_of_cycle(
        settings.cycle,
        settings.year,
        settings.due_days as u32,
        oct20(),
    )
    .unwrap();
    assert_eq!(focus.key, "2022-Q3");
    let tasks = db::tasks::list(&w.pool, w.plan_id, &TaskFilter::default())
        .await
        .unwrap();
    let missing = progress::outstanding(&w.pool, &settings, &tasks, &focus.key)
        .await
        .unwrap();
    let reports: usize = missing.iter().map(|u| u.tasks.len()).sum();
    assert!(!missing.is_empty() && reports > missing.len());
    let m = card(&desk, "desk-missing");
    assert_eq!(figure(&desk, "desk-missing"), missing.len() as i64);
    assert!(
        m.contains("逾期未报") && m.contains("class=\"alert\""),
        "{m}"
    );
    assert!(
        m.contains(&format!("2022年第三季度共缺 {reports} 份")),
        "{m}"
    );
    assert!(m.contains("href=\"/reporting?period=2022-Q3\""));
    assert!(!desk.contains(">2022-Q3<"), "the period by its name only");

    // Coordination requests awaiting an answer.
    let open = probe::number(
        &w.pool,
        "SELECT count(*) FROM coordination_requests WHERE state = 'open' AND submitted_at IS NOT NULL",
    )
    .await;
    assert!(open >= 1);
    assert_eq!(figure(&desk, "desk-coordination"), open);

    // Deadlines within 7 days, by the rule over the plan's open tasks.
    let soon = duban::rules::due_soon::due_within(
        tasks
            .iter()
            .filter(|t| t.closed_at.is_none())
            .map(|t| duban::rules::due_soon::TaskDeadline {
                code: &t.code,
                text: &t.text,
                deadline: t.deadline(),
                year: t.plan_year,
            })
            .collect(),
        oct20(),
        7,
    );
    assert_eq!(figure(&desk, "desk-due-soon"), soon.len() as i64);

    // Units without a liaison: all but the world's two.
    let without = units_without_liaison(&w.pool, w.plan_id).await;
    let units = probe::number(
        &w.pool,
        &format!(
            "SELECT count(*) FROM units WHERE directory = (SELECT issuer FROM plans WHERE id = {})",
            w.plan_id
        ),
    )
    .await;
    assert_eq!(without, units - 2);
    assert_eq!(figure(&desk, "desk-liaisons"), without);
    assert!(card(&desk, "desk-liaisons").contains("href=\"/admin/users#missing-liaisons\""));

    // Tasks awaiting designation of their units.
    let pending = probe::number(
        &w.pool,
        "SELECT count(*) FROM tasks WHERE NOT designation_complete",
    )
    .await;
    assert!(pending > 0);
    assert_eq!(figure(&desk, "desk-pending"), pending);
    assert!(card(&desk, "desk-pending").contains("href=\"/tasks?pending=1\""));

    // The menu: 工作台 current, 审核 with its count; the plan's details one click away.
    assert!(desk.contains("aria-current=\"page\">工作台</a>"));
    assert!(desk.contains(&format!("title=\"待审核的进展情况\">{awaiting}</span>")));
    assert!(desk.contains("href=\"/plan\""));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn leaders_and_liaisons_land_on_their_own_desks(pool: PgPool) {
    let w = World::build(pool, Setup::on(oct20())).await;
    let r = w.leader.get("/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/summary");
    let r = w.liaison_a.get("/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/my");
    // An unknown plan is still not found, a malformed one still refused.
    assert_eq!(
        w.leader.get("/?plan=424242").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        w.office.get("/?plan=x").await.status,
        StatusCode::BAD_REQUEST
    );
    // The plan's details, for everyone, at their own address; 工作要点 in the menu points there.
    for c in [&w.office, &w.leader, &w.liaison_a] {
        let r = c.get("/plan").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("<h1>2022年全国"));
        assert!(
            r.body
                .contains("href=\"/plan\" aria-current=\"page\">工作要点</a>")
        );
    }
    // Only the office has a 工作台.
    assert!(!w.leader.get("/plan").await.body.contains(">工作台</a>"));
}

/// The section of `/my` for one urgency (its `id`), up to the next section.
fn bucket<'a>(body: &'a str, id: &str) -> Option<&'a str> {
    let start = body.find(&format!("id=\"{id}\""))?;
    let rest = &body[start..];
    Some(&rest[..rest.find("</section>").unwrap_or(rest.len())])
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_liaisons_tasks_are_grouped_by_urgency_each_task_once(pool: PgPool) {
    let w = World::build(pool, Setup::on(oct20()).with_every_state()).await;
    let my = w.liaison_a.get("/my").await;
    assert_eq!(my.status, StatusCode::OK);
    let body = my.body;
    let order: Vec<usize> = ["returned", "overdue", "later"]
        .iter()
        .map(|id| body.find(&format!("id=\"{id}\"")).expect(id))
        .collect();
    assert!(order.windows(2).all(|p| p[0] < p[1]), "most urgent first");

    // 被退回: 3.1.2 with the office's reason.
    let returned = bucket(&body, "returned").unwrap();
    assert!(returned.contains("被退回（1）"), "{returned}");
    assert!(returned.contains(">3.1.2</a>") && returned.contains("退回理由：请补充数据"));

    // 已逾期: the second and third quarters not in, the draft 1.2.2 among them; each task once.
    let overdue = bucket(&body, "overdue").unwrap();
    let tasks = db::tasks::list(
        &w.pool,
        w.plan_id,
        &TaskFilter {
            unit_id: Some(w.unit_a),
            ..TaskFilter::default()
        },
    )
    .await
    .unwrap();
    let reports = db::reports::for_unit(&w.pool, w.plan_id, w.unit_a)
        .await
        .unwrap();
    let (_, settings) = db::plans::list_with_settings(&w.pool)
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let due = duban::rules::reporting::due_for_unit(&settings, &tasks, &reports, oct20());
    let late: Vec<_> = due
        .iter()
        .filter(|d| d.overdue && !(d.code == "3.1.2" && d.period == "2022-Q2"))
        .collect();
    assert!(
        overdue.contains(&format!("已逾期（{}）", late.len())),
        "{overdue}"
    );
    for code in late.iter().map(|d| d.code.as_str()) {
        assert_eq!(
            overdue.matches(&format!(">{code}</a>")).count(),
            1,
            "{code} once"
        );
    }
    let draft = w.reports().draft;
    assert!(overdue.contains(&format!("/reports/{draft}\">2022年第二季度</a>")));
    // Nothing is about to be due on 10-20 (the third quarter is past due): no 本期应报;
    // the fourth quarter is for later, folded.
    assert!(bucket(&body, "due").is_none());
    let later = bucket(&body, "later").unwrap();
    assert!(later.contains("<details>") && later.contains("2022年第四季度"));
    assert!(body.contains("本期：2022年第三季度"));
    assert!(!body.contains(">2022-Q"), "periods by name");
    // Short: no full list of the unit's tasks, a link to it instead.
    assert!(body.contains(&format!("本单位的全部任务（{} 项）", tasks.len())));
    assert!(!body.contains("class=\"text\""));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_review_queue_names_and_flows_to_the_next_report(pool: PgPool) {
    let w = World::build(pool, Setup::on(oct20()).with_reports()).await;
    let first = w.reports().submitted;
    // A second report of 公安部, on a task not used yet.
    let code: String = sqlx::query_scalar(
        "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
         WHERE tu.unit_id = $1 AND t.code NOT IN ('1.3.1', '1.2.2') ORDER BY t.position LIMIT 1",
    )
    .bind(w.unit_a)
    .fetch_one(&w.pool)
    .await
    .unwrap();
    let second = progress::save_report(
        &w.pool,
        &office_caller(w.ids.office),
        w.plan_id,
        &code,
        w.unit_a,
        sample_report(true),
        None,
    )
    .await
    .unwrap()
    .id;
    // The first came in late (Q2 was due 07-10) and has waited since 10-01; the second was
    // first sent in time, resent on 10-15.
    for (id, first_at, at) in [
        (first, "2022-09-30 12:00+08", "2022-10-01 12:00+08"),
        (second, "2022-07-08 12:00+08", "2022-10-15 12:00+08"),
    ] {
        sqlx::query(
            "UPDATE reports SET first_submitted_at = $2::timestamptz, submitted_at = $3::timestamptz
             WHERE id = $1",
        )
        .bind(id)
        .bind(first_at)
        .bind(at)
        .execute(&w.pool)
        .await
        .unwrap();
    }
    let title = |c: &str| {
        let c = c.to_string();
        let pool = w.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT text FROM tasks WHERE code = $1")
                .bind(c)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };

    let queue = w.office.get("/review").await.body;
    let rows: Vec<&str> = queue.split("<tr").skip(2).collect();
    assert_eq!(rows.len(), 2, "{queue}");
    assert!(
        rows[0].contains(&format!("/reports/{first}\">1.3.1</a>")),
        "oldest first"
    );
    assert!(rows[1].contains(&format!("/reports/{second}\">{code}</a>")));
    let t: String = title("1.3.1").await.chars().take(12).collect();
    assert!(rows[0].contains(&t), "the task's title");
    assert!(rows[0].contains("<td>公安部</td>"));
    assert!(rows[0].contains("2022年第二季度") && !queue.contains(">2022-Q2<"));
    assert!(
        rows[0].contains("19 天") && rows[1].contains("5 天"),
        "{rows:?}"
    );
    assert!(rows[0].contains("class=\"overdue\"") && rows[0].contains(">逾期</strong>"));
    assert!(!rows[1].contains("逾期"));
    // The menu counts them.
    assert!(queue.contains("title=\"待审核的进展情况\">2</span>"));

    // 采纳 the first: on to the second, naming what was decided.
    let v = probe::number(
        &w.pool,
        &format!("SELECT version::bigint FROM reports WHERE id = {first}"),
    )
    .await;
    let r = w
        .office
        .post(
            &format!("/reports/{first}/review"),
            &[("version", &v.to_string()), ("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        format!("/reports/{second}?reviewed={first}#review")
    );
    let next = w
        .office
        .get(r.location().split('#').next().unwrap())
        .await
        .body;
    assert!(
        next.contains("已采纳：1.3.1（公安部，2022年第二季度）。下面是待审核队列中的下一份。"),
        "{next}"
    );
    assert!(
        next.contains("id=\"review\""),
        "the review form of the next one"
    );
    assert!(next.contains("title=\"待审核的进展情况\">1</span>"));

    // 退回 the second: back to the empty queue, all done.
    let v = probe::number(
        &w.pool,
        &format!("SELECT version::bigint FROM reports WHERE id = {second}"),
    )
    .await;
    let r = w
        .office
        .post(
            &format!("/reports/{second}/review"),
            &[
                ("version", &v.to_string()),
                ("decision", "return"),
                ("reason", "请补充数据来源"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        format!("/review?plan={}&reviewed={second}", w.plan_id)
    );
    let done = w.office.get(r.location()).await.body;
    assert!(done.contains(&format!(
        "已退回：{code}（公安部，2022年第二季度）。待审核的进展情况已全部审核完毕。"
    )));
    assert!(done.contains("没有待审核的进展情况"));
    assert!(
        !done.contains("title=\"待审核的进展情况\""),
        "no count at zero"
    );

    // The returned report: the office reads it; filing for the unit is its own action.
    let page = w.office.get(&format!("/reports/{second}")).await.body;
    assert!(page.contains(&format!(
        "href=\"/reports/{second}?edit=1#fill\">代为填报</a>"
    )));
    assert!(!page.contains("class=\"stack report-form\""));
    let form = w
        .office
        .get(&format!("/reports/{second}?edit=1"))
        .await
        .body;
    assert!(form.contains("class=\"stack report-form\"") && form.contains("代为填报（公安部）"));
    // The unit's own liaison gets the form at once, and no such link.
    let own = w.liaison_a.get(&format!("/reports/{second}")).await.body;
    assert!(own.contains("class=\"stack report-form\"") && !own.contains("?edit=1"));
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn admin_users_lists_the_units_without_a_liaison(pool: PgPool) {
    let w = World::build(pool, Setup::on(oct20())).await;
    let page = w.office.get("/admin/users").await.body;
    let without = units_without_liaison(&w.pool, w.plan_id).await;
    let section = &page[page.find("id=\"missing-liaisons\"").expect("the list")..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains(&format!("没有联络员的单位（{without} 个）")));
    assert_eq!(section.matches("为其创建联络员").count() as i64, without);
    assert!(!section.contains(">公安部<") && !section.contains(">海关总署<"));
    let unit = probe::unit_id(&w.pool, "市场监管总局").await;
    assert!(section.contains(&format!("href=\"/admin/users?unit={unit}#new-user\"")));
    // The link opens the form for a liaison of that unit.
    let form = w
        .office
        .get(&format!("/admin/users?unit={unit}"))
        .await
        .body;
    assert!(form.contains(&format!("<option value=\"{unit}\" selected>")));
    assert!(form.contains("<option value=\"liaison\" selected>"));
    // A liaison made for it takes it off the list.
    common::create_user(
        &w.pool,
        "scjg",
        duban::rules::auth::Role::Liaison,
        Some("市场监管总局"),
    )
    .await;
    let page = w.office.get("/admin/users").await.body;
    assert!(page.contains(&format!("没有联络员的单位（{} 个）", without - 1)));
    assert!(!page.contains(&format!("?unit={unit}#new-user")));
}

//! Forms and bodies that leave fields out. A field not sent means “unchanged”, never “empty”,
//! “removed” or “false”: each form and body with optional parts is sent with one part left out
//! at a time, and the rows it touches are compared before and after, apart from what was sent.

use super::World;
use crate::common::Response;
use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use sqlx::PgPool;

/// The row `sql` selects, as JSON.
async fn row(pool: &PgPool, sql: &str, id: i64) -> Value {
    let sql = format!("SELECT to_jsonb(t) FROM ({sql}) t");
    sqlx::query_scalar(&sql)
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// `v` without the keys that a request may change.
fn without(mut v: Value, keys: &[&str]) -> Value {
    let obj = v.as_object_mut().expect("a row");
    for k in keys {
        obj.remove(*k);
    }
    v
}

/// The task's units as (unit id, role), sorted.
async fn units_of(pool: &PgPool, task_id: i64) -> Vec<(i64, String)> {
    sqlx::query_as("SELECT unit_id, role::text FROM task_units WHERE task_id = $1 ORDER BY unit_id")
        .bind(task_id)
        .fetch_all(pool)
        .await
        .unwrap()
}

/// A report's open coordination requests.
async fn open_requests(pool: &PgPool, report_id: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT text FROM coordination_requests WHERE report_id = $1 AND state = 'open' ORDER BY id",
    )
    .bind(report_id)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// `base` without `left_out`.
fn leave_out<'a>(base: &[(&'a str, &'a str)], left_out: &str) -> Vec<(&'a str, &'a str)> {
    base.iter()
        .filter(|(k, _)| *k != left_out)
        .copied()
        .collect()
}

/// `POST /tasks/{code}/units` naming only some of the task's units (or none, only a unit to
/// add): every unit it does not name keeps its role.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_units_form_changes_only_the_units_it_names(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let (task_id, code): (i64, String) = sqlx::query_as(
        "SELECT t.id, t.code FROM tasks t WHERE NOT t.unnamed_members
           AND (SELECT count(*) FROM task_units tu WHERE tu.task_id = t.id) >= 3
         ORDER BY t.position LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let others: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT tu.unit_id FROM task_units tu JOIN tasks t ON t.id = tu.task_id
          WHERE t.plan_id = $1
            AND tu.unit_id NOT IN (SELECT unit_id FROM task_units WHERE task_id = $2)
          ORDER BY tu.unit_id LIMIT 8",
    )
    .bind(w.plan_id)
    .bind(task_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    let current = units_of(&pool, task_id).await;
    // The form as the page sends it, less one unit's field at a time; and with none at all.
    let mut left_outs: Vec<Option<i64>> = current.iter().map(|(u, _)| Some(*u)).collect();
    left_outs.push(None);
    let mut failures = Vec::new();
    for (i, left_out) in left_outs.iter().enumerate() {
        let before = units_of(&pool, task_id).await;
        let version = w.task_version(&code).await;
        let add = others[i].to_string();
        let roles: Vec<(String, String)> = match left_out {
            Some(u) => before
                .iter()
                .filter(|(id, _)| id != u)
                .map(|(id, role)| (format!("role_{id}"), role.clone()))
                .collect(),
            None => Vec::new(),
        };
        let mut fields: Vec<(&str, &str)> = vec![
            ("version", &version),
            ("add_unit", &add),
            ("add_role", "co"),
        ];
        fields.extend(roles.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let r = w
            .office
            .post(&format!("/tasks/{code}/units"), &fields)
            .await;
        let mut want = before.clone();
        want.push((others[i], "co".into()));
        want.sort();
        let after = units_of(&pool, task_id).await;
        let case = match left_out {
            Some(u) => format!("role_{u} left out"),
            None => "only add_unit".into(),
        };
        if r.status != 303 || after != want {
            failures.push(format!(
                "{case}: {} — before {before:?}, after {after:?}",
                r.status
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    super::record("partial_units_form", left_outs.len());
}

/// `POST /tasks/{code}/schedule` without its deadline, or without its cycle: the part not sent
/// stays, never back to the plan's default.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_schedule_form_leaves_what_it_does_not_send(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let task_id =
        crate::common::probe::number(&pool, "SELECT id FROM tasks WHERE code = '1.3.6'").await;
    let task = "SELECT * FROM tasks WHERE id = $1";
    let schedule = async |fields: &[(&str, &str)]| -> Response {
        let version = w.task_version("1.3.6").await;
        let mut fields = fields.to_vec();
        fields.push(("version", &version));
        w.office.post("/tasks/1.3.6/schedule", &fields).await
    };
    let full = [
        ("deadline_kind", "date"),
        ("deadline_date", "2022-10-31"),
        ("cycle", "monthly"),
    ];
    // A schedule of its own first, unlike the plan's defaults.
    let r = schedule(&[("deadline_kind", "year_end"), ("cycle", "half_yearly")]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let mut failures = Vec::new();
    for (left_out, changes) in [
        ("deadline_kind", &["cycle"][..]),
        ("cycle", &["deadline_kind", "deadline_date"][..]),
    ] {
        let before = row(&pool, task, task_id).await;
        let r = schedule(&leave_out(&full, left_out)).await;
        let after = row(&pool, task, task_id).await;
        let mut ignore = vec!["version"];
        ignore.extend(changes);
        if r.status != 303 || without(before.clone(), &ignore) != without(after.clone(), &ignore) {
            failures.push(format!(
                "{left_out} left out: {} — before {before}, after {after}",
                r.status
            ));
        }
        // Put it back for the next case.
        let r = schedule(&[("deadline_kind", "year_end"), ("cycle", "half_yearly")]).await;
        assert_eq!(r.status, 303);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    super::record("partial_schedule_form", 2);
}

/// Filing a report again (the report's form, the new-report form, the API) without its
/// problems, next steps or coordination requests: those stay as stored.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn reports_keep_the_parts_not_sent(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let id = w.draft;
    let report = "SELECT * FROM reports WHERE id = $1";
    let unit = w.unit_a.to_string();
    let (code, period): (String, String) = sqlx::query_as(
        "SELECT t.code, r.period FROM reports r JOIN tasks t ON t.id = r.task_id WHERE r.id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    let stored = [
        ("status", "in_progress"),
        ("self_assessment", "on_track"),
        ("work_done", "原有进展"),
        ("problems", "原有问题"),
        ("next_steps", "原有计划"),
        ("coordination", "原有需协调事项"),
        ("action", "draft"),
    ];
    let sent = [
        ("status", "done"),
        ("self_assessment", "at_risk"),
        ("work_done", "新的进展"),
        ("problems", "新的问题"),
        ("next_steps", "新的计划"),
        ("coordination", "新的需协调事项"),
        ("action", "draft"),
    ];
    // Sends the report's fields by the way `how`; the answer's status.
    let file = async |how: &str, fields: &[(&str, &str)]| -> u16 {
        let version = w.version("reports", id).await;
        match how {
            "the report's form" => {
                let mut f = fields.to_vec();
                f.push(("version", &version));
                w.liaison_a
                    .post(&format!("/reports/{id}"), &f)
                    .await
                    .status
                    .as_u16()
            }
            "the new-report form" => {
                let mut f = fields.to_vec();
                f.extend([
                    ("version", version.as_str()),
                    ("unit", unit.as_str()),
                    ("period", period.as_str()),
                ]);
                w.liaison_a
                    .post(&format!("/tasks/{code}/report"), &f)
                    .await
                    .status
                    .as_u16()
            }
            _ => {
                let mut body =
                    json!({"period": period, "version": version.parse::<i64>().unwrap()});
                for (k, v) in fields {
                    match *k {
                        "action" => body["submit"] = json!(false),
                        "coordination" => body[k] = json!([v]),
                        _ => body[k] = json!(v),
                    }
                }
                let req =
                    Request::post(format!("/api/v1/plans/{}/tasks/{code}/reports", w.plan_id))
                        .header("authorization", format!("Bearer {}", w.tokens.liaison_a))
                        .header("content-type", "application/json")
                        .body(Body::from(body.to_string()))
                        .unwrap();
                crate::common::send(&w.app, req).await.status.as_u16()
            }
        }
    };
    let mut failures = Vec::new();
    let mut n = 0;
    for how in ["the report's form", "the new-report form", "the API"] {
        for left_out in ["problems", "next_steps", "coordination"] {
            n += 1;
            let status = file(how, &stored).await;
            assert!(
                status == 303 || status == 200,
                "{how}: storing the first version: {status}"
            );
            let before = row(&pool, report, id).await;
            let requests = open_requests(&pool, id).await;
            let status = file(how, &leave_out(&sent, left_out)).await;
            let after = row(&pool, report, id).await;
            let sent_keys = [
                "status",
                "self_assessment",
                "work_done",
                "problems",
                "next_steps",
            ];
            let changed: Vec<&str> = sent_keys
                .iter()
                .copied()
                .filter(|k| *k != left_out)
                .collect();
            let mut ignore = vec!["version", "updated_at", "updated_by"];
            ignore.extend(&changed);
            let same_rest = without(before.clone(), &ignore) == without(after.clone(), &ignore);
            let sent_stored = changed
                .iter()
                .all(|k| after[k] == json!(sent.iter().find(|(f, _)| f == k).unwrap().1));
            let requests_after = open_requests(&pool, id).await;
            let requests_ok = if left_out == "coordination" {
                requests_after == requests
            } else {
                requests_after == ["新的需协调事项"]
            };
            if !(status == 303 || status == 200) || !same_rest || !sent_stored || !requests_ok {
                failures.push(format!(
                    "{how}, {left_out} left out: {status} — problems {} → {}, next steps {} → {}, requests {requests:?} → {requests_after:?}",
                    before["problems"], after["problems"], before["next_steps"], after["next_steps"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    super::record("partial_reports", n);
}

/// A review (采纳 or 退回) without `office_assessment` keeps the assessment the report has (the
/// statement keeps it: `COALESCE` in `db::reports::mark_reviewed`).
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_review_without_an_assessment_keeps_the_stored_one(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let id = w.submitted;
    sqlx::query("UPDATE reports SET office_assessment = 'at_risk' WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let version = w.version("reports", id).await;
    let r = w
        .office
        .post(
            &format!("/reports/{id}/review"),
            &[
                ("version", &version),
                ("decision", "return"),
                ("reason", "请补充"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let kept: Option<String> =
        sqlx::query_scalar("SELECT office_assessment::text FROM reports WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("at_risk"),
        "the office assessment was cleared"
    );
}

/// `PATCH /api/v1/plans/{id}/tasks/{code}` with one part left out at a time: that part stays.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn the_task_patch_leaves_what_it_does_not_send(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let code = "1.3.6";
    let task_id =
        crate::common::probe::number(&pool, "SELECT id FROM tasks WHERE code = '1.3.6'").await;
    let task = "SELECT * FROM tasks WHERE id = $1";
    let patch = async |body: Value| -> u16 {
        let req = Request::patch(format!("/api/v1/plans/{}/tasks/{code}", w.plan_id))
            .header("authorization", format!("Bearer {}", w.tokens.office))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        crate::common::send(&w.app, req).await.status.as_u16()
    };
    let version = async || -> i64 { w.task_version(code).await.parse().unwrap() };
    let names: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.short_name, tu.role::text FROM task_units tu JOIN units u ON u.id = tu.unit_id
          WHERE tu.task_id = $1 ORDER BY tu.role, tu.position",
    )
    .bind(task_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    let leads: Vec<&str> = names
        .iter()
        .filter(|(_, r)| r == "lead")
        .map(|(n, _)| n.as_str())
        .collect();
    let co: Vec<&str> = names
        .iter()
        .filter(|(_, r)| r == "co")
        .map(|(n, _)| n.as_str())
        .collect();
    let full = json!({
        "leads": leads, "co": co,
        "deadline": {"kind": "date", "date": "2022-11-30"},
        "cycle": "monthly",
        "designation_complete": true,
    });
    let mut failures = Vec::new();
    for (left_out, columns) in [
        ("deadline", &["cycle", "designation_complete"][..]),
        (
            "cycle",
            &["deadline_kind", "deadline_date", "designation_complete"][..],
        ),
        (
            "designation_complete",
            &["deadline_kind", "deadline_date", "cycle"][..],
        ),
        (
            "leads",
            &[
                "deadline_kind",
                "deadline_date",
                "cycle",
                "designation_complete",
            ][..],
        ),
        (
            "co",
            &[
                "deadline_kind",
                "deadline_date",
                "cycle",
                "designation_complete",
            ][..],
        ),
    ] {
        // A state unlike what the body sends.
        let s = patch(json!({"version": version().await, "deadline": {"kind": "ongoing"}, "cycle": "half_yearly"})).await;
        assert_eq!(s, 200);
        // Refused where the task names all its units: then it stays complete.
        patch(json!({"version": version().await, "designation_complete": false})).await;
        let before = row(&pool, task, task_id).await;
        let units_before = units_of(&pool, task_id).await;
        let mut body = full.clone();
        body.as_object_mut().unwrap().remove(left_out);
        body["version"] = json!(version().await);
        let status = patch(body).await;
        let after = row(&pool, task, task_id).await;
        let mut ignore = vec!["version"];
        ignore.extend(columns);
        if status != 200
            || without(before.clone(), &ignore) != without(after.clone(), &ignore)
            || units_of(&pool, task_id).await != units_before
        {
            failures.push(format!(
                "{left_out} left out: {status} — before {before}, after {after}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    super::record("partial_task_patch", 5);
}

/// Forms whose every field is required (a user, the plan's settings): one left out is refused
/// and the row stays as it was.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn forms_of_required_fields_refuse_one_left_out(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let unit = w.unit_a.to_string();
    let plan_version = w.version("plans", w.plan_id).await;
    let user_form = [
        ("display_name", "改名"),
        ("role", "liaison"),
        ("unit", unit.as_str()),
    ];
    let plan_form = [
        ("version", plan_version.as_str()),
        ("deadline_kind", "date"),
        ("deadline_date", "2022-12-31"),
        ("cycle", "monthly"),
        ("due_days", "15"),
    ];
    let mut failures = Vec::new();
    let mut n = 0;
    for left_out in user_form.iter().map(|(k, _)| *k) {
        n += 1;
        let sql = "SELECT * FROM users WHERE id = $1";
        let before = row(&pool, sql, w.target_user).await;
        let r = w
            .office
            .post(
                &format!("/admin/users/{}", w.target_user),
                &leave_out(&user_form, left_out),
            )
            .await;
        let after = row(&pool, sql, w.target_user).await;
        if r.status.is_success() || r.status.is_redirection() || before != after {
            failures.push(format!(
                "user form, {left_out} left out: {} — before {before}, after {after}",
                r.status
            ));
        }
    }
    for left_out in plan_form
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| *k != "version")
    {
        n += 1;
        let sql = "SELECT * FROM plans WHERE id = $1";
        let before = row(&pool, sql, w.plan_id).await;
        let r = w
            .office
            .post(
                &format!("/plans/{}/settings", w.plan_id),
                &leave_out(&plan_form, left_out),
            )
            .await;
        let after = row(&pool, sql, w.plan_id).await;
        if r.status.is_success() || r.status.is_redirection() || before != after {
            failures.push(format!(
                "plan settings, {left_out} left out: {} — before {before}, after {after}",
                r.status
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    super::record("partial_required_forms", n);
}

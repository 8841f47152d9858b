//! Safe bulk actions on `/tasks`: nothing pre-ticked, a confirmation page listing the tasks,
//! one recorded change, and a one-step undo that restores exactly what was there.

use crate::common::{self, probe::unit_id};
use axum::http::StatusCode;
use sqlx::PgPool;

/// Every unit row of every task: the state an undo must restore exactly.
async fn all_units(pool: &PgPool) -> Vec<(String, i64, String, i32, bool)> {
    sqlx::query_as(
        "SELECT t.code, tu.unit_id, tu.role::text, tu.position, tu.designated
         FROM task_units tu JOIN tasks t ON t.id = tu.task_id ORDER BY t.id, tu.unit_id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

fn task_codes(body: &str) -> Vec<String> {
    body.split("<td class=\"code\"><a href=\"/tasks/")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

/// The hidden fields of the confirmation form, in order.
fn confirm_fields(body: &str) -> Vec<(String, String)> {
    let form = body
        .split("action=\"/tasks/bulk-units/confirm\"")
        .nth(1)
        .expect("a confirmation form")
        .split("</form>")
        .next()
        .unwrap();
    form.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|s| {
            let name = s.split('"').next().unwrap().to_string();
            let value = s
                .split("value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            (name, value.replace("&amp;", "&"))
        })
        .collect()
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn ticked(body: &str) -> usize {
    body.matches("\" checked><label for=\"pick-").count()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    common::probe::number(pool, sql).await
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn no_box_is_ticked_unless_the_user_ticked_it(pool: PgPool) {
    common::seed(&pool).await;
    let office = common::office(&pool).await;
    for uri in [
        "/tasks",
        "/tasks?section=3",
        "/tasks?q=安全",
        "/tasks?page=2",
    ] {
        let r = office.get(uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert!(r.body.contains("name=\"task\""), "{uri} has boxes");
        assert_eq!(ticked(&r.body), 0, "{uri}");
    }
    // Nothing ticked: said beside the bulk form, and still nothing ticked.
    let gab = unit_id(&pool, "公安部").await.to_string();
    let r = office
        .post(
            "/tasks/bulk-units",
            &[("back", "section=3"), ("unit", &gab), ("op", "add")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"e-bulk\">请至少选择一项任务"));
    assert_eq!(ticked(&r.body), 0);
    // An error keeps exactly what the user ticked, nothing more.
    let r = office
        .post(
            "/tasks/bulk-units",
            &[("back", "section=3"), ("op", "remove"), ("task", "3.2.1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"e-bulk\">请选择要移除的单位"));
    assert_eq!(ticked(&r.body), 1);
    assert!(
        r.body
            .contains("value=\"3.2.1\" id=\"pick-3.2.1\" checked>")
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_bulk_add_is_confirmed_then_applied_as_one_change_and_undone_exactly(pool: PgPool) {
    common::seed(&pool).await;
    let office = common::office(&pool).await;
    let codes = task_codes(&office.get("/tasks?section=3").await.body);
    assert_eq!(codes.len(), 8);
    let gab = unit_id(&pool, "公安部").await.to_string();
    let before = all_units(&pool).await;
    let mut form: Vec<(&str, &str)> = vec![
        ("back", "section=3"),
        ("unit", &gab),
        ("role", "co"),
        ("op", "add"),
    ];
    form.extend(codes.iter().map(|c| ("task", c.as_str())));
    let preview = office.post("/tasks/bulk-units", &form).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("确认批量增加"));
    assert!(
        preview
            .body
            .contains("将为以下 <strong>6</strong> 项任务增加单位“公安部”（配合）：")
    );
    assert!(preview.body.contains("以下 2 项任务原已有该单位，不作改动"));
    // Each task it would change, by code and title.
    let title: String = sqlx::query_scalar("SELECT text FROM tasks WHERE code = '3.2.1'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(preview.body.contains(&format!(
        "<td class=\"code\">3.2.1</td><td class=\"text\">{title}</td>"
    )));
    assert!(preview.body.contains(">确认</button>"));
    assert!(
        preview
            .body
            .contains("<a href=\"/tasks?section=3\">返回</a>")
    );
    assert_eq!(all_units(&pool).await, before, "a preview writes nothing");

    let fields = confirm_fields(&preview.body);
    assert_eq!(fields.iter().filter(|(k, _)| k == "task").count(), 6);
    let r = office
        .post("/tasks/bulk-units/confirm", &pairs(&fields))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let change: i64 = count(&pool, "SELECT max(id) FROM bulk_changes").await;
    assert_eq!(r.location(), format!("/tasks?section=3&bulk={change}"));
    let in_section = "SELECT count(*) FROM task_units tu JOIN tasks t ON t.id = tu.task_id
         JOIN units u ON u.id = tu.unit_id WHERE u.short_name = '公安部' AND t.code LIKE '3.%'";
    assert_eq!(count(&pool, in_section).await, 8);
    assert_eq!(count(&pool, "SELECT count(*) FROM bulk_changes").await, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_log WHERE action LIKE 'bulk_units%'"
        )
        .await,
        1,
        "one recorded change"
    );
    let page = office.get(r.location()).await;
    assert!(
        page.body
            .contains("已为 6 项任务增加单位“公安部”（配合）。")
    );
    assert!(
        page.body
            .contains(&format!("action=\"/tasks/bulk-units/{change}/undo\""))
    );
    assert_eq!(ticked(&page.body), 0);

    // The same confirmation again (a double click): refused, nothing more written.
    let again = office
        .post("/tasks/bulk-units/confirm", &pairs(&fields))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again
            .body
            .contains("在确认前已有改动（或本次调整已经提交过）")
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM bulk_changes").await, 1);

    let undo = office
        .post(
            &format!("/tasks/bulk-units/{change}/undo"),
            &[("back", "section=3")],
        )
        .await;
    assert_eq!(undo.status, StatusCode::SEE_OTHER, "{}", undo.body);
    assert_eq!(undo.location(), format!("/tasks?section=3&undone={change}"));
    assert_eq!(all_units(&pool).await, before, "restored exactly");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_log WHERE action = 'bulk_units_undone'"
        )
        .await,
        1
    );
    let page = office.get(undo.location()).await;
    assert!(
        page.body
            .contains("已撤销批量增加单位“公安部”（配合）：6 项任务")
    );
    assert!(!page.body.contains("/undo\""));
    // Undone once only.
    let twice = office
        .post(
            &format!("/tasks/bulk-units/{change}/undo"),
            &[("back", "section=3")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.body.contains("这次批量调整已经撤销过了。"));
    assert_eq!(all_units(&pool).await, before);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_undo_is_refused_once_a_task_has_changed_since(pool: PgPool) {
    common::seed(&pool).await;
    let office = common::office(&pool).await;
    let gab = unit_id(&pool, "公安部").await.to_string();
    let preview = office
        .post(
            "/tasks/bulk-units",
            &[
                ("back", ""),
                ("unit", &gab),
                ("role", "lead"),
                ("op", "add"),
                ("task", "3.2.1"),
                ("task", "3.2.2"),
            ],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let r = office
        .post(
            "/tasks/bulk-units/confirm",
            &pairs(&confirm_fields(&preview.body)),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let change: i64 = count(&pool, "SELECT max(id) FROM bulk_changes").await;
    // Someone changes 3.2.2's units afterwards, through its own page.
    let version = common::probe::task_version(&pool, "3.2.2")
        .await
        .to_string();
    let hgzs = unit_id(&pool, "海关总署").await.to_string();
    let edited = office
        .post(
            "/tasks/3.2.2/units",
            &[
                ("version", &version),
                ("add_unit", &hgzs),
                ("add_role", "co"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let after = all_units(&pool).await;
    let undo = office
        .post(&format!("/tasks/bulk-units/{change}/undo"), &[("back", "")])
        .await;
    assert_eq!(undo.status, StatusCode::CONFLICT);
    assert!(
        undo.body
            .contains("任务 3.2.2 在这次批量调整之后又有改动，不能整体撤销")
    );
    assert_eq!(all_units(&pool).await, after, "nothing undone");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM bulk_changes WHERE undone_at IS NOT NULL"
        )
        .await,
        0
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_bulk_removal_lists_what_it_cannot_do_and_is_undone_with_every_flag(pool: PgPool) {
    common::seed(&pool).await;
    let office = common::office(&pool).await;
    let gab_id = unit_id(&pool, "公安部").await;
    let gab = gab_id.to_string();
    // Every task 公安部 is on, and one it is not on.
    let mut on: Vec<String> = sqlx::query_scalar(
        "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
         WHERE tu.unit_id = $1 ORDER BY t.position",
    )
    .bind(gab_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    let alone: Vec<String> = sqlx::query_scalar(
        "SELECT t.code FROM tasks t JOIN task_units tu ON tu.task_id = t.id
         WHERE tu.unit_id = $1 AND NOT t.unnamed_members
           AND (SELECT count(*) FROM task_units x WHERE x.task_id = t.id) = 1",
    )
    .bind(gab_id)
    .fetch_all(&pool)
    .await
    .unwrap();
    let not_on: String = sqlx::query_scalar(
        "SELECT code FROM tasks t WHERE NOT EXISTS
           (SELECT 1 FROM task_units tu WHERE tu.task_id = t.id AND tu.unit_id = $1)
         ORDER BY position LIMIT 1",
    )
    .bind(gab_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    on.push(not_on.clone());
    let before = all_units(&pool).await;
    let mut form: Vec<(&str, &str)> = vec![("back", ""), ("unit", &gab), ("op", "remove")];
    form.extend(on.iter().map(|c| ("task", c.as_str())));
    let preview = office.post("/tasks/bulk-units", &form).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("确认批量移除"));
    let removable = on.len() - 1 - alone.len();
    assert!(removable > 0);
    assert!(preview.body.contains(&format!(
        "将为以下 <strong>{removable}</strong> 项任务移除单位“公安部”："
    )));
    assert!(
        preview
            .body
            .contains(&format!("原本没有该单位，不作改动：{not_on}。"))
    );
    if !alone.is_empty() {
        assert!(preview.body.contains("只有该单位一个责任单位，不能移除"));
    }
    let r = office
        .post(
            "/tasks/bulk-units/confirm",
            &pairs(&confirm_fields(&preview.body)),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        office
            .get(r.location())
            .await
            .body
            .contains(&format!("已从 {removable} 项任务中移除单位“公安部”。"))
    );
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM task_units WHERE unit_id = $1")
        .bind(gab_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left as usize, alone.len());
    let change: i64 = count(&pool, "SELECT max(id) FROM bulk_changes").await;
    let undo = office
        .post(&format!("/tasks/bulk-units/{change}/undo"), &[("back", "")])
        .await;
    assert_eq!(undo.status, StatusCode::SEE_OTHER, "{}", undo.body);
    assert_eq!(
        all_units(&pool).await,
        before,
        "roles, places and designation flags as they were"
    );
}

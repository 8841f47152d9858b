//! Every signed-in page, for each role: the number of SQL statements does not grow with the
//! data (no N+1), and no statement's plan reads `tasks`, `reports` or their satellite tables
//! by sequential scan. Statements are counted from sqlx's own tracing events, plans captured
//! with auto_explain sent to the client as notices.

use crate::common;

use common::{Client, create_user};
use duban::rules::auth::Role;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::cell::RefCell;
use std::collections::BTreeMap;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

thread_local! {
    /// `(target, message)` of the events seen on this thread while a capture is on.
    static CAPTURED: RefCell<Option<Vec<(String, String)>>> = const { RefCell::new(None) };
}

struct Capture;

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" || field.name() == "summary" {
            self.0.push_str(&format!("{value:?}"));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" || field.name() == "summary" {
            self.0.push_str(value);
        }
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let target = event.metadata().target();
        if !target.starts_with("sqlx::") {
            return;
        }
        CAPTURED.with(|c| {
            if let Some(v) = c.borrow_mut().as_mut() {
                let mut m = Message(String::new());
                event.record(&mut m);
                v.push((target.to_string(), m.0));
            }
        });
    }
}

/// The events of sqlx while `f` runs. `#[sqlx::test]` runs each test on a current-thread
/// runtime, so everything a request does is polled on this thread.
async fn captured<T>(f: impl std::future::Future<Output = T>) -> (T, Vec<(String, String)>) {
    CAPTURED.with(|c| *c.borrow_mut() = Some(Vec::new()));
    let out = f.await;
    let events = CAPTURED.with(|c| c.borrow_mut().take().unwrap_or_default());
    (out, events)
}

fn install() -> tracing::subscriber::DefaultGuard {
    tracing::subscriber::set_default(tracing_subscriber::registry().with(Capture))
}

/// Pages that answer a file or are outside the signed-in pages.
fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/static")
        || path.starts_with("/assets")
        || path == "/healthz"
        || path == "/favicon.ico"
        || path == "/login"
        || path.ends_with(".xlsx")
        || path.ends_with(".csv")
        || path.ends_with("/xlsx")
        || path.ends_with(".docx")
        || path.ends_with("/docx")
        || path.starts_with("/attachments/"))
}

/// Ids the pages' paths need, all made on the small dataset so the large one shares them.
struct Ids {
    plan: i64,
    code: String,
    unit: i64,
    report: i64,
    edition: i64,
    user: i64,
    urge: i64,
    instruction: i64,
}

fn concrete(path: &str, ids: &Ids) -> String {
    let p = path
        .replace("/tasks/{code}", &format!("/tasks/{}", ids.code))
        .replace("/units/{id}", &format!("/units/{}", ids.unit))
        .replace("/plans/{id}", &format!("/plans/{}", ids.plan))
        .replace("/reports/{id}", &format!("/reports/{}", ids.report))
        .replace("/editions/{id}", &format!("/editions/{}", ids.edition))
        .replace("/admin/users/{id}", &format!("/admin/users/{}", ids.user))
        .replace("/urges/{id}", &format!("/urges/{}", ids.urge))
        .replace(
            "/instructions/{id}",
            &format!("/instructions/{}", ids.instruction),
        );
    assert!(
        !p.contains('{'),
        "no id for the page {path}: add it to `concrete`"
    );
    p
}

/// Every signed-in page's address (with list pages' second page too).
fn page_uris(pool: &PgPool, ids: &Ids) -> Vec<String> {
    let state = duban::web::AppState::new(pool.clone());
    let mut uris: Vec<String> = duban::web::route_list(&state)
        .into_iter()
        .filter(|r| r.method == axum::http::Method::GET && is_page(&r.path))
        .map(|r| concrete(&r.path, ids))
        .collect();
    uris.extend(
        [
            "/tasks?page=2",
            "/tasks?q=%E7%BD%91%E7%BB%9C&page=2",
            "/tasks?light=red",
            "/units?page=2",
            "/admin/users?page=2",
            "/admin/audit?page=2",
        ]
        .map(String::from),
    );
    uris
}

/// Users, a report with an event and a coordination request, an urge, an edition.
async fn small(pool: &PgPool) -> (Vec<(&'static str, Client)>, Ids) {
    let plan = common::seed(pool).await[0];
    create_user(pool, "office", Role::Office, None).await;
    create_user(pool, "leader", Role::Leader, None).await;
    create_user(pool, "liaison", Role::Liaison, Some("公安部")).await;
    let (code, task, unit): (String, i64, i64) = sqlx::query_as(
        "SELECT t.code, t.id, u.id FROM tasks t JOIN task_units tu ON tu.task_id = t.id
         JOIN units u ON u.id = tu.unit_id
         WHERE u.short_name = '公安部' AND tu.role = 'lead' ORDER BY t.position LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let report: i64 = sqlx::query_scalar(
        "INSERT INTO reports (task_id, unit_id, period, period_start, period_end, due_on,
             review_state, status, self_assessment, work_done, first_submitted_at, submitted_at)
         VALUES ($1, $2, '2022-Q1', '2022-01-01', '2022-03-31', '2022-04-10', 'submitted',
             'in_progress', 'on_track', '已开展', now(), now()) RETURNING id",
    )
    .bind(task)
    .bind(unit)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO report_events (report_id, action, version, snapshot) VALUES ($1, 'submitted', 1, '{}')")
        .bind(report).execute(pool).await.unwrap();
    sqlx::query("INSERT INTO coordination_requests (report_id, text) VALUES ($1, '请协调')")
        .bind(report)
        .execute(pool)
        .await
        .unwrap();
    let urge: i64 = sqlx::query_scalar(
        "INSERT INTO urges (plan_id, unit_id, period, task_codes, message)
         SELECT t.plan_id, $2, '2022-Q1', ARRAY[t.code], '请报送' FROM tasks t WHERE t.id = $1
         RETURNING id",
    )
    .bind(task)
    .bind(unit)
    .fetch_one(pool)
    .await
    .unwrap();
    let instruction: i64 = sqlx::query_scalar(
        "WITH i AS (INSERT INTO instructions (task_id, text, state, written_on)
                    VALUES ($1, '请抓紧推进', 'relayed', '2022-03-01') RETURNING id)
         INSERT INTO instruction_units (instruction_id, unit_id, answer, answered_at)
         SELECT id, $2, '已落实', now() FROM i RETURNING instruction_id",
    )
    .bind(task)
    .bind(unit)
    .fetch_one(pool)
    .await
    .unwrap();
    let app = common::app(pool.clone());
    let office = Client::signed_in(&app, "office").await;
    let r = common::issue_edition(&office).await;
    assert_eq!(r.status, axum::http::StatusCode::SEE_OTHER, "{}", r.body);
    let edition: i64 = r
        .location()
        .trim_start_matches("/editions/")
        .parse()
        .unwrap();
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'liaison'")
        .fetch_one(pool)
        .await
        .unwrap();
    let clients = vec![
        ("office", office),
        ("leader", Client::signed_in(&app, "leader").await),
        ("liaison", Client::signed_in(&app, "liaison").await),
    ];
    (
        clients,
        Ids {
            plan,
            code,
            unit,
            report,
            edition,
            user,
            urge,
            instruction,
        },
    )
}

/// Grows every list: 1,000 units, 2,000 tasks (all with the liaison's unit), 8,000 reports
/// with events and requests, urges, editions, users and audit entries. In three parts: these
/// units, the tasks of `common::more_tasks_sql`, then [`LARGE_REST`].
const LARGE_UNITS: &str = r#"
WITH p AS (SELECT id, issuer FROM plans LIMIT 1)
INSERT INTO units (directory, short_name, full_name, sort_order)
SELECT p.issuer, '单位' || g, '测试单位' || g, 1000 + g FROM p, generate_series(1, 1000) g;
"#;

/// The rest of the large data set, after its 2,000 tasks.
const LARGE_REST: &str = r#"
INSERT INTO task_units (task_id, unit_id, role, position)
SELECT t.id, (SELECT id FROM units WHERE short_name = '公安部' LIMIT 1), 'lead', 1
FROM tasks t WHERE t.position > 1000;
INSERT INTO task_units (task_id, unit_id, role, position)
SELECT t.id, (SELECT id FROM units WHERE short_name = '单位' || (1 + t.position % 1000)), 'co', 1
FROM tasks t WHERE t.position > 1000;

INSERT INTO reports (task_id, unit_id, period, period_start, period_end, due_on, review_state,
                     status, self_assessment, work_done, first_submitted_at, submitted_at,
                     return_reason)
SELECT t.id, tu.unit_id, '2022-Q' || q, make_date(2022, q * 3 - 2, 1),
       (make_date(2022, q * 3, 1) + interval '1 month - 1 day')::date,
       (make_date(2022, q * 3, 1) + interval '1 month 9 days')::date,
       (ARRAY['draft', 'submitted', 'returned', 'accepted'])[q]::review_state,
       'in_progress', 'on_track', '已开展工作',
       CASE WHEN q > 1 THEN now() END, CASE WHEN q > 1 THEN now() END,
       CASE WHEN q = 3 THEN '请补充' END
FROM tasks t JOIN task_units tu ON tu.task_id = t.id AND tu.role = 'lead',
     generate_series(1, 4) q
WHERE t.position > 1000;

INSERT INTO report_events (report_id, action, version, snapshot)
SELECT id, 'submitted', 1, '{}' FROM reports WHERE first_submitted_at IS NOT NULL;
INSERT INTO coordination_requests (report_id, text)
SELECT id, '请协调' FROM reports WHERE review_state = 'submitted';

INSERT INTO urges (plan_id, unit_id, period, task_codes, message)
SELECT (SELECT id FROM plans LIMIT 1), (SELECT id FROM units WHERE short_name = '公安部' LIMIT 1),
       '2022-Q1', ARRAY['1.1.1'], '请报送' FROM generate_series(1, 300);

INSERT INTO editions (plan_id, year, number, as_of, snapshot)
SELECT plan_id, year + 1, g, as_of, snapshot FROM editions, generate_series(1, 150) g;

WITH t AS (SELECT t.id FROM tasks t JOIN task_units tu ON tu.task_id = t.id
             JOIN units u ON u.id = tu.unit_id WHERE u.short_name = '公安部'
            ORDER BY t.id DESC LIMIT 400),
     i AS (INSERT INTO instructions (task_id, text, state, written_on)
           SELECT id, '请抓紧推进', 'relayed', '2022-03-01' FROM t RETURNING id)
INSERT INTO instruction_units (instruction_id, unit_id)
SELECT i.id, u.id FROM i, units u WHERE u.short_name = '公安部';

INSERT INTO users (login, display_name, role, unit_id, password_hash)
SELECT 'user' || g, '用户' || g, 'liaison', (SELECT id FROM units WHERE short_name = '单位' || g),
       'x' FROM generate_series(1, 500) g;

INSERT INTO audit_log (action, actor_login, target)
SELECT 'sign_in', 'user' || (g % 500), NULL FROM generate_series(1, 5000) g;
ANALYZE;
"#;

/// sqlx's own look-ups of custom types, made once per connection whichever one serves.
fn is_type_lookup(summary: &str) -> bool {
    summary.contains("pg_catalog") || summary.contains("regtype") || summary.contains("pg_type")
}

/// `(role, uri) → (status, statements)`.
async fn count_all(
    clients: &[(&'static str, Client)],
    uris: &[String],
) -> BTreeMap<(String, String), (u16, usize)> {
    let mut out = BTreeMap::new();
    for (role, client) in clients {
        for uri in uris {
            let (r, events) = captured(client.get(uri)).await;
            assert!(
                r.status.as_u16() < 500,
                "{role} {uri}: {} {}",
                r.status,
                r.body
            );
            let statements: Vec<&String> = events
                .iter()
                .filter(|(t, m)| t == "sqlx::query" && !is_type_lookup(m))
                .map(|(_, m)| m)
                .collect();
            let n = statements.len();
            if std::env::var("SHOW_SQL").is_ok() {
                for m in &statements {
                    println!("    {role} {uri}: {m}");
                }
            }
            out.insert((role.to_string(), uri.clone()), (r.status.as_u16(), n));
        }
    }
    out
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn statements_per_page_do_not_grow_with_the_data(pool: PgPool) {
    let _guard = install();
    let (clients, ids) = small(&pool).await;
    let uris = page_uris(&pool, &ids);
    // Once to warm every connection's caches (sqlx looks up custom types once).
    count_all(&clients, &uris).await;
    // Kept summaries (see `revision_cache`): the large data set below raises the data revision,
    // so raise it here too. In each pass the first caller then counts a rebuilt summary and
    // the others a kept one, before and after alike.
    sqlx::query("UPDATE data_revision SET revision = revision + 1")
        .execute(&pool)
        .await
        .unwrap();
    let before = count_all(&clients, &uris).await;
    let large = [
        LARGE_UNITS,
        &common::more_tasks_sql(2000, "网络治理测试任务", "公安部牵头"),
        LARGE_REST,
    ]
    .concat();
    sqlx::raw_sql(&large)
        .execute(&pool)
        .await
        .expect("large dataset");
    let after = count_all(&clients, &uris).await;
    let mut grew = Vec::new();
    for (key, (status, n)) in &before {
        let (status2, n2) = after[key];
        println!("{:8} {:45} {status} {n:3} → {status2} {n2:3}", key.0, key.1);
        if (*status, *n) != (status2, n2) {
            grew.push(format!(
                "{} {}: {status}/{n} → {status2}/{n2}",
                key.0, key.1
            ));
        }
    }
    assert!(
        before.values().all(|(_, n)| *n > 0),
        "statements not captured"
    );
    assert!(
        grew.is_empty(),
        "statements per page changed:\n{}",
        grew.join("\n")
    );
}

/// Tables no page may read whole: they grow with the plan and its reports.
const BIG_TABLES: &[&str] = &[
    "tasks",
    "reports",
    "report_events",
    "task_units",
    "coordination_requests",
    "attachments",
    "task_history",
    "task_checkpoints",
    "urges",
    "errata",
    "editions",
    "instructions",
    "instruction_units",
];

/// Nodes of a plan that read a big table whole: a sequential scan, or an index scan with
/// no index condition (with sequential scans off, the planner's way of reading it all).
fn whole_reads(node: &serde_json::Value, out: &mut Vec<String>) {
    let kind = node["Node Type"].as_str().unwrap_or("");
    let table = node["Relation Name"].as_str().unwrap_or("");
    if BIG_TABLES.contains(&table) {
        let whole = match kind {
            "Seq Scan" => true,
            "Index Scan" | "Index Only Scan" => node.get("Index Cond").is_none(),
            _ => false,
        };
        if whole {
            out.push(format!("{kind} on {table}"));
        }
    }
    for child in node["Plans"].as_array().into_iter().flatten() {
        whole_reads(child, out);
    }
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn no_page_scans_tasks_or_reports_sequentially(pool: PgPool) {
    // The plans are read as the planner makes them for tables it has no statistics of, as at
    // scale: once autovacuum has analysed the few rows loaded here, a whole read of a tiny
    // table is rightly the cheapest plan, and whether it had run made the test pass or fail.
    for table in BIG_TABLES {
        sqlx::raw_sql(&format!(
            "ALTER TABLE {table} SET (autovacuum_enabled = false)"
        ))
        .execute(&pool)
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}"));
    }
    let (_, ids) = small(&pool).await;
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&pool)
        .await
        .unwrap();
    // With sequential scans priced out, one still chosen means no index can serve.
    for setting in [
        "enable_seqscan = off",
        "session_preload_libraries = 'auto_explain'",
        "auto_explain.log_min_duration = 0",
        "auto_explain.log_level = notice",
        "auto_explain.log_format = json",
        "auto_explain.log_nested_statements = on",
    ] {
        sqlx::raw_sql(&format!(
            "LOAD 'auto_explain'; ALTER DATABASE \"{db}\" SET {setting}"
        ))
        .execute(&pool)
        .await
        .unwrap_or_else(|e| panic!("{setting}: {e}"));
    }
    // New connections, which start with those settings.
    let explained = PgPoolOptions::new()
        .max_connections(4)
        .connect_with(pool.connect_options().as_ref().clone())
        .await
        .unwrap();
    let app = common::app(explained.clone());
    let clients = vec![
        ("office", Client::signed_in(&app, "office").await),
        ("leader", Client::signed_in(&app, "leader").await),
        ("liaison", Client::signed_in(&app, "liaison").await),
    ];
    let uris = page_uris(&explained, &ids);
    let _guard = install();
    let mut scans = Vec::new();
    let mut plans = 0;
    for (role, client) in &clients {
        for uri in &uris {
            let (r, events) = captured(client.get(uri)).await;
            assert!(r.status.as_u16() < 500, "{role} {uri}: {}", r.status);
            for (_, message) in events.iter().filter(|(t, _)| t == "sqlx::postgres::notice") {
                plans += 1;
                if std::env::var("SHOW_PLANS").is_ok() {
                    println!("{role} {uri}:\n{message}");
                }
                let json = &message[message.find('{').expect("a JSON plan")..];
                let plan: serde_json::Value = serde_json::from_str(json).expect("JSON plan");
                let query = plan["Query Text"].as_str().unwrap_or("").to_string();
                let mut found = Vec::new();
                whole_reads(&plan["Plan"], &mut found);
                for f in found {
                    scans.push(format!("{role} {uri}: {f} — {query}"));
                }
            }
        }
    }
    explained.close().await;
    assert!(plans > 0, "auto_explain sent no plans");
    scans.sort();
    scans.dedup();
    assert!(scans.is_empty(), "sequential scans:\n{}", scans.join("\n"));
}

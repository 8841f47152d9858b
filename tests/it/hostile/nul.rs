//! NUL and the other control characters, and dates far outside any calendar the office uses:
//! PostgreSQL refuses U+0000 in text and overflows on such dates, so each must be refused where
//! it enters (the address, the form, the JSON body, the text's own rule), with its Chinese
//! message, and nothing written. PostgreSQL's own refusal of such a value is the last line:
//! a 400, never a 500.

use super::{Case, Expect, Who, World, run};
use axum::http::Method;
use axum::response::IntoResponse;
use serde_json::json;
use sqlx::PgPool;

/// An address (path or query) with a control character.
const IN_ADDRESS: &str = "请求有误：网址中含有不可见的控制字符（如 NUL）";
const IN_QUERY: &str = "网址中的查询参数无效：含有不可见的控制字符（如 NUL）";
/// A text's own rule, beside the field.
const IN_TEXT: &str = "中含有不可见的控制字符（如 NUL），请删除后重新填写";

/// What every table a refused request might touch holds, to compare before and after.
pub async fn fingerprint(pool: &PgPool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for table in [
        "plans",
        "tasks",
        "task_units",
        "task_checkpoints",
        "task_history",
        "units",
        "users",
        "api_tokens",
        "sign_in_failures",
        "audit_log",
        "reports",
        "report_events",
        "coordination_requests",
        "urges",
        "editions",
    ] {
        // A token's last use is the one thing a refused request may write: it was used.
        let sql = format!(
            "SELECT coalesce(md5(string_agg(r, '|' ORDER BY r)), '')
               FROM (SELECT (to_jsonb(t) - 'last_used_at')::text AS r FROM {table} t) rows"
        );
        let digest: String = sqlx::query_scalar(&sql)
            .fetch_one(pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        out.push((table.to_string(), digest));
    }
    out
}

fn text_beside(field: &'static str, label: &str) -> Expect {
    // The message is the label and IN_TEXT; leaked so the case can hold it as `'static`.
    Expect::Beside(
        field,
        Box::leak(format!("{label}{IN_TEXT}").into_boxed_str()),
    )
}

fn form_field(label: &str) -> Expect {
    Expect::Page(Box::leak(
        format!("“{label}”中含有不可见的控制字符（如 NUL），请删除后重新提交").into_boxed_str(),
    ))
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn post(name: &str, who: Who, uri: impl Into<String>, fields: &[(&str, &str)]) -> Case {
    Case::new(name, who, Method::POST, uri).form(&pairs(fields))
}

fn get(who: Who, uri: impl Into<String>, status: u16, e: Expect) -> Case {
    let uri = uri.into();
    Case::new(uri.clone(), who, Method::GET, uri).expect(status, e)
}

/// Control characters in addresses, query strings, form fields and JSON bodies.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn control_characters_are_refused_where_they_enter(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let (o, l) = (Who::Office, Who::Liaison);
    let unit = w.unit_a.to_string();
    let plan = w.plan_id;
    let draft_version = w.version("reports", w.draft).await;
    let submitted_version = w.version("reports", w.submitted).await;
    let close_version = w.task_version("7.1.2").await;
    let schedule_version = w.task_version("1.3.6").await;
    let api_version: i64 = w.task_version("2.2.1").await.parse().unwrap();
    let page = |m: &'static str| Expect::Page(m);
    let mut cases = vec![
        // Query strings: the list, its exports, the audit filters, any page.
        get(o, "/tasks?q=%00", 400, page(IN_QUERY)),
        get(o, "/tasks?q=%E5%89%91%00", 400, page(IN_QUERY)),
        get(o, "/tasks?q=a%1Bb", 400, page(IN_QUERY)),
        get(o, "/tasks.xlsx?q=%00", 400, page(IN_QUERY)),
        get(o, "/tasks.csv?q=%00", 400, page(IN_QUERY)),
        get(Who::OfficeToken, "/tasks.csv?unit=%00", 400, page(IN_QUERY)),
        get(o, "/admin/audit?login=%00", 400, page(IN_QUERY)),
        get(o, "/admin/audit?action=sign_in%00", 400, page(IN_QUERY)),
        get(o, "/summary?as_of=2022-07-01%00", 400, page(IN_QUERY)),
        get(l, "/my?period=2022-Q2%00", 400, page(IN_QUERY)),
        get(Who::Anonymous, "/login?next=%2F%00", 400, page(IN_QUERY)),
        get(
            Who::OfficeToken,
            format!("/api/v1/plans/{plan}/tasks?page=%00"),
            400,
            Expect::Json(None, IN_QUERY),
        ),
        // Paths: a task code, a report id, the API's plan and code.
        get(o, "/tasks/1.3.1%00", 400, page(IN_ADDRESS)),
        get(o, "/tasks/%00/report", 400, page(IN_ADDRESS)),
        get(o, "/reports/1%00", 400, page(IN_ADDRESS)),
        get(o, "/units/%01", 400, page(IN_ADDRESS)),
        get(
            Who::OfficeToken,
            format!("/api/v1/plans/{plan}/tasks/1.3.1%00/reports"),
            400,
            Expect::Json(None, IN_ADDRESS),
        ),
        get(
            Who::OfficeToken,
            format!("/api/v1/plans/{plan}%00/tasks"),
            400,
            Expect::Json(None, IN_ADDRESS),
        ),
        post("a code with NUL", o, "/tasks/7.1.2%00/close", &[]).expect(400, page(IN_ADDRESS)),
        // Signing in: refused before the account is looked up, nothing counted.
        post(
            "a login with NUL",
            Who::Anonymous,
            "/login",
            &[("login", "a\0b"), ("password", "wrong-password")],
        )
        .expect(422, form_field("登录名")),
        post(
            "a password with NUL",
            Who::Anonymous,
            "/login",
            &[("login", "gab"), ("password", "gab\0pass")],
        )
        .expect(422, form_field("密码")),
        // Fields that are no free text: refused by the form extractor, naming the field.
        post(
            "a version with NUL",
            o,
            "/tasks/7.1.2/close",
            &[("version", "1\0"), ("closing_note", "已完成")],
        )
        .expect(422, form_field("版本号")),
        post(
            "a period with NUL",
            l,
            "/tasks/3.1.1/report",
            &[
                ("unit", &unit),
                ("period", "2022-Q2\0"),
                ("status", "in_progress"),
                ("self_assessment", "on_track"),
                ("work_done", "推进中"),
            ],
        )
        .expect(422, form_field("报送期次")),
        post(
            "a field name with NUL",
            o,
            "/tasks/7.1.2/close",
            &[("version", &close_version), ("a\0b", "1")],
        )
        .expect(422, form_field("字段名")),
        post(
            "a unit id with NUL in the units form",
            o,
            "/tasks/1.3.6/units",
            &[("version", &schedule_version), ("add_unit", "\0")],
        )
        .expect(422, form_field("单位")),
        post(
            "a new user's login with NUL",
            o,
            "/admin/users",
            &[
                ("login", "new\0comer"),
                ("display_name", "新同事"),
                ("role", "leader"),
            ],
        )
        .expect(422, form_field("登录名")),
    ];
    // Report texts by form: beside the field, what was typed kept.
    let report_base = [
        ("unit", unit.as_str()),
        ("period", "2022-Q2"),
        ("status", "in_progress"),
        ("self_assessment", "on_track"),
        ("work_done", "推进中"),
        ("action", "draft"),
    ];
    for (field, label, bad) in [
        ("work_done", "工作进展及成效", "推进\0中"),
        ("work_done", "工作进展及成效", "推进\u{1b}[31m中"),
        ("problems", "存在问题", "\0"),
        ("next_steps", "下一步计划", "下一步\u{7}"),
        ("coordination", "第 2 项需协调事项", "请协调\n请\0协调"),
    ] {
        let mut fields: Vec<(&str, &str)> = report_base
            .iter()
            .filter(|(k, _)| *k != field)
            .copied()
            .collect();
        fields.push((field, bad));
        cases.push(
            post(
                &format!("new report: {field}"),
                l,
                "/tasks/3.1.1/report",
                &fields,
            )
            .expect(422, text_beside(field_id(field), label)),
        );
        let mut edit: Vec<(&str, &str)> = fields
            .iter()
            .filter(|(k, _)| *k != "unit")
            .copied()
            .collect();
        edit.push(("version", &draft_version));
        cases.push(
            post(
                &format!("edit report: {field}"),
                l,
                format!("/reports/{}", w.draft),
                &edit,
            )
            .expect(422, text_beside(field_id(field), label)),
        );
    }
    cases.extend([
        post(
            "a close note with NUL",
            o,
            "/tasks/7.1.2/close",
            &[("version", &close_version), ("closing_note", "已\0完成")],
        )
        .expect(422, text_beside("e-closing_note", "办结说明")),
        post(
            "an urge with NUL",
            o,
            "/urges",
            &[
                ("period", "2022-Q2"),
                ("unit", &unit),
                ("message", "请\0报送"),
            ],
        )
        .expect(422, text_beside("e-message", "催办内容")),
        post(
            "an answer with NUL",
            o,
            format!("/coordination/{}/answer", w.coordination),
            &[("answer", "已\0协调")],
        )
        .expect(422, text_beside("e-answer", "答复")),
        post(
            "a return reason with NUL",
            o,
            format!("/reports/{}/review", w.submitted),
            &[
                ("version", &submitted_version),
                ("decision", "return"),
                ("reason", "请\0补充"),
            ],
        )
        .expect(422, text_beside("e-reason", "退回理由")),
        post(
            "a unit's short name with NUL",
            o,
            "/units",
            &[("short_name", "新\0单位"), ("full_name", "新单位全称")],
        )
        .expect(422, text_beside("e-short_name", "简称")),
        post(
            "a unit's full name with a line break",
            o,
            "/units",
            &[("short_name", "新单位"), ("full_name", "新单位\n全称")],
        )
        .expect(422, text_beside("e-full_name", "全称")),
        post(
            "a checkpoint title with NUL",
            o,
            "/tasks/1.3.6/schedule",
            &[
                ("version", &schedule_version),
                ("deadline_kind", "staged"),
                ("checkpoints", "2022-06-30 完成\0一半"),
                ("cycle", "monthly"),
            ],
        )
        .expect(422, text_beside("e-deadline", "第 1 个节点的说明")),
    ]);
    // API bodies: a JSON 422 naming the field.
    let api =
        |name: &str, who: Who, method: Method, uri: String, body: serde_json::Value, field| {
            Case::new(name, who, method, uri)
                .json(&body.to_string())
                .expect(
                    422,
                    Expect::Json(Some(field), "含有不可见的控制字符（如 NUL）"),
                )
        };
    let reports = format!("/api/v1/plans/{plan}/tasks/3.1.1/reports");
    let base = json!({"period": "2022-Q2", "status": "in_progress", "self_assessment": "on_track", "work_done": "接口报送"});
    let with = |k: &str, v: serde_json::Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    let lt = Who::LiaisonToken;
    cases.extend([
        api("work done with NUL", lt, Method::POST, reports.clone(), with("work_done", json!("接口\u{0}报送")), "work_done"),
        api("problems with ESC", lt, Method::POST, reports.clone(), with("problems", json!("\u{1b}")), "problems"),
        api("a period with NUL", lt, Method::POST, reports.clone(), with("period", json!("2022-Q2\u{0}")), "period"),
        api("a status with NUL", lt, Method::POST, reports.clone(), with("status", json!("done\u{0}")), "status"),
        api("a coordination request with NUL", lt, Method::POST, reports.clone(), with("coordination", json!(["请协调", "\u{0}"])), "coordination[1]"),
        api("a unit with NUL", lt, Method::POST, reports.clone(), with("unit", json!("公安部\u{0}")), "unit"),
        api(
            "a checkpoint title with NUL",
            Who::OfficeToken,
            Method::PATCH,
            format!("/api/v1/plans/{plan}/tasks/2.2.1"),
            json!({"version": api_version, "deadline": {"kind": "staged", "checkpoints": [{"date": "2022-06-30", "title": "一\u{0}半"}]}}),
            "deadline.checkpoints[0].title",
        ),
        api(
            "a lead with NUL",
            Who::OfficeToken,
            Method::PATCH,
            format!("/api/v1/plans/{plan}/tasks/2.2.1"),
            json!({"version": api_version, "leads": ["公安部\u{0}"]}),
            "leads[0]",
        ),
    ]);
    // The upload form's text fields (multipart, read by their own helper).
    cases.push(
        Case::new("an upload's period with NUL", l, Method::POST, "/my/upload")
            .body(
                "multipart/form-data; boundary=B",
                b"--B\r\nContent-Disposition: form-data; name=\"period\"\r\n\r\n2022-Q2\x00\r\n--B--\r\n"
                    .to_vec(),
            )
            .expect(422, form_field("报送期次")),
    );
    let before = fingerprint(&pool).await;
    let n = run(&w, &cases).await;
    assert_eq!(
        fingerprint(&pool).await,
        before,
        "a refused request wrote something"
    );
    super::record("control_characters", n);
}

/// The id of the message beside a report field.
fn field_id(field: &str) -> &'static str {
    match field {
        "work_done" => "e-work_done",
        "problems" => "e-problems",
        "next_steps" => "e-next_steps",
        _ => "e-coordination",
    }
}

/// Tab and line breaks are what text areas send: kept, not refused.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn tabs_and_line_breaks_in_texts_are_kept(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let version = w.version("reports", w.draft).await;
    let text = "第一项\t完成\r\n第二项\n推进中";
    let r = w
        .liaison_a
        .post(
            &format!("/reports/{}", w.draft),
            &[
                ("version", &version),
                ("status", "in_progress"),
                ("self_assessment", "on_track"),
                ("work_done", text),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let stored: String = sqlx::query_scalar("SELECT work_done FROM reports WHERE id = $1")
        .bind(w.draft)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, "第一项\t完成\r\n第二项\n推进中");
}

/// Dates outside 1900–9999 (or the field's own range) are refused like malformed ones.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn dates_out_of_range_are_refused(pool: PgPool) {
    use Expect::{Beside, Json, Page};
    let w = World::new(pool.clone()).await;
    let o = Who::Office;
    let plan = w.plan_id;
    let mut cases = Vec::new();
    for bad in [
        "-5000-01-01",
        "+99999-12-31",
        "0001-01-01",
        "1899-12-31",
        "+2022-07-01",
    ] {
        for param in ["from", "to"] {
            cases.push(get(
                o,
                format!("/admin/audit?{param}={}", bad.replace('+', "%2B")),
                400,
                Beside(
                    if param == "from" { "e-from" } else { "e-to" },
                    "日期格式应为 2022-07-01",
                ),
            ));
        }
        cases.push(get(
            o,
            format!("/summary?as_of={}", bad.replace('+', "%2B")),
            400,
            Page("无效：应为今天或以前的日期"),
        ));
    }
    // The task's and the plan's deadlines hold dates to the plan's years.
    let version = w.task_version("1.3.6").await;
    let plan_version = w.version("plans", plan).await;
    let api_version: i64 = w.task_version("2.2.1").await.parse().unwrap();
    for bad in ["-5000-01-01", "0001-01-01"] {
        cases.push(
            post(
                "a task deadline far away",
                o,
                "/tasks/1.3.6/schedule",
                &[
                    ("version", &version),
                    ("deadline_kind", "date"),
                    ("deadline_date", bad),
                    ("cycle", "monthly"),
                ],
            )
            .expect(422, Beside("e-deadline", "日期应在 2021 年至 2027 年之间")),
        );
        cases.push(
            post(
                "a checkpoint far away",
                o,
                "/tasks/1.3.6/schedule",
                &[
                    ("version", &version),
                    ("deadline_kind", "staged"),
                    ("checkpoints", &format!("{bad} 完成一半")),
                    ("cycle", "monthly"),
                ],
            )
            .expect(422, Beside("e-deadline", "第 1 个节点的日期超出范围")),
        );
        cases.push(
            post(
                "a plan deadline far away",
                o,
                format!("/plans/{plan}/settings"),
                &[
                    ("version", &plan_version),
                    ("deadline_kind", "date"),
                    ("deadline_date", bad),
                    ("cycle", "quarterly"),
                    ("due_days", "10"),
                ],
            )
            .expect(
                422,
                Beside("e-default_deadline", "日期应在 2021 年至 2027 年之间"),
            ),
        );
        cases.push(
            Case::new(
                "an API deadline far away",
                Who::OfficeToken,
                Method::PATCH,
                format!("/api/v1/plans/{plan}/tasks/2.2.1"),
            )
            .json(
                &json!({"version": api_version, "deadline": {"kind": "date", "date": bad}})
                    .to_string(),
            )
            .expect(
                422,
                Json(Some("deadline.date"), "日期应在 2021 年至 2027 年之间"),
            ),
        );
    }
    let before = fingerprint(&pool).await;
    let n = run(&w, &cases).await;
    assert_eq!(
        fingerprint(&pool).await,
        before,
        "a refused date wrote something"
    );
    super::record("dates_out_of_range", n);
}

/// The last line: a value PostgreSQL itself refuses (U+0000 in text, a date or time out of its
/// range or unreadable) is the request's fault, a 400 with a Chinese message, never a 500.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn values_the_database_refuses_answer_400(pool: PgPool) {
    use duban::web::{ApiError, AppError};
    for (what, code) in [
        ("U+0000 in text", "22021"),
        ("a timestamp out of range", "22008"),
        ("an unreadable date", "22007"),
        ("\\u0000 in JSON", "22P05"),
    ] {
        let e = refusal(&pool, code).await;
        let got = e
            .as_database_error()
            .and_then(|d| d.code())
            .map(|c| c.to_string());
        assert_eq!(got.as_deref(), Some(code), "{what}: {e}");
        let page = AppError::Db(e).into_response();
        assert_eq!(page.status(), 400, "{what} ({code}): the page");
        let body = body_text(page).await;
        assert!(
            body.contains("无法保存的字符（如 NUL）或超出范围的日期"),
            "{what}: {body}"
        );
        let api = ApiError(AppError::Db(refusal(&pool, code).await)).into_response();
        assert_eq!(api.status(), 400, "{what} ({code}): the API");
        let body: serde_json::Value = serde_json::from_str(&body_text(api).await).unwrap();
        assert_eq!(body["error"]["code"], "bad_request", "{what}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("无法保存的字符"),
            "{what}: {body}"
        );
    }
}

/// PostgreSQL refusing a value with the SQLSTATE `code`.
async fn refusal(pool: &PgPool, code: &str) -> sqlx::Error {
    let q = match code {
        "22021" => sqlx::query("SELECT $1::text").bind("a\0b"),
        "22008" => sqlx::query("SELECT '294277-01-01'::timestamptz"),
        "22007" => sqlx::query("SELECT $1::text::date").bind("明天"),
        _ => sqlx::query("SELECT $1::text::jsonb").bind("{\"a\": \"\\u0000\"}"),
    };
    q.execute(pool).await.unwrap_err()
}

async fn body_text(r: axum::response::Response) -> String {
    let bytes = http_body_util::BodyExt::collect(r.into_body())
        .await
        .unwrap()
        .to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

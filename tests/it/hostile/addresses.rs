//! Addresses: every route of the router with bytes that are not UTF-8 in its path and its
//! query, ids too large or negative in its path; and hostile values in the query strings that
//! pages read (filters, dates, periods, plan ids).

use super::{Case, Expect, Who, World, run};
use axum::http::Method;
use duban::web::{AppState, route_list};
use sqlx::PgPool;

const BAD_ADDRESS: &str = "请求有误：网址中含有无效的字符";
const BAD_QUERY: &str = "网址中的查询参数无效：含有无效的字符";
const I64_OVERFLOW: &str = "9223372036854775808";

/// A concrete value for each path parameter, valid for the route.
fn fill(w: &World, path: &str, bad: Option<(&str, &str)>) -> String {
    let mut out = path.to_string();
    for (param, value) in [
        (
            "{code}",
            if path.contains("/extensions") {
                w.extension_task.clone()
            } else {
                "1.3.1".to_string()
            },
        ),
        ("{token_id}", w.target_token_id.to_string()),
    ] {
        out = out.replace(
            param,
            bad.filter(|b| b.0 == param).map_or(value.as_str(), |b| b.1),
        );
    }
    let id = if path.starts_with("/api/v1/plans/") || path.starts_with("/plans/") {
        w.plan_id
    } else if path.starts_with("/admin/users/") {
        w.target_user
    } else if path.starts_with("/reports/") {
        w.submitted
    } else if path.starts_with("/units/") {
        w.unit_a
    } else if path.starts_with("/coordination/") {
        w.coordination
    } else if path.starts_with("/urges/") {
        w.urge
    } else if path.starts_with("/extensions/") || path.starts_with("/api/v1/extensions/") {
        w.extension
    } else {
        1
    };
    let id = id.to_string();
    out.replace(
        "{id}",
        bad.filter(|b| b.0 == "{id}").map_or(id.as_str(), |b| b.1),
    )
}

fn who(path: &str) -> Who {
    if path.starts_with("/api/") {
        Who::OfficeToken
    } else if path.starts_with("/my") || (path.starts_with("/urges/") && path.ends_with("/ack")) {
        Who::Liaison
    } else {
        Who::Office
    }
}

fn refusal(path: &str, message: &'static str) -> Expect {
    if path.starts_with("/api/") {
        Expect::Json(None, message)
    } else {
        Expect::Page(message)
    }
}

/// Every route, with `%FF` and friends in each path parameter and in the query.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn every_address_with_bytes_that_are_not_utf8(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let routes = route_list(&AppState::new(pool));
    let mut cases = Vec::new();
    for r in &routes {
        let who = who(&r.path);
        let case = |name: String, uri: String, message| {
            Case::new(name, who, r.method.clone(), uri).expect(400, refusal(&r.path, message))
        };
        for query in ["plan=%FF", "q=%C0%AF", "next=%E5%89", "x=%", "%FE=1"] {
            cases.push(case(
                format!("query {query}"),
                format!("{}?{query}", fill(&w, &r.path, None)),
                BAD_QUERY,
            ));
        }
        for param in ["{id}", "{code}", "{token_id}"] {
            if !r.path.contains(param) {
                continue;
            }
            for bad in ["%FF", "1%C0%AF", "%ED%A0%80", "%F4%90%80%80"] {
                cases.push(case(
                    format!("{param} = {bad}"),
                    fill(&w, &r.path, Some((param, bad))),
                    BAD_ADDRESS,
                ));
            }
        }
    }
    // Paths no route claims, with bad bytes: refused the same way, never a 500.
    for uri in [
        "/%FF",
        "/tasks/%FF%FE/report",
        "/api/v1/%FF",
        "/static/%C0%AE%C0%AE/etc",
    ] {
        let expect = refusal(uri, BAD_ADDRESS);
        cases.push(Case::new(uri, Who::Anonymous, Method::GET, uri).expect(400, expect));
    }
    let n = run(&w, &cases).await;
    assert!(n >= routes.len() * 5, "{n}");
    super::record("addresses_not_utf8", n);
}

/// Every route with an id or code in its path, given one too large, negative or absurd.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn every_path_parameter_out_of_range(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let routes = route_list(&AppState::new(pool));
    let mut cases = Vec::new();
    for r in routes.iter().filter(|r| r.method == Method::GET) {
        for param in ["{id}", "{code}", "{token_id}"] {
            if !r.path.contains(param) {
                continue;
            }
            for bad in [
                I64_OVERFLOW,
                "-1",
                "1e400",
                "0x10",
                "%20",
                "..%2F..%2Fetc%2Fpasswd",
            ] {
                let mut uri = fill(&w, &r.path, Some((param, bad)));
                if r.path == "/tasks/{code}/report" {
                    uri.push_str(&format!("?unit={}&period=2022-Q2", w.unit_a));
                }
                // A plan id the API cannot read is a plan it does not have.
                cases.push(
                    Case::new(format!("{param} = {bad}"), who(&r.path), Method::GET, uri)
                        .expect(404, refusal(&r.path, "")),
                );
            }
        }
    }
    let n = run(&w, &cases).await;
    assert!(n > 40, "{n}");
    super::record("path_parameters", n);
}

/// Query strings that pages read: filters, dates and periods out of range, huge numbers.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn query_values_out_of_range(pool: PgPool) {
    use Expect::{Beside, Page};
    let w = World::new(pool).await;
    let unit = w.unit_a;
    let get = |who: Who, uri: String, status: u16, e: Expect| {
        Case::new(uri.clone(), who, Method::GET, uri).expect(status, e)
    };
    let o = Who::Office;
    let words = "词 ".repeat(11);
    let cases = vec![
        get(
            o,
            format!("/tasks?section={I64_OVERFLOW}"),
            400,
            Beside("e-section", "没有“9223372036854775808”这一部分"),
        ),
        get(
            o,
            "/tasks?section=1e400".into(),
            400,
            Beside("e-section", "没有“1e400”这一部分"),
        ),
        get(
            o,
            "/tasks?section=-1".into(),
            400,
            Beside("e-section", "没有“-1”这一部分"),
        ),
        get(
            o,
            "/tasks?section=%3Cscript%3E".into(),
            400,
            Beside("e-section", "没有“&#60;script&#62;”这一部分"),
        ),
        get(
            o,
            format!("/tasks?unit={I64_OVERFLOW}"),
            400,
            Beside("e-unit", "请选择列表中的单位"),
        ),
        get(
            o,
            "/tasks?unit=-1".into(),
            400,
            Beside("e-unit", "请选择列表中的单位"),
        ),
        get(
            o,
            "/tasks?unit=1.5".into(),
            400,
            Beside("e-unit", "请选择列表中的单位"),
        ),
        get(
            o,
            "/tasks?role=boss".into(),
            400,
            Beside("e-role", "职责只能是"),
        ),
        get(
            o,
            "/tasks?light=purple".into(),
            400,
            Beside("e-light", "请选择红灯、黄灯、绿灯或灰灯"),
        ),
        get(
            o,
            "/tasks?status=finished".into(),
            400,
            Beside("e-status", "请选择列表中的状态"),
        ),
        get(
            o,
            format!("/tasks?q={}", "字".repeat(101)),
            400,
            Beside("e-q", "关键词不能超过 100 个字"),
        ),
        get(
            o,
            format!("/tasks?q={}", words.replace(' ', "+")),
            400,
            Beside("e-q", "关键词不能超过 10 个"),
        ),
        get(
            o,
            "/tasks?section=1&section=2".into(),
            400,
            Page("网址中的查询参数无效"),
        ),
        get(o, "/tasks.xlsx?unit=abc".into(), 400, Page("筛选条件有误")),
        get(o, "/tasks.csv?light=x".into(), 400, Page("筛选条件有误")),
        get(
            Who::OfficeToken,
            "/tasks.csv?section=99".into(),
            400,
            Page("筛选条件有误"),
        ),
        get(o, "/review?unit=abc".into(), 400, Page("单位编号无效")),
        get(
            o,
            format!("/review?unit={I64_OVERFLOW}"),
            400,
            Page("单位编号无效"),
        ),
        get(o, "/review?section=1e400".into(), 400, Page("部分编号无效")),
        get(
            o,
            format!("/tasks/1.3.1/report?unit={I64_OVERFLOW}&period=2022-Q2"),
            400,
            Page("单位编号无效"),
        ),
        get(
            o,
            format!("/tasks/1.3.1/report?unit={unit}&period=99999-Q1"),
            404,
            Page("该任务没有“99999-Q1”这一报送期次"),
        ),
        get(
            o,
            format!("/tasks/1.3.1/report?unit={unit}&period=2022-Q9"),
            404,
            Page("这一报送期次"),
        ),
        get(
            o,
            format!("/tasks/1.3.1/report?unit={unit}"),
            404,
            Page("该任务没有“”这一报送期次"),
        ),
        get(
            Who::Liaison,
            "/my/template.xlsx?period=2022-Q9".into(),
            404,
            Page("本单位在“2022-Q9”没有需要报送的任务"),
        ),
        get(
            Who::Liaison,
            "/my/upload?period=0000-Q1".into(),
            404,
            Page("没有需要报送的任务"),
        ),
        get(
            o,
            "/summary?as_of=2022-02-30".into(),
            400,
            Page("日期“2022-02-30”无效"),
        ),
        get(o, "/summary?as_of=99999-12-31".into(), 400, Page("无效")),
        get(
            o,
            "/summary?as_of=2023-01-01".into(),
            400,
            Page("应为今天或以前的日期"),
        ),
        get(
            o,
            "/summary?as_of=%E6%98%8E%E5%A4%A9".into(),
            400,
            Page("日期“明天”无效"),
        ),
        get(
            o,
            "/admin/audit?from=2022-02-30".into(),
            400,
            Beside("e-from", "日期格式应为 2022-07-01"),
        ),
        get(
            o,
            "/admin/audit?to=99999-12-31".into(),
            400,
            Beside("e-to", "日期格式应为 2022-07-01"),
        ),
        get(
            o,
            format!("/units?plan={I64_OVERFLOW}"),
            400,
            Page("工作要点编号"),
        ),
        get(o, "/?plan=-1".into(), 404, Page("工作要点")),
        get(
            o,
            "/?plan=1e400".into(),
            400,
            Page("工作要点编号“1e400”无效"),
        ),
        get(
            o,
            "/reporting?plan=abc".into(),
            400,
            Page("工作要点编号“abc”无效"),
        ),
        get(
            o,
            "/editions?plan=0x1".into(),
            400,
            Page("工作要点编号“0x1”无效"),
        ),
    ];
    let n = run(&w, &cases).await;
    super::record("query_values", n);
}

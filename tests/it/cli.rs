//! The `duban` binary as operators run it: help, import (dry run, JSON, real, refusals) and
//! serve with graceful shutdown, against a real PostgreSQL.

use crate::common;
use crate::common::probe;

use sqlx::PgPool;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub(crate) fn duban() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_duban"));
    c.current_dir(common::root()).env("RUST_LOG", "warn");
    c
}

pub(crate) fn run(cmd: &mut Command) -> (Output, String, String) {
    let out = cmd.output().expect("duban runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

#[test]
fn help_names_every_command_and_environment_variable() {
    let (out, stdout, _) = run(duban().arg("--help"));
    assert!(out.status.success());
    for word in [
        "serve",
        "migrate",
        "import",
        "DATABASE_URL",
        "DUBAN_DATA_DIR",
        "DUBAN_BIND",
        "DUBAN_SEEDS_DIR",
    ] {
        assert!(stdout.contains(word), "--help lacks {word}");
    }
    for sub in ["serve", "migrate", "import"] {
        let (out, stdout, _) = run(duban().args([sub, "--help"]));
        assert!(out.status.success(), "{sub} --help");
        assert!(
            stdout.contains("DATABASE_URL"),
            "{sub} --help lacks the environment"
        );
    }
}

/// No database to compare with: the dry run reports the document all the same, and says so.
const NO_DATABASE: &str = "postgres://nobody@127.0.0.1:1/none";

#[test]
fn dry_run_reports_what_was_found() {
    let (out, stdout, stderr) = run(duban().env("DATABASE_URL", NO_DATABASE).args([
        "import",
        "seeds/2022-work-points.md",
        "--dry-run",
    ]));
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("未与上年比对：无法连接数据库"), "{stderr}");
    assert!(stdout.contains("文号：打假发〔2022〕1号"));
    assert!(
        stdout.contains("部分 7 个 · 小节 27 个 · 任务 91 项 · 单位 27 个"),
        "{stdout}"
    );
    assert!(stdout.contains("勘误 1 处"));
    assert!(stdout.contains("6.2.1 “规则 and 标准” → “规则和标准”"));
    assert!(stdout.contains("试运行，未写入数据库"));
}

#[test]
fn dry_run_json_holds_the_whole_plan() {
    let (out, stdout, stderr) = run(duban().env("DATABASE_URL", NO_DATABASE).args([
        "import",
        "seeds/2022-work-points.md",
        "--dry-run",
        "--json",
    ]));
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on stdout");
    assert_eq!(v["previous_year"], serde_json::Value::Null);
    let plan = &v["source"]["plan"];
    assert_eq!(plan["year"], 2022);
    assert_eq!(plan["issued_on"], "2022-04-25");
    let tasks: usize = plan["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["subsections"].as_array().unwrap())
        .map(|ss| ss["tasks"].as_array().unwrap().len())
        .sum();
    assert_eq!(tasks, 91);
    assert_eq!(v["source"]["errata"][0]["task"], "6.2.1");
}

/// Next year's plan, dry run: each item proposed as continued, changed or new against the 2022
/// plan in the database, last year's items left over dropped; nothing written.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_dry_run_proposes_matches_to_last_years_plan(pool: PgPool) {
    let url = common::database_url(&pool);
    let (out, _, stderr) = run(duban()
        .env("DATABASE_URL", &url)
        .args(["import", "seeds/2022-work-points.md"]));
    assert!(out.status.success(), "{stderr}");
    // 2023: the year moved on everywhere; 1.1.3 reworded; 1.1.1 without 工业和信息化部; 1.1.4
    // replaced by a new item.
    let seed = std::fs::read_to_string(common::root().join("seeds/2022-work-points.md")).unwrap();
    let old_four = seed
        .lines()
        .find(|l| l.starts_with("4. 集中清理网上涉侵权假冒违法违规信息"))
        .expect("1.1.4 in the seed")
        .to_string();
    let next = seed
        .replace("2022", "2023")
        .replace(
            "开展网售药品违法违规行为专项整治,净化药品网络销售市场。",
            "深入开展网售药品违法违规行为专项整治,巩固整治成效,持续净化药品网络销售市场。",
        )
        .replace(
            "(中央宣传部、中央网信办、公安部、工业和信息化部按职责分工负责)",
            "(中央宣传部、中央网信办、公安部按职责分工负责)",
        )
        .replace(
            &old_four,
            "4. 开展数据知识产权保护试点,探索建立数据知识产权登记制度。(知识产权局负责)",
        );
    let dir = tempfile::tempdir().unwrap();
    let path = common::write_temp(dir.path(), "2023.md", &next);
    let errata =
        std::fs::read_to_string(common::root().join("seeds/2022-work-points.errata.toml")).unwrap();
    common::write_temp(dir.path(), "2023.errata.toml", &errata);
    let (out, stdout, stderr) = run(duban()
        .env("DATABASE_URL", &url)
        .args(["import", "--dry-run", "--json"])
        .arg(&path)
        .arg("--units")
        .arg(common::root().join("seeds/units.toml")));
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON on stdout");
    let previous = &v["previous_year"];
    assert_eq!(previous["year"], 2022);
    let items = previous["items"].as_array().unwrap();
    assert_eq!(items.len(), 91);
    let item = |code: &str| items.iter().find(|i| i["code"] == code).unwrap().clone();
    for (code, label) in [("1.1.1", "changed"), ("1.1.3", "changed"), ("1.1.4", "new")] {
        assert_eq!(item(code)["label"], label, "{code}: {}", item(code));
    }
    assert_eq!(item("1.1.3")["previous"], "1.1.3");
    assert!(item("1.1.3")["similarity"].as_f64().unwrap() < 0.995);
    assert_eq!(item("1.1.4")["previous"], serde_json::Value::Null);
    assert_eq!(previous["dropped"], serde_json::json!(["1.1.4"]));
    let continued = items.iter().filter(|i| i["label"] == "continued").count();
    assert_eq!(continued, 88, "every other item continues");
    // In words, too; and nothing was written.
    let (_, text, _) = run(duban()
        .env("DATABASE_URL", &url)
        .args(["import", "--dry-run"])
        .arg(&path)
        .arg("--units")
        .arg(common::root().join("seeds/units.toml")));
    assert!(
        text.contains("延续 88 项 · 调整 2 项 · 新增 1 项 · 上年未延续 1 项"),
        "{text}"
    );
    assert_eq!(probe::count(&pool, "plans").await, 1);
}

/// The matching benchmark prints its figures and the labels it found (the timing is the
/// benchmark's, never checked here).
#[test]
fn the_matching_benchmark_prints_its_figures() {
    let (out, stdout, stderr) = run(duban().args(["bench-match", "--items", "40", "--runs", "2"]));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("与上年比对：40 项对 40 项，2 次：最短"),
        "{stdout}"
    );
    assert!(
        stdout.contains("延续 32 项 · 调整 4 项 · 新增 4 项 · 上年未延续 4 项"),
        "{stdout}"
    );
}

#[test]
fn an_unreadable_document_is_refused_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write_temp(
        dir.path(),
        "bad.md",
        "2022年测试工作要点\n\n一、甲\n(一)乙\n1. 没有责任单位的任务。\n",
    );
    let (out, _, stderr) = run(duban().args(["import", "--dry-run"]).arg(&path));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains(&format!("{}:5:", path.display())),
        "{stderr}"
    );
    assert!(stderr.contains("责任单位"), "{stderr}");

    let (out, _, stderr) = run(duban().args(["import", "--dry-run", "/nonexistent/plan.md"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("/nonexistent/plan.md"), "{stderr}");

    std::fs::write(dir.path().join("bin.md"), [0x66, 0x0a, 0xff, 0xfe]).unwrap();
    let (out, _, stderr) = run(duban()
        .args(["import", "--dry-run"])
        .arg(dir.path().join("bin.md")));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("UTF-8") && stderr.contains("第2行"),
        "{stderr}"
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn import_writes_once_then_says_it_is_there(pool: PgPool) {
    let url = common::database_url(&pool);
    let (out, stdout, stderr) = run(duban()
        .env("DATABASE_URL", &url)
        .args(["import", "seeds/2022-work-points.md"]));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("结果：已导入"), "{stdout}");
    let (out, stdout, _) = run(duban()
        .env("DATABASE_URL", &url)
        .args(["import", "seeds/2022-work-points.md"]));
    assert!(out.status.success());
    assert!(stdout.contains("该工作要点已导入"), "{stdout}");
    assert!(stdout.contains("未做任何更改"));
    let n: i64 = probe::count(&pool, "tasks").await;
    assert_eq!(n, 91);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_refused_import_writes_nothing(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let path = common::write_temp(
        dir.path(),
        "half.md",
        "2022年测试工作要点\n\n一、甲\n(一)乙\n1. 好任务。(公安部负责)\n2. 坏任务。\n",
    );
    let (out, _, stderr) = run(duban()
        .env("DATABASE_URL", common::database_url(&pool))
        .arg("import")
        .arg(&path));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains(":6:"), "{stderr}");
    let n: i64 = probe::count(&pool, "plans").await;
    assert_eq!(n, 0);
}

fn http_get(addr: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn serve_imports_the_seeds_serves_and_stops_on_sigterm(pool: PgPool) {
    let mut child = duban()
        .env("DATABASE_URL", common::database_url(&pool))
        .env("DUBAN_BIND", "127.0.0.1:0")
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    // The first office login is printed once, before the server announces itself.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    let addr = loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "serve ended early: {printed}"
        );
        printed.push_str(&line);
        if let Some(addr) = line.trim().strip_prefix("duban 已启动：http://") {
            break addr.to_string();
        }
    };
    assert!(printed.contains("登录名 login:    admin"), "{printed}");
    let password = printed
        .lines()
        .find_map(|l| l.trim().strip_prefix("初始密码 password: "))
        .expect("the first password is printed");
    assert_eq!(password.len(), 16);

    // Signed out, the home page sends the browser to the sign-in page.
    let home = http_get(&addr, "/");
    assert!(home.starts_with("HTTP/1.1 303"), "{home}");
    assert!(home.contains("location: /login?next=/"), "{home}");
    let login = http_get(&addr, "/login");
    assert!(
        login.starts_with("HTTP/1.1 200") && login.contains("登录督办系统"),
        "{login}"
    );
    // The API wants a token.
    let api = http_get(&addr, "/api/v1/plans");
    assert!(api.starts_with("HTTP/1.1 401"), "{api}");
    let plans: i64 = probe::count(&pool, "tasks").await;
    assert_eq!(plans, 91, "serve imported the seeds");

    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "serve did not stop within 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    assert!(
        std::net::TcpStream::connect(&addr).is_err(),
        "still listening after stop"
    );
}

fn run_with_stdin(cmd: &mut Command, stdin: &str) -> (Output, String, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("duban runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn user_commands_add_token_password_and_disable(pool: PgPool) {
    common::seed(&pool).await;
    let url = common::database_url(&pool);
    let secret = "my first passphrase, kept safe";
    let (out, stdout, stderr) = run_with_stdin(
        duban().env("DATABASE_URL", &url).args([
            "user",
            "add",
            "Zhang",
            "--role",
            "liaison",
            "--unit",
            "公安部",
            "--name",
            "张三",
        ]),
        &format!("{secret}\n"),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stdout.contains(secret) && !stderr.contains(secret),
        "the password is never echoed"
    );
    let (role, unit): (String, String) = sqlx::query_as(
        "SELECT u.role::text, un.short_name FROM users u JOIN units un ON un.id = u.unit_id WHERE login = 'zhang'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((role.as_str(), unit.as_str()), ("liaison", "公安部"));
    assert!(
        duban::workflows::accounts::sign_in(&pool, "zhang", secret, "test")
            .await
            .is_ok()
    );

    // The token is the last line of stdout, and it works on the API.
    let (out, stdout, _) = run(duban()
        .env("DATABASE_URL", &url)
        .args(["user", "token", "zhang"]));
    assert!(out.status.success());
    let token = stdout.lines().last().unwrap().trim().to_string();
    let app = common::app(pool.clone());
    assert_eq!(
        common::get_with_token(&app, "/api/v1/plans", &token)
            .await
            .status,
        axum::http::StatusCode::OK
    );

    let next = "my second passphrase, kept safe";
    let (out, _, stderr) = run_with_stdin(
        duban()
            .env("DATABASE_URL", &url)
            .args(["user", "password", "zhang"]),
        &format!("{next}\n"),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        duban::workflows::accounts::sign_in(&pool, "zhang", next, "test")
            .await
            .is_ok()
    );

    let (out, _, _) = run(duban()
        .env("DATABASE_URL", &url)
        .args(["user", "disable", "zhang"]));
    assert!(out.status.success());
    assert!(
        duban::workflows::accounts::sign_in(&pool, "zhang", next, "test")
            .await
            .is_err()
    );
    assert_eq!(
        common::get_with_token(&app, "/api/v1/plans", &token)
            .await
            .status,
        axum::http::StatusCode::UNAUTHORIZED
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE target = 'zhang' AND actor_login LIKE 'cli:%'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 4, "add, token, password, disable");
}

#[test]
fn a_malformed_trusted_proxy_refuses_to_start_naming_it() {
    let (out, stdout, _) = run(duban().args(["serve", "--help"]));
    assert!(out.status.success());
    assert!(stdout.contains("DUBAN_TRUSTED_PROXIES"), "{stdout}");
    let (out, _, stderr) = run(duban()
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("DUBAN_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/33")
        .arg("serve"));
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("DUBAN_TRUSTED_PROXIES 中的“10.0.0.0/33”不是 IP 地址或 CIDR 网段"),
        "{stderr}"
    );
    // A bare `duban` serves too, with the same settings.
    let (out, _, stderr) = run(duban()
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("DUBAN_TRUSTED_PROXIES", "proxy.example"));
    assert!(!out.status.success());
    assert!(
        stderr.contains("DUBAN_TRUSTED_PROXIES 中的“proxy.example”不是 IP 地址或 CIDR 网段"),
        "{stderr}"
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn user_add_refuses_bad_input_clearly(pool: PgPool) {
    common::seed(&pool).await;
    let url = common::database_url(&pool);
    for (args, stdin, message) in [
        (
            vec!["wang", "--role", "liaison"],
            "a long passphrase\n",
            "联络员必须指定所属单位",
        ),
        (
            vec!["wang", "--role", "liaison", "--unit", "不存在的部"],
            "a long passphrase\n",
            "没有名为“不存在的部”的单位",
        ),
        (
            vec!["wang", "--role", "leader"],
            "short\n",
            "密码至少需要 10 个字符",
        ),
        (
            vec!["wang", "--role", "leader"],
            "Wang\n",
            "密码至少需要 10 个字符",
        ),
        (
            vec!["wangwangwang", "--role", "leader"],
            "wangwangwang\n",
            "密码不能与登录名相同",
        ),
        (
            vec!["wang", "--role", "leader"],
            "1234567890\n",
            "密码太容易被猜到：这是最常用的 100 个密码之一。",
        ),
        (
            vec!["wang", "--role", "leader"],
            "wang-lotus-2022\n",
            "密码不能包含登录名",
        ),
        (vec!["wang", "--role", "leader"], "", "标准输入中没有密码"),
        (
            vec!["wang", "--role", "leader", "--unit", "公安部"],
            "a long passphrase\n",
            "只有联络员和单位负责人属于某个单位",
        ),
    ] {
        let mut cmd = duban();
        cmd.env("DATABASE_URL", &url)
            .args(["user", "add"])
            .args(&args);
        let (out, _, stderr) = run_with_stdin(&mut cmd, stdin);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    let (out, _, stderr) = run(duban()
        .env("DATABASE_URL", &url)
        .args(["user", "add", "wang", "--role", "admin"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("角色只能是 office、liaison、unit_head 或 leader"),
        "{stderr}"
    );
    let users: i64 = probe::count(&pool, "users").await;
    assert_eq!(users, 0);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn demo_data_fills_the_pages_once(pool: PgPool) {
    let url = common::database_url(&pool);
    let (out, stdout, stderr) =
        run(duban()
            .env("DATABASE_URL", &url)
            .args(["demo-data", "--scale", "demo"]));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("已生成演示数据") && stdout.contains("demo-office"),
        "{stdout}"
    );
    let reports: i64 = probe::count(&pool, "reports").await;
    assert!(reports > 50, "{reports} reports");
    let marked: i64 =
        sqlx::query_scalar("SELECT count(*) FROM reports WHERE work_done LIKE '【演示】%'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(marked, reports, "every demo report is marked");
    // Never on a database that holds reports.
    let (out, _, stderr) = run(duban().env("DATABASE_URL", &url).arg("demo-data"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("演示数据只能生成在没有真实报告的数据库中"),
        "{stderr}"
    );
    // The summary has something to show, for a demo leader.
    let app = common::app(pool.clone());
    let c = common::Client::new(&app);
    assert_eq!(
        c.sign_in("demo-leader", duban::workflows::demo::DEMO_PASSWORD)
            .await
            .location(),
        "/summary"
    );
    let page = c.get("/summary").await;
    assert_eq!(page.status, axum::http::StatusCode::OK);
    assert!(page.body.contains("已办结"));
}

/// The README tells the office to add users from the command line while duban runs on its
/// embedded database: the command joins the running cluster through its socket.
#[test]
fn user_commands_run_beside_a_serving_embedded_cluster() {
    let tmp = tempfile::tempdir_in("/tmp").unwrap();
    std::fs::set_permissions(
        tmp.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let data_dir = tmp.path().join("var");
    let embedded = |cmd: &mut Command| {
        cmd.env_remove("DATABASE_URL")
            .env("DUBAN_DATA_DIR", &data_dir);
    };
    let mut serve = duban();
    embedded(&mut serve);
    let mut child = serve
        .env("DUBAN_BIND", "127.0.0.1:0")
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let addr = loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "serve ended early"
        );
        if let Some(addr) = line.trim().strip_prefix("duban 已启动：http://") {
            break addr.to_string();
        }
    };

    let mut add = duban();
    embedded(&mut add);
    let (out, _, stderr) = run_with_stdin(
        add.args(["user", "add", "wang", "--role", "leader", "--name", "王五"]),
        "a quiet walk by the west lake 1987\n",
    );
    assert!(out.status.success(), "user add beside serve: {stderr}");
    assert!(!stderr.contains("另一个 duban"), "{stderr}");
    let mut token = duban();
    embedded(&mut token);
    let (out, stdout_text, stderr) = run(token.args(["user", "token", "wang"]));
    assert!(out.status.success(), "{stderr}");
    let token = stdout_text.lines().last().unwrap().trim().to_string();

    // The running server sees the user the command added: the token works on its API.
    let mut s = std::net::TcpStream::connect(&addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET /api/v1/plans HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // A second server on the folder is still refused: the cluster has one owner.
    let mut second = duban();
    embedded(&mut second);
    let (out, _, stderr) = run(second.env("DUBAN_BIND", "127.0.0.1:0").arg("serve"));
    assert!(
        !out.status.success() && stderr.contains("另一个 duban"),
        "{stderr}"
    );

    // The commands left the cluster running: the server still answers, and stops cleanly.
    assert!(http_get(&addr, "/healthz").starts_with("HTTP/1.1 200"));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    assert!(child.wait().unwrap().success());

    // With no server running, a command starts the cluster for itself and stops it again.
    let mut list = duban();
    embedded(&mut list);
    let (out, _, stderr) = run(list.args(["user", "token", "wang"]));
    assert!(out.status.success(), "{stderr}");
}

//! End to end in headless Chromium: the whole quarter clicked through the pages only, the
//! hostile paths, and (`paper`) every page of each role's walk at desktop and phone widths:
//! full-page screenshots under `target/screenshots/`, axe-core, no horizontal scroll, and the
//! printed page counts.

mod paper;
mod week;

use crate::common;
use crate::common::probe;

use common::turns::Suite;
use duban::rules::auth::Role;
use fantoccini::actions::InputSource;
use fantoccini::{Client, ClientBuilder, Locator, key::Key};
use serde_json::{Value, json};
use sqlx::PgPool;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DESKTOP: (u32, u32) = (1366, 768);
const PHONE: (u32, u32) = (390, 844);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// duban serving the test's database, judging lights on 2022-07-05 (or on `today`).
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(pool: &PgPool) -> Server {
        Server::start_on(pool, "2022-07-05")
    }

    fn start_on(pool: &PgPool, today: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_duban"))
            .current_dir(common::root())
            .env("DATABASE_URL", common::database_url(pool))
            .env("DUBAN_BIND", "127.0.0.1:0")
            .env("DUBAN_TODAY", today)
            .env("RUST_LOG", "warn")
            .arg("serve")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("duban starts");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let base = loop {
            let mut line = String::new();
            assert!(
                out.read_line(&mut line).unwrap() > 0,
                "duban stopped before serving"
            );
            if let Some(addr) = line.trim().strip_prefix("duban 已启动：") {
                break addr.to_string();
            }
        };
        Server { child, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.child.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        );
        let _ = self.child.wait();
    }
}

/// A headless Chromium driven over WebDriver, with its own profile.
struct Browser {
    client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    width: u32,
}

impl Browser {
    async fn start((w, h): (u32, u32)) -> Browser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian package chromium-driver) is installed");
        let profile = tempfile::tempdir().unwrap();
        let mut options = json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                format!("--user-data-dir={}", profile.path().display()),
                format!("--window-size={w},{h}"),
            ]
        });
        // A desktop window cannot be narrower than 500 px: a phone is emulated instead.
        if w < 500 {
            options["mobileEmulation"] =
                json!({ "deviceMetrics": { "width": w, "height": h, "pixelRatio": 1.0 } });
        }
        let caps = json!({ "goog:chromeOptions": options });
        let caps: serde_json::Map<String, Value> = caps.as_object().unwrap().clone();
        let started = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) if started.elapsed() < Duration::from_secs(20) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("cannot start Chromium: {e}"),
            }
        };
        if w >= 500 {
            client.set_window_size(w, h).await.unwrap();
        }
        Browser {
            client,
            driver,
            _profile: profile,
            width: w,
        }
    }

    async fn go(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    async fn fill(&self, css: &str, value: &str) {
        let e = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("no {css}"));
        e.clear().await.unwrap();
        e.send_keys(value).await.unwrap();
    }

    /// Clicks something that stays on the page (a radio button, a checkbox).
    async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("no {css}"))
            .click()
            .await
            .unwrap();
    }

    /// Clicks something that loads a new page, and waits until it has loaded.
    async fn follow(&self, css: &str) {
        self.js("window.__before = true; return true").await;
        self.click(css).await;
        let started = Instant::now();
        loop {
            let loaded = self
                .client
                .execute(
                    "return window.__before === undefined && document.readyState === 'complete'",
                    vec![],
                )
                .await
                .unwrap_or(Value::Bool(false));
            if loaded == Value::Bool(true) {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "no new page after clicking {css}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sets an input's value directly (date inputs take keystrokes in the browser's locale).
    async fn set(&self, id: &str, value: &str) {
        self.client
            .execute(
                "document.getElementById(arguments[0]).value = arguments[1]; return true",
                vec![json!(id), json!(value)],
            )
            .await
            .unwrap();
    }

    async fn select(&self, css: &str, visible: &str) {
        let e = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("no {css}"));
        e.select_by_label(visible)
            .await
            .unwrap_or_else(|_| panic!("no option {visible} in {css}"));
    }

    async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    async fn sign_in(&self, server: &Server, login: &str) {
        self.sign_in_with(server, login, &common::password_of(login))
            .await;
    }

    async fn sign_in_with(&self, server: &Server, login: &str, password: &str) {
        self.go(&server.url("/login")).await;
        self.fill("#login", login).await;
        self.fill("#password", password).await;
        self.follow("form.stack button[type=submit]").await;
        assert!(
            !self.text().await.contains("登录名或密码错误"),
            "sign-in of {login}"
        );
    }

    async fn sign_out(&self) {
        self.follow("header form[action='/logout'] button").await;
        assert!(self.text().await.contains("登录督办系统"));
    }

    async fn close(self) {
        let _ = self.client.close().await;
        let mut driver = self.driver;
        let _ = driver.kill();
        let _ = driver.wait();
    }
}

/// Checks of the page in view: no horizontal scrolling, no overlapping text, every input
/// labelled. Returns what is wrong.
const LAYOUT_CHECK: &str = r#"
const problems = [];
const doc = document.documentElement;
if (doc.scrollWidth > window.innerWidth + 1) problems.push(`horizontal scroll: ${doc.scrollWidth} > ${window.innerWidth}`);
const leaves = [...document.querySelectorAll('body *')].filter(e =>
  e.children.length === 0 && e.textContent.trim() !== '' && e.offsetParent !== null &&
  !e.closest('.sr-only') && getComputedStyle(e).visibility !== 'hidden' &&
  (!e.closest('details:not([open])') || e.closest('summary')));
const boxes = [];
for (const e of leaves) for (const r of e.getClientRects()) if (r.width > 1 && r.height > 1) boxes.push([e, r]);
for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
  const [a, ra] = boxes[i], [b, rb] = boxes[j];
  if (a === b || a.contains(b) || b.contains(a)) continue;
  const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
  const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
  if (w > 2 && h > 2) problems.push(`overlap: "${a.textContent.trim().slice(0, 20)}" / "${b.textContent.trim().slice(0, 20)}"`);
  if (problems.length > 10) break;
}
for (const e of document.querySelectorAll('input, select, textarea')) {
  if (['hidden', 'submit', 'button'].includes(e.type)) continue;
  const labelled = (e.id && document.querySelector(`label[for="${e.id}"]`)) || e.closest('label') || e.getAttribute('aria-label');
  if (!labelled) problems.push(`unlabelled ${e.tagName} ${e.name}`);
}
return problems;
"#;

async fn users(pool: &PgPool) {
    common::seed(pool).await;
    common::create_user(pool, "office", Role::Office, None).await;
    common::create_user(pool, "gab", Role::Liaison, Some("公安部")).await;
    common::create_user(pool, "hgzs", Role::Liaison, Some("海关总署")).await;
    common::create_user(pool, "boss", Role::Leader, None).await;
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_quarter_clicked_through(pool: PgPool) {
    let _turn = common::turns::turn(Suite::Browser).await;
    users(&pool).await;
    let server = Server::start(&pool);
    let b = Browser::start(DESKTOP).await;

    // The office designates a unit, sets a deadline and a cycle.
    b.sign_in(&server, "office").await;
    b.go(&server.url("/tasks/1.3.5")).await;
    assert!(b.text().await.contains("待明确责任单位"));
    b.select("#add-unit", "公安部").await;
    b.follow("#units-form button[type=submit]").await;
    assert!(b.text().await.contains("已保存"));
    b.click("#designation").await;
    b.follow("#units-form button[type=submit]").await;
    let page = b.text().await;
    assert!(page.contains("标记为已明确全部责任单位"), "{page}");
    b.click("#schedule-form input[value=date]").await;
    b.set("deadline-date", "2022-10-31").await;
    b.select("#cycle", "每季度报送").await;
    b.follow("#schedule-form button[type=submit]").await;
    let page = b.text().await;
    assert!(
        page.contains("2022年10月31日前") && page.contains("每季度报送"),
        "{page}"
    );
    b.sign_out().await;

    // The liaison sees the task on /my, saves a draft, submits.
    b.sign_in(&server, "gab").await;
    b.go(&server.url("/my")).await;
    // Assigned today, after the second quarter ended: the task is owed from the third quarter
    // on, under 以后 (folded), and nothing of it is overdue.
    let page = b.text().await;
    assert!(!page.contains("1.3.5"), "{page}");
    b.click("#later details > summary").await;
    assert!(b.text().await.contains("1.3.5"));
    b.follow("a[href^='/tasks/1.3.5/report']").await;
    b.fill("#work_done", "对儿童玩具等开展质量执法，立案 86 件。")
        .await;
    b.follow("button[value=draft]").await;
    assert!(b.text().await.contains("草稿"));
    b.fill(
        "#work_done",
        "对儿童玩具等开展质量执法，立案 86 件，移送公安 12 件。",
    )
    .await;
    // Nothing is preset: the liaison chooses status and assessment before submitting.
    b.select("#status", "推进中").await;
    b.select("#self_assessment", "正常推进").await;
    b.follow("button[value=submit]").await;
    assert!(b.text().await.contains("已提交待审核"));
    let report_url = b.client.current_url().await.unwrap().path().to_string();
    b.sign_out().await;

    // The office returns it with a reason.
    b.sign_in(&server, "office").await;
    b.go(&server.url("/review")).await;
    b.follow("a[href^='/reports/']").await;
    b.click("input[value=return]").await;
    b.fill("#reason", "请补充移送案件的办理结果").await;
    b.follow("#review button[type=submit]").await;
    assert!(b.text().await.contains("已退回"));
    b.sign_out().await;

    // The liaison sees the reason, revises, resubmits.
    b.sign_in(&server, "gab").await;
    b.go(&server.url("/my")).await;
    assert!(b.text().await.contains("被退回"));
    b.go(&server.url(&report_url)).await;
    assert!(b.text().await.contains("请补充移送案件的办理结果"));
    b.fill(
        "#work_done",
        "对儿童玩具等开展质量执法，立案 86 件，移送公安 12 件，已判决 5 件。",
    )
    .await;
    b.follow("button[value=submit]").await;
    assert!(b.text().await.contains("已提交待审核"));
    b.sign_out().await;

    // The office accepts; then urges the units still missing their reports.
    b.sign_in(&server, "office").await;
    b.go(&server.url(&report_url)).await;
    b.click("input[value=accept]").await;
    b.follow("#review button[type=submit]").await;
    assert!(b.text().await.contains("已采纳"));
    b.go(&server.url("/reporting?period=2022-Q2")).await;
    // Nothing is ticked for the office: it picks the unit to urge.
    let hgzs = probe::unit_id(&pool, "海关总署").await;
    let ticked = b
        .js("return document.querySelectorAll('#urge input[name=unit]:checked').length")
        .await;
    assert_eq!(ticked, 0);
    b.click(&format!("#urge-{hgzs}")).await;
    b.follow("#urge button[type=submit]").await;
    assert!(b.text().await.contains("已向 1 个单位发出催办：海关总署"));
    b.sign_out().await;

    // A second unit acknowledges.
    b.sign_in(&server, "hgzs").await;
    b.go(&server.url("/my")).await;
    assert!(b.text().await.contains("条未签收"));
    b.follow("#urges form button").await;
    assert!(!b.text().await.contains("条未签收"));
    b.sign_out().await;

    // The office closes the task.
    b.sign_in(&server, "office").await;
    b.go(&server.url("/tasks/1.3.5")).await;
    assert!(b.text().await.contains("黄灯") || b.text().await.contains("绿灯"));
    b.fill("#closing_note", "本年度质量执法任务完成").await;
    b.follow("#closure button[type=submit]").await;
    assert!(b.text().await.contains("本年度质量执法任务完成"));
    b.sign_out().await;

    // A leader lands on the summary: the figures show the closed task, and the light changed.
    b.sign_in(&server, "boss").await;
    assert_eq!(b.client.current_url().await.unwrap().path(), "/summary");
    assert_eq!(
        b.js("return document.querySelector('.figure.grey .n').textContent")
            .await,
        "1"
    );
    assert!(b.text().await.contains("督办汇总"));
    b.go(&server.url("/tasks?light=grey")).await;
    let page = b.text().await;
    assert!(page.contains("1.3.5") && page.contains("已办结"), "{page}");
    b.go(&server.url("/tasks/1.3.5")).await;
    assert!(b.text().await.contains("灰灯"));
    b.close().await;
}

/// 延期申请, one round: 公安部's liaison asks before 1.3.1's deadline passes (a first try
/// without a reason is refused beside the field), the office grants another date, and the task
/// carries it; the liaison is told.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_extension_round_clicked_through(pool: PgPool) {
    let _turn = common::turns::turn(Suite::Browser).await;
    users(&pool).await;
    sqlx::query(
        "UPDATE tasks SET deadline_kind = 'date', deadline_date = '2022-09-30' WHERE code = '1.3.1'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let server = Server::start_on(&pool, "2022-09-20");
    let b = Browser::start(DESKTOP).await;

    b.sign_in(&server, "gab").await;
    b.go(&server.url("/tasks/1.3.1")).await;
    b.follow("a[href$='/tasks/1.3.1/extensions']").await;
    b.set("ext-date", "2022-11-30").await;
    b.js("document.getElementById('ext-reason').removeAttribute('required')")
        .await;
    b.follow("#request button[type=submit]").await;
    let page = b.text().await;
    assert!(page.contains("请填写申请理由"), "{page}");
    b.fill("#ext-reason", "需会同地方统一部署，申请延期两个月")
        .await;
    b.follow("#request button[type=submit]").await;
    let page = b.text().await;
    assert!(
        page.contains("延期申请已提交") && page.contains("待审批"),
        "{page}"
    );
    b.sign_out().await;

    b.sign_in(&server, "office").await;
    b.go(&server.url("/tasks/1.3.1/extensions")).await;
    b.click(".decision input[value=approve]").await;
    let id: i64 = sqlx::query_scalar("SELECT max(id) FROM extension_requests")
        .fetch_one(&pool)
        .await
        .unwrap();
    b.set(&format!("date-{id}"), "2022-10-31").await;
    b.fill(&format!("#reason-{id}"), "同意延期一个月").await;
    b.follow(".decision button[type=submit]").await;
    let page = b.text().await;
    assert!(
        page.contains("已批准延期") && page.contains("批准延至2022年10月31日"),
        "{page}"
    );
    assert!(
        page.contains("原定时限") && page.contains("2022年9月30日前"),
        "{page}"
    );
    b.sign_out().await;

    b.sign_in(&server, "gab").await;
    b.go(&server.url("/tasks/1.3.1")).await;
    assert!(b.text().await.contains("2022年10月31日前"));
    b.go(&server.url("/inbox")).await;
    assert!(b.text().await.contains("延期申请已批准"));
    b.close().await;
}

/// 领导批示, one round: the leader writes on 1.3.1 from its page (a first try without text is
/// refused beside the field), the office relays it to the task's units as ticked, 公安部's
/// liaison answers from 我的任务, the office closes it, and the leader finds it 已办结.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_instruction_round_clicked_through(pool: PgPool) {
    let _turn = common::turns::turn(Suite::Browser).await;
    users(&pool).await;
    let server = Server::start_on(&pool, "2022-09-20");
    let b = Browser::start(DESKTOP).await;

    b.sign_in(&server, "boss").await;
    b.go(&server.url("/tasks/1.3.1")).await;
    b.follow("a[href$='/tasks/1.3.1/instructions']").await;
    b.js("document.getElementById('ins-text').removeAttribute('required')")
        .await;
    b.follow("#write button[type=submit]").await;
    assert!(b.text().await.contains("请填写批示内容"));
    b.fill("#ins-text", "请抓紧推进，9月底前报告进展情况。")
        .await;
    b.set("ins-by", "2022-09-30").await;
    b.follow("#write button[type=submit]").await;
    let page = b.text().await;
    assert!(
        page.contains("批示已送办公室转办") && page.contains("待转办"),
        "{page}"
    );
    b.sign_out().await;

    b.sign_in(&server, "office").await;
    b.go(&server.url("/instructions?state=new")).await;
    b.follow("td a[href^='/instructions/']").await;
    b.follow("#relay button[type=submit]").await;
    assert!(b.text().await.contains("已转办"));
    b.sign_out().await;

    b.sign_in(&server, "gab").await;
    b.go(&server.url("/my")).await;
    assert!(b.text().await.contains("待答复的领导批示"));
    b.follow("#instructions a").await;
    b.fill(
        "#answers textarea[name=text]",
        "已部署专项行动，立案侦办案件12起。",
    )
    .await;
    b.follow("#answers button[type=submit]").await;
    assert!(b.text().await.contains("答复已报办公室"));
    b.sign_out().await;

    b.sign_in(&server, "office").await;
    let id: i64 = sqlx::query_scalar("SELECT max(id) FROM instructions")
        .fetch_one(&pool)
        .await
        .unwrap();
    b.go(&server.url(&format!("/instructions/{id}"))).await;
    assert!(b.text().await.contains("已部署专项行动"));
    b.fill("#close-note", "答复充分，予以办结").await;
    b.follow("#close button[type=submit]").await;
    assert!(b.text().await.contains("批示已办结"));
    b.sign_out().await;

    b.sign_in(&server, "boss").await;
    let page = b.text().await;
    assert!(page.contains("已办结 1 件"), "{page}");
    b.go(&server.url("/instructions")).await;
    assert!(b.text().await.contains("已办结"));
    b.close().await;
}

/// 签收 and 申诉, one round: 海关总署's liaison acknowledges one task; 公安部's contests 1.3.1
/// (a first try without a kind is refused beside the field); the task turns yellow; the office
/// finds the contest on /reporting and makes 公安部 the lead; the liaison sees the decision.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn an_acknowledgement_round_clicked_through(pool: PgPool) {
    let _turn = common::turns::turn(Suite::Browser).await;
    users(&pool).await;
    let server = Server::start_on(&pool, "2022-09-20");
    let b = Browser::start(DESKTOP).await;

    b.sign_in(&server, "gab").await;
    b.go(&server.url("/tasks/1.3.1")).await;
    b.follow("a[href$='/tasks/1.3.1/acknowledgements']").await;
    b.click(".answer-form input[value=contest]").await;
    b.fill(
        ".answer-form textarea[name=reason]",
        "本部门承担主要任务，建议由本部门牵头。",
    )
    .await;
    b.follow(".answer-form button[type=submit]").await;
    let page = b.text().await;
    assert!(page.contains("请选择申诉类别"), "{page}");
    b.js("document.querySelector('.answer-form select[name=kind]').value = 'should_be_lead'")
        .await;
    b.follow(".answer-form button[type=submit]").await;
    assert!(b.text().await.contains("申诉已提交"));
    b.go(&server.url("/tasks/1.3.1")).await;
    assert!(b.text().await.contains("对分工提出申诉，待办公室决定"));
    b.sign_out().await;

    b.sign_in(&server, "office").await;
    b.go(&server.url("/reporting")).await;
    b.follow("#acknowledgements li a").await;
    b.click(".decision input[value=change_role]").await;
    b.fill(".decision textarea[name=reason]", "同意调整为牵头单位")
        .await;
    b.follow(".decision button[type=submit]").await;
    assert!(b.text().await.contains("申诉已处理"));
    b.sign_out().await;

    b.sign_in(&server, "gab").await;
    b.go(&server.url("/tasks/1.3.1/acknowledgements")).await;
    assert!(b.text().await.contains("办公室决定：调整职责"));
    b.go(&server.url("/inbox")).await;
    assert!(b.text().await.contains("分工申诉已处理"));
    b.close().await;
}

/// 单位负责人签发: the office switches it on for 公安部; its liaison submits; the head returns
/// it (a blank reason refused beside the field), the liaison submits again, the head signs it
/// off; the office finds it in its queue with the sign-off shown.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_sign_off_round_clicked_through(pool: PgPool) {
    let _turn = common::turns::turn(Suite::Browser).await;
    users(&pool).await;
    common::create_user(&pool, "gab-head", Role::UnitHead, Some("公安部")).await;
    let gab: i64 = probe::unit_id(&pool, "公安部").await;
    let server = Server::start_on(&pool, "2022-07-05");
    let b = Browser::start(DESKTOP).await;

    b.sign_in(&server, "office").await;
    b.go(&server.url(&format!("/units/{gab}"))).await;
    b.click("#sign-off ~ form input[name=sign_off][value='1']")
        .await;
    b.follow("#sign-off ~ form button[type=submit]").await;
    assert!(b.text().await.contains("已保存签发设置"));
    b.sign_out().await;

    b.sign_in(&server, "gab").await;
    b.go(&server.url(&format!("/tasks/3.1.1/report?unit={gab}&period=2022-Q2")))
        .await;
    b.fill("#work_done", "开展昆仑2022专项行动，破案1200起。")
        .await;
    b.select("#status", "推进中").await;
    b.select("#self_assessment", "正常推进").await;
    b.follow("button[value=submit]").await;
    let page = b.text().await;
    assert!(page.contains("先送本单位负责人签发"), "{page}");
    let report_url = b.client.current_url().await.unwrap().path().to_string();
    b.sign_out().await;

    b.sign_in(&server, "gab-head").await;
    b.go(&server.url("/my")).await;
    b.follow("#sign-offs li a").await;
    b.click("#sign-off input[value=return]").await;
    b.follow("#sign-off button[type=submit]").await;
    assert!(b.text().await.contains("退回时请写明理由"));
    b.click("#sign-off input[value=return]").await;
    b.fill(
        "#sign-off textarea[name=reason]",
        "请写明破案数的统计口径。",
    )
    .await;
    b.follow("#sign-off button[type=submit]").await;
    assert!(b.text().await.contains("已退回联络员修改"));
    b.sign_out().await;

    b.sign_in(&server, "gab").await;
    b.go(&server.url("/inbox")).await;
    assert!(b.text().await.contains("被单位负责人退回"));
    b.go(&server.url(&report_url)).await;
    assert!(b.text().await.contains("请写明破案数的统计口径"));
    b.fill(
        "#work_done",
        "开展昆仑2022专项行动，破案1200起（按立案数统计）。",
    )
    .await;
    b.follow("button[value=submit]").await;
    b.sign_out().await;

    b.sign_in(&server, "gab-head").await;
    b.go(&server.url(&report_url)).await;
    b.click("#sign-off input[value=approve]").await;
    b.follow("#sign-off button[type=submit]").await;
    assert!(b.text().await.contains("已签发"));
    b.sign_out().await;

    b.sign_in(&server, "office").await;
    b.go(&server.url("/review")).await;
    b.follow(&format!("a[href^='{report_url}']")).await;
    let page = b.text().await;
    assert!(
        page.contains("单位负责人签发") && page.contains("签发记录"),
        "{page}"
    );
    b.close().await;
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn hostile_paths_say_what_is_wrong_and_keep_what_was_typed(pool: PgPool) {
    let _turn = common::turns::turn(Suite::Browser).await;
    users(&pool).await;
    let server = Server::start(&pool);
    let gab: i64 = probe::unit_id(&pool, "公安部").await;

    // Another unit's report form.
    let other = Browser::start(DESKTOP).await;
    other.sign_in(&server, "hgzs").await;
    other
        .go(&server.url(&format!("/tasks/3.1.1/report?unit={gab}&period=2022-Q2")))
        .await;
    assert!(other.text().await.contains("无权访问"));
    other.close().await;

    // An empty required field (blanks get past the browser, not the server).
    let a = Browser::start(DESKTOP).await;
    a.sign_in(&server, "gab").await;
    a.go(&server.url(&format!("/tasks/3.1.1/report?unit={gab}&period=2022-Q2")))
        .await;
    a.fill("#work_done", "   ").await;
    a.fill("#problems", "经费不足").await;
    a.follow("button[value=draft]").await;
    let page = a.text().await;
    assert!(page.contains("请填写工作进展及成效"), "{page}");
    let kept = a
        .js("return document.getElementById('problems').value")
        .await;
    assert_eq!(kept, "经费不足");

    // A stale form: two windows on the same draft; the second save is refused, typing kept.
    a.fill("#work_done", "第一稿").await;
    a.follow("button[value=draft]").await;
    let url = a.client.current_url().await.unwrap().to_string();
    let b = Browser::start(DESKTOP).await;
    b.sign_in(&server, "gab").await;
    b.go(&url).await;
    a.go(&url).await;
    a.fill("#work_done", "窗口甲的修改").await;
    a.follow("button[value=draft]").await;
    b.fill("#work_done", "窗口乙的修改").await;
    b.follow("button[value=draft]").await;
    let page = b.text().await;
    assert!(page.contains("内容已被他人修改"), "{page}");
    assert_eq!(
        b.js("return document.getElementById('work_done').value")
            .await,
        "窗口乙的修改"
    );
    a.close().await;

    // The report form with the keyboard alone.
    b.go(&server.url(&format!("/tasks/3.1.2/report?unit={gab}&period=2022-Q2")))
        .await;
    b.select("#status", "推进中").await;
    b.select("#self_assessment", "正常推进").await;
    b.js("document.activeElement.blur(); window.scrollTo(0, 0); return true")
        .await;
    let mut reached = false;
    for _ in 0..80 {
        b.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&Key::Tab.to_string())
            .await
            .unwrap();
        if b.js("return document.activeElement.id").await == "work_done" {
            reached = true;
            break;
        }
    }
    assert!(reached, "work_done reachable with Tab");
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys("键盘填写的进展")
        .await
        .unwrap();
    let mut on_submit = false;
    for _ in 0..20 {
        // A Tab from the keyboard itself: keys sent to a file input would name a file.
        let tab = fantoccini::actions::KeyActions::new("keyboard".into())
            .then(fantoccini::actions::KeyAction::Down {
                value: Key::Tab.into(),
            })
            .then(fantoccini::actions::KeyAction::Up {
                value: Key::Tab.into(),
            });
        b.client.perform_actions(tab).await.unwrap();
        if b.js("return document.activeElement.value").await == "submit" {
            on_submit = true;
            break;
        }
    }
    assert!(on_submit, "the submit button reachable with Tab");
    b.js("window.__before = true; return true").await;
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&Key::Enter.to_string())
        .await
        .unwrap();
    for _ in 0..100 {
        if b.js("return window.__before === undefined && document.readyState === 'complete'")
            .await
            == Value::Bool(true)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(b.text().await.contains("已提交待审核"));
    b.close().await;
}

//! Paper, phones and accessibility: every page of each role's walk, on the demo data as of
//! 2022-10-20, at 1366 and at 390 px — a full-height screenshot of each under
//! `target/screenshots/` (`<role>-<page>-<width>.png`), axe-core's WCAG 2.1 AA and
//! best-practice rules with no violation, no horizontal scroll, no overlapping text; and the
//! summary and an edition printed by Chromium on at most 4 and 6 A4 pages.

use super::{Browser, DESKTOP, LAYOUT_CHECK, PHONE, Server};
use crate::common;

use axum::http::Method;
use base64::Engine;
use duban::workflows::demo::DEMO_PASSWORD;
use fantoccini::wd::{TimeoutConfiguration, WebDriverCompatibleCommand};
use serde_json::{Value, json};
use sqlx::PgPool;
use std::path::PathBuf;
use std::time::Duration;

pub(super) const TODAY: &str = "2022-10-20";

/// Who looks at a page of the walk: a demo account, or nobody signed in.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Who {
    Anonymous,
    Office,
    Liaison,
    /// 公安部's 单位负责人.
    UnitHead,
    Leader,
}

impl Who {
    fn label(self) -> &'static str {
        match self {
            Who::Anonymous => "anonymous",
            Who::Office => "office",
            Who::Liaison => "liaison",
            Who::UnitHead => "unit-head",
            Who::Leader => "leader",
        }
    }

    fn login(self) -> Option<&'static str> {
        match self {
            Who::Anonymous => None,
            Who::Office => Some("demo-office"),
            Who::Liaison => Some("demo-gab"),
            Who::UnitHead => Some(duban::workflows::demo::DEMO_UNIT_HEAD),
            Who::Leader => Some("demo-leader"),
        }
    }
}

/// One page of the walk; `name` names its screenshots.
struct Visit {
    who: Who,
    name: &'static str,
    path: String,
}

/// The pages each role goes through in its first week (the demo liaison is 公安部's). A new
/// page is one more line here.
fn the_walk(ids: &Ids) -> Vec<Visit> {
    let Ids {
        unit,
        task,
        report,
        edition,
        urge,
        typical,
        instruction,
        signing,
        plan,
    } = ids;
    let v = |who, name, path: &str| Visit {
        who,
        name,
        path: path.to_string(),
    };
    vec![
        v(Who::Anonymous, "login", "/login"),
        v(Who::Liaison, "home", "/"),
        v(Who::Liaison, "my", "/my"),
        v(Who::Liaison, "inbox", "/inbox"),
        v(Who::Liaison, "notice-settings", "/account/notifications"),
        v(Who::Liaison, "upload", "/my/upload"),
        v(
            Who::Liaison,
            "report-form",
            &format!("/tasks/{task}/report?unit={unit}&period=2022-Q4"),
        ),
        v(Who::Liaison, "report", &format!("/reports/{report}")),
        v(Who::Liaison, "task", &format!("/tasks/{task}")),
        v(Who::Liaison, "unit-brief", &format!("/units/{unit}/brief")),
        v(
            Who::Liaison,
            "extensions",
            &format!("/tasks/{task}/extensions"),
        ),
        v(Who::Office, "home", "/"),
        v(Who::Office, "plan", "/plan"),
        v(Who::Office, "summary", "/summary"),
        v(Who::Office, "editions", "/editions"),
        v(Who::Office, "edition", &format!("/editions/{edition}")),
        v(Who::Office, "tasks", "/tasks"),
        v(Who::Office, "task", &format!("/tasks/{task}")),
        v(Who::Office, "units", "/units"),
        v(Who::Office, "unit", &format!("/units/{unit}")),
        v(Who::Office, "review", "/review"),
        v(Who::Office, "reporting", "/reporting"),
        v(Who::Office, "report", &format!("/reports/{report}")),
        v(Who::Office, "users", "/admin/users"),
        v(Who::Office, "audit", "/admin/audit"),
        v(Who::Office, "notifications", "/admin/notifications"),
        v(
            Who::Office,
            "supervision",
            &format!("/tasks/{task}/supervision"),
        ),
        v(Who::Office, "urge-notice", &format!("/urges/{urge}/notice")),
        v(
            Who::Office,
            "unit-brief",
            &format!("/units/{typical}/brief"),
        ),
        v(Who::Office, "documents", "/admin/documents"),
        v(
            Who::Office,
            "extensions",
            &format!("/tasks/{task}/extensions"),
        ),
        v(
            Who::Liaison,
            "instruction",
            &format!("/instructions/{instruction}"),
        ),
        v(Who::Office, "instructions", "/instructions"),
        v(
            Who::Office,
            "instruction",
            &format!("/instructions/{instruction}"),
        ),
        v(
            Who::Liaison,
            "acknowledgements",
            &format!("/tasks/{task}/acknowledgements"),
        ),
        v(
            Who::Office,
            "acknowledgements",
            &format!("/tasks/{task}/acknowledgements"),
        ),
        v(Who::UnitHead, "my", "/my"),
        v(Who::UnitHead, "report", &format!("/reports/{signing}")),
        v(
            Who::Office,
            "report-signing",
            &format!("/reports/{signing}"),
        ),
        v(Who::Office, "matches", &format!("/plans/{plan}/matches")),
        v(
            Who::Office,
            "milestones",
            &format!("/tasks/{task}/milestones"),
        ),
        v(
            Who::Liaison,
            "milestones",
            &format!("/tasks/{task}/milestones"),
        ),
        v(Who::Office, "password", "/account/password"),
        v(Who::Leader, "home", "/"),
        v(Who::Leader, "summary", "/summary"),
        v(Who::Leader, "red-tasks", "/tasks?light=red"),
        v(Who::Leader, "unit", &format!("/units/{unit}")),
        v(Who::Leader, "edition", &format!("/editions/{edition}")),
        v(Who::Leader, "as-of", "/summary?as_of=2022-07-15"),
        v(Who::Leader, "instructions", "/instructions"),
        v(
            Who::Leader,
            "task-instructions",
            &format!("/tasks/{task}/instructions"),
        ),
    ]
}

/// Rows of the demo data the walk's addresses need.
pub(super) struct Ids {
    pub unit: i64,
    pub task: String,
    pub report: i64,
    pub edition: i64,
    /// An urge to 公安部 about the task, and a unit of a typical number of tasks.
    pub urge: i64,
    pub typical: i64,
    /// A leader's 领导批示 on the task, relayed to its units, awaiting their answers.
    pub instruction: i64,
    /// A report of 公安部 its liaison submitted again, waiting for the unit head (签发).
    pub signing: i64,
    /// The 2022 plan.
    pub plan: i64,
}

/// The demo data (two quarters of reports), and edition 1 issued on 2022-10-20.
pub(super) async fn demo(pool: &PgPool) -> Ids {
    duban::workflows::demo::generate(pool, &common::seeds())
        .await
        .expect("demo data");
    let plan: i64 = sqlx::query_scalar("SELECT id FROM plans WHERE year = 2022")
        .fetch_one(pool)
        .await
        .unwrap();
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let edition = duban::workflows::editions::issue(pool, &Default::default(), plan, today)
        .await
        .expect("edition issued");
    let (unit, task, report): (i64, String, i64) = sqlx::query_as(
        "SELECT u.id, t.code, r.id FROM reports r JOIN units u ON u.id = r.unit_id
         JOIN tasks t ON t.id = r.task_id
         WHERE u.short_name = '公安部' AND r.review_state = 'returned' ORDER BY r.id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let urge: i64 = sqlx::query_scalar(
        "INSERT INTO urges (plan_id, unit_id, period, task_codes, message)
         VALUES ($1, $2, '2022-Q3', ARRAY[$3], '请尽快报送第三季度进展情况') RETURNING id",
    )
    .bind(plan)
    .bind(unit)
    .bind(&task)
    .fetch_one(pool)
    .await
    .unwrap();
    // The median unit by its tasks in the plan.
    let typical: i64 = sqlx::query_scalar(
        "SELECT unit_id FROM (SELECT tu.unit_id, count(*) AS n FROM task_units tu
           JOIN tasks t ON t.id = tu.task_id WHERE t.plan_id = $1 GROUP BY tu.unit_id) c
         ORDER BY n, unit_id OFFSET (SELECT count(DISTINCT unit_id) / 2 FROM task_units) LIMIT 1",
    )
    .bind(plan)
    .fetch_one(pool)
    .await
    .unwrap();
    let instruction: i64 = sqlx::query_scalar(
        "WITH i AS (
           INSERT INTO instructions (task_id, text, answer_by, state, written_by, written_on)
           SELECT t.id, '请公安部会同有关单位抓紧推进，10月底前报告进展情况和存在的困难。',
                  DATE '2022-10-31', 'relayed',
                  (SELECT id FROM users WHERE role = 'leader' ORDER BY id LIMIT 1),
                  DATE '2022-10-12'
             FROM tasks t WHERE t.plan_id = $1 AND t.code = $2 RETURNING id, task_id)
         INSERT INTO instruction_units (instruction_id, unit_id)
         SELECT i.id, tu.unit_id FROM i JOIN task_units tu ON tu.task_id = i.task_id
         RETURNING instruction_id",
    )
    .bind(plan)
    .bind(&task)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO assignment_acknowledgements (task_id, unit_id, accepted, kind, reason, answered_on)
         SELECT t.id, tu.unit_id, false, 'should_be_co', '本部门仅承担配合工作，建议调整为配合单位。',
                DATE '2022-10-15'
           FROM tasks t JOIN task_units tu ON tu.task_id = t.id
          WHERE t.plan_id = $1 AND t.code = $2 AND tu.unit_id <> $3 LIMIT 1",
    )
    .bind(plan)
    .bind(&task)
    .bind(unit)
    .execute(pool)
    .await
    .unwrap();
    // The task broken into three milestones of its units: one done, one overdue, one to come.
    sqlx::query(
        "INSERT INTO milestones (task_id, unit_id, output, due_on, weight, done_on)
         SELECT t.id, tu.unit_id, m.output, m.due_on, m.weight, m.done_on
           FROM tasks t JOIN task_units tu ON tu.task_id = t.id AND tu.unit_id = $3,
                (VALUES ('完成专项调研，形成问题清单', DATE '2022-06-30', 1, DATE '2022-06-28'),
                        ('出台工作方案并部署实施', DATE '2022-09-30', 2, NULL::date),
                        ('形成年度工作总结报告', DATE '2022-12-15', 1, NULL::date))
                AS m(output, due_on, weight, done_on)
          WHERE t.plan_id = $1 AND t.code = $2",
    )
    .bind(plan)
    .bind(&task)
    .bind(unit)
    .execute(pool)
    .await
    .unwrap();
    // 公安部 signs off its reports: one of its returned reports, submitted again, waits for
    // the head (another than the one the liaison's walk opens, whose form stays in view).
    sqlx::query("UPDATE units SET sign_off = true WHERE id = $1")
        .bind(unit)
        .execute(pool)
        .await
        .unwrap();
    let signing: i64 = sqlx::query_scalar(
        "INSERT INTO report_sign_offs (report_id, asked_by, version)
         SELECT r.id, (SELECT id FROM users WHERE login = 'demo-gab'), r.version FROM reports r
          WHERE r.unit_id = $1 AND r.review_state = 'returned'
          ORDER BY r.id = $2, r.id LIMIT 1
         RETURNING report_id",
    )
    .bind(unit)
    .bind(report)
    .fetch_one(pool)
    .await
    .unwrap();
    Ids {
        unit,
        task,
        report,
        edition,
        urge,
        typical,
        instruction,
        signing,
        plan,
    }
}

/// A ChromeDriver command fantoccini has no method for: one DevTools protocol call.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (Method::POST, Some(body.to_string()))
    }
}

/// axe-core as `scripts/test` installs it (`npm ci --prefix tests/browser`, pinned by
/// `tests/browser/package-lock.json`).
fn axe_source() -> String {
    let path = common::root().join("tests/browser/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run `npm ci --prefix tests/browser` (scripts/test does)",
            path.display()
        )
    })
}

/// Runs axe on the page in view; answers one line per rule broken: id, count, first targets.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  resultTypes: ['violations'],
}).then(
  r => done(r.violations.map(v => `${v.id} ×${v.nodes.length}: ${v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(' | ')}`)),
  e => done([`axe failed: ${e}`]));
"#;

/// Dates, period names and unit names split over two lines, outside the plan's own prose
/// (where Chinese breaks anywhere). `arguments[0]`: the unit names short enough for a line.
/// Fixed with `<time>` or `.nowrap` around a date, `word-break: keep-all` on a name's column.
const BROKEN_WORDS: &str = r#"
const names = arguments[0];
const dated = /\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?|\d{4}年\d{1,2}月(\d{1,2}日)?|\d{4}年第[一二三四]季度/g;
const prose = 'blockquote, td.text, .task-text, .pre, pre, code, textarea, .sr-only';
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const broken = new Set();
while (walker.nextNode()) {
  const node = walker.currentNode, text = node.textContent, parent = node.parentElement;
  if (!parent || parent.closest(prose) || !parent.checkVisibility()) continue;
  const words = [...text.matchAll(dated)].map(m => [m.index, m[0]]);
  for (const n of names) for (let i = text.indexOf(n); i >= 0; i = text.indexOf(n, i + n.length)) words.push([i, n]);
  for (const [i, w] of words) {
    const r = document.createRange();
    r.setStart(node, i);
    r.setEnd(node, i + w.length);
    const lines = new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.bottom)));
    if (lines.size > 1) broken.add(`"${w}" in ${parent.tagName.toLowerCase()}${parent.className ? '.' + parent.className : ''}`);
  }
}
return [...broken].slice(0, 10);
"#;

fn shots_dir() -> PathBuf {
    let dir = common::root().join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn base64(data: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(data.as_str().expect("base64 data"))
        .unwrap()
}

/// Pages of a PDF as Chromium writes it: one `/Type /Page` dictionary each (`/Pages` is the
/// tree above them).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let re = regex::Regex::new(r"/Type\s*/Page\b").unwrap();
    re.find_iter(&text).count()
}

impl Browser {
    async fn cdp(&self, cmd: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .unwrap_or_else(|e| panic!("{cmd}: {e}"))
    }

    /// The whole page, not only the viewport.
    async fn full_page_png(&self) -> Vec<u8> {
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": true }),
            )
            .await;
        base64(&shot["data"])
    }

    /// The page as Chromium prints it, on the paper its print style sheet asks for and with
    /// "background graphics" off, as a user prints by default.
    async fn print_pdf(&self) -> Vec<u8> {
        let pdf = self
            .cdp(
                "Page.printToPDF",
                json!({ "preferCSSPageSize": true, "printBackground": false }),
            )
            .await;
        base64(&pdf["data"])
    }

    async fn axe(&self, source: &str) -> Vec<String> {
        self.client
            .execute(&format!("{source}\n;return true"), vec![])
            .await
            .expect("axe-core injected");
        let found = self
            .client
            .execute_async(AXE_RUN, vec![])
            .await
            .expect("axe-core ran");
        found
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Layout, axe and both screenshots of one page of the walk; answers what is wrong.
    async fn look(&self, server: &Server, visit: &Visit, axe: &str, names: &Value) -> Vec<String> {
        let Visit { who, name, path } = visit;
        self.go(&server.url(path)).await;
        let at = format!("{path} at {}px as {}", self.width, who.label());
        let width = self.js("return window.innerWidth").await;
        assert_eq!(width, json!(self.width), "the viewport of {at}");
        let mut problems: Vec<String> = Vec::new();
        let status = self.js("return document.title").await;
        if status.as_str().is_some_and(|t| t.contains("无权访问")) {
            problems.push(format!("{at}: refused ({status})"));
        }
        for p in self
            .js(LAYOUT_CHECK)
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            problems.push(format!("{at}: {}", p.as_str().unwrap_or_default()));
        }
        let broken = self
            .client
            .execute(BROKEN_WORDS, vec![names.clone()])
            .await
            .unwrap();
        for w in broken.as_array().cloned().unwrap_or_default() {
            problems.push(format!(
                "{at}: broken over two lines: {}",
                w.as_str().unwrap_or_default()
            ));
        }
        for v in self.axe(axe).await {
            problems.push(format!("{at}: axe {v}"));
        }
        let file = format!("{}-{name}-{}.png", who.label(), self.width);
        std::fs::write(shots_dir().join(file), self.full_page_png().await).unwrap();
        problems
    }
}

/// The walk at both widths, each role signed in for its pages in turn.
async fn walk(server: &Server, visits: &[Visit], names: &Value) -> Vec<String> {
    let axe = axe_source();
    let mut problems = Vec::new();
    for size in [DESKTOP, PHONE] {
        let b = Browser::start(size).await;
        // axe takes a while on the longest pages (every task of the plan) with two cores.
        b.client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(180)),
                Some(Duration::from_secs(60)),
                None,
            ))
            .await
            .unwrap();
        let mut signed_in = None;
        for visit in visits {
            if signed_in != Some(visit.who) {
                if signed_in.is_some_and(|w: Who| w.login().is_some()) {
                    b.sign_out().await;
                }
                if let Some(login) = visit.who.login() {
                    b.sign_in_with(server, login, DEMO_PASSWORD).await;
                }
                signed_in = Some(visit.who);
            }
            problems.extend(b.look(server, visit, &axe, names).await);
        }
        b.close().await;
    }
    problems
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn every_page_of_the_walk_fits_phones_and_passes_axe(pool: PgPool) {
    let _turn = common::turns::turn(common::turns::Suite::Browser).await;
    let ids = demo(&pool).await;
    let server = Server::start_on(&pool, TODAY);
    let visits = the_walk(&ids);
    // Names a phone's line holds whole; the longest (全国打击侵权假冒工作领导小组办公室) may wrap.
    let names: Vec<String> =
        sqlx::query_scalar("SELECT short_name FROM units WHERE char_length(short_name) <= 8")
            .fetch_all(&pool)
            .await
            .unwrap();
    let problems = walk(&server, &visits, &json!(names)).await;
    assert!(
        problems.is_empty(),
        "{} problems on the walk:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // Every page at both widths, full height: a phone's summary is far taller than its screen.
    let shot = shots_dir().join("leader-summary-390.png");
    let png = std::fs::read(&shot).unwrap();
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert!(height > 2000, "{} is {height} px tall", shot.display());
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn summary_and_edition_print_on_few_a4_pages(pool: PgPool) {
    let _turn = common::turns::turn(common::turns::Suite::Browser).await;
    let ids = demo(&pool).await;
    let server = Server::start_on(&pool, TODAY);
    let b = Browser::start(DESKTOP).await;
    b.sign_in_with(&server, "demo-office", DEMO_PASSWORD).await;
    let mut counts = Vec::new();
    for (name, path, most) in [
        ("summary", "/summary".to_string(), 4),
        ("edition", format!("/editions/{}", ids.edition), 6),
        ("unit-brief", format!("/units/{}/brief", ids.typical), 1),
    ] {
        b.go(&server.url(&path)).await;
        let pdf = b.print_pdf().await;
        std::fs::write(shots_dir().join(format!("print-{name}.pdf")), &pdf).unwrap();
        let pages = pdf_pages(&pdf);
        counts.push((path.clone(), pages, most));

        // What the print style sheet does, read back under print media.
        b.cdp("Emulation.setEmulatedMedia", json!({ "media": "print" }))
            .await;
        let printed = b
            .js(r#"
const shown = e => !!e && e.checkVisibility();
const fixed = [...document.querySelectorAll('body *')].filter(e =>
  ['fixed', 'sticky'].includes(getComputedStyle(e).position) && shown(e));
const dot = document.querySelector('.light');
return {
  nav: shown(document.querySelector('header.site nav')),
  who: shown(document.querySelector('header.site .who')),
  fixed: fixed.length,
  dots: dot ? getComputedStyle(dot).printColorAdjust : 'no light on the page',
  title: (document.querySelector('.print-title') || {}).textContent || '',
};"#)
            .await;
        b.cdp("Emulation.setEmulatedMedia", json!({ "media": "" }))
            .await;
        assert_eq!(printed["nav"], json!(false), "{path}: navigation printed");
        assert_eq!(printed["who"], json!(false), "{path}: user bar printed");
        assert_eq!(
            printed["fixed"],
            json!(0),
            "{path}: a fixed element repeats over the body"
        );
        assert_eq!(printed["dots"], json!("exact"), "{path}: light dots hollow");
        let title = printed["title"].as_str().unwrap_or_default().to_string();
        if name == "edition" {
            assert!(
                title.contains("第1期") && title.contains("2022年10月20日"),
                "{path}: the title block says {title:?}"
            );
        }
    }
    b.close().await;
    eprintln!("printed A4 pages: {counts:?}");
    for (path, pages, most) in counts {
        assert!(pages >= 1, "{path}: no page in the PDF");
        assert!(
            pages <= most,
            "{path} prints on {pages} A4 pages, at most {most}"
        );
    }
}

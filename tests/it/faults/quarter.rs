//! Quarter's end: 100 liaison sessions filing and submitting their units' reports and 5 office
//! sessions reviewing them, all at once over real HTTP, against one or two duban processes on
//! one database. Afterwards the database is checked against every acknowledged answer.

use super::http::{Http, Session, Tally};
use super::plan;
use super::process::Duban;
use crate::common::turns::Suite;
use crate::common::{self, resilience};
use duban::rules::auth::Role;
use rand::Rng;
use regex::Regex;
use serde_json::json;
use sqlx::PgPool;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

const LIAISONS: usize = 100;
const OFFICES: usize = 5;
const DEADLINE: Duration = Duration::from_secs(120);
const SIGN_IN_AT_ONCE: usize = 8;

/// An acknowledged change of a report: from version `base` to `result`.
#[derive(Debug, Clone)]
struct Ack {
    report: i64,
    base: i32,
    result: i32,
    /// The liaison's text; `None` for a review.
    marker: Option<String>,
    /// `saved`, `submitted`, `returned` or `accepted`.
    action: &'static str,
}

#[derive(Default)]
struct Log {
    acks: Mutex<Vec<Ack>>,
    refused: Mutex<Vec<String>>,
    /// Report ids the clients were sent to, per (code, unit, period).
    ids: Mutex<HashMap<(String, i64, String), HashSet<i64>>>,
    returned: Mutex<HashSet<i64>>,
}

impl Log {
    fn ack(&self, a: Ack) {
        self.acks.lock().unwrap().push(a);
    }
    fn refuse(&self, marker: String) {
        self.refused.lock().unwrap().push(marker);
    }
}

static REPORT_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^/reports/(\d+)").unwrap());
static EDIT_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"action="/reports/\d+"[^>]*class="stack report-form">\s*<input type="hidden" name="version" value="(\d+)""#).unwrap()
});
static REVIEW_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"action="/reports/\d+/review" class="stack">\s*<input type="hidden" name="version" value="(\d+)""#).unwrap()
});
static LISTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"<a href="/reports/(\d+)">"#).unwrap());

fn capture(re: &Regex, text: &str) -> Option<i64> {
    re.captures(text)?.get(1)?.as_str().parse().ok()
}

#[derive(Clone)]
struct Mine {
    code: String,
    unit_id: i64,
    period: String,
}

async fn liaison(
    s: Arc<Session>,
    login: String,
    mine: Vec<Mine>,
    log: Arc<Log>,
    done: Arc<AtomicBool>,
) {
    let mut ids: Vec<Option<i64>> = vec![None; mine.len()];
    let mut finished = vec![false; mine.len()];
    let started = Instant::now();
    let mut n = 0;
    while !done.load(Ordering::Relaxed) && started.elapsed() < DEADLINE {
        for (k, t) in mine.iter().enumerate() {
            if finished[k] {
                continue;
            }
            n += 1;
            let marker = format!("{login} 第{n}稿");
            let key = (t.code.clone(), t.unit_id, t.period.clone());
            let Some(id) = ids[k] else {
                let form = s
                    .get(&format!(
                        "/tasks/{}/report?unit={}&period={}",
                        t.code, t.unit_id, t.period
                    ))
                    .await;
                match form {
                    Ok(a) if a.status == 200 => {
                        let unit = t.unit_id.to_string();
                        let fields = report_fields(&marker, "draft", "")
                            .into_iter()
                            .chain([("unit", unit.as_str()), ("period", t.period.as_str())])
                            .collect::<Vec<_>>();
                        match s.post(&format!("/tasks/{}/report", t.code), &fields).await {
                            Ok(a) if a.status == 303 => {
                                let id = capture(&REPORT_ID, &a.location).expect("report id");
                                log.ids.lock().unwrap().entry(key).or_default().insert(id);
                                log.ack(Ack {
                                    report: id,
                                    base: 0,
                                    result: 1,
                                    marker: Some(marker),
                                    action: "saved",
                                });
                                ids[k] = Some(id);
                            }
                            _ => log.refuse(marker),
                        }
                    }
                    Ok(a) if a.status == 303 => {
                        let id = capture(&REPORT_ID, &a.location).expect("report id");
                        log.ids.lock().unwrap().entry(key).or_default().insert(id);
                        ids[k] = Some(id);
                    }
                    _ => {}
                }
                continue;
            };
            let Ok(page) = s.get(&format!("/reports/{id}")).await else {
                continue;
            };
            if page.body.contains("state state-accepted") {
                finished[k] = true;
                continue;
            }
            let Some(v) = capture(&EDIT_VERSION, &page.body) else {
                continue;
            };
            let draft = rand::thread_rng().gen_bool(0.2);
            let action = if draft { "draft" } else { "submit" };
            let version = v.to_string();
            let fields = report_fields(&marker, action, &version);
            match s.post(&format!("/reports/{id}"), &fields).await {
                Ok(a) if a.status == 303 => log.ack(Ack {
                    report: id,
                    base: v as i32,
                    result: v as i32 + if draft { 1 } else { 2 },
                    marker: Some(marker),
                    action: if draft { "saved" } else { "submitted" },
                }),
                _ => log.refuse(marker),
            }
        }
        if finished.iter().all(|f| *f) {
            break;
        }
        let pause = rand::thread_rng().gen_range(1500..2500);
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
}

fn report_fields<'a>(
    marker: &'a str,
    action: &'a str,
    version: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("version", version),
        ("status", "in_progress"),
        ("self_assessment", "on_track"),
        ("work_done", marker),
        ("problems", ""),
        ("next_steps", ""),
        ("coordination", ""),
        ("action", action),
    ]
}

async fn office(s: Arc<Session>, log: Arc<Log>, done: Arc<AtomicBool>) {
    let started = Instant::now();
    while !done.load(Ordering::Relaxed) && started.elapsed() < DEADLINE {
        let Ok(list) = s.get("/review").await else {
            continue;
        };
        let listed = list.body.split("待答复的需协调事项").next().unwrap_or("");
        let mut ids: Vec<i64> = LISTED
            .captures_iter(listed)
            .filter_map(|c| c[1].parse().ok())
            .collect();
        if ids.is_empty() {
            tokio::time::sleep(Duration::from_millis(300)).await;
            continue;
        }
        {
            use rand::seq::SliceRandom;
            ids.shuffle(&mut rand::thread_rng());
        }
        for id in ids.into_iter().take(4) {
            let Ok(page) = s.get(&format!("/reports/{id}")).await else {
                continue;
            };
            let Some(v) = capture(&REVIEW_VERSION, &page.body) else {
                continue;
            };
            // A third of the reports are returned once, then accepted.
            let give_back = id % 3 == 0 && !log.returned.lock().unwrap().contains(&id);
            let decision = if give_back { "return" } else { "accept" };
            let version = v.to_string();
            let fields = [
                ("version", version.as_str()),
                ("decision", decision),
                ("reason", "请补充本季度的具体数据。"),
                ("office_assessment", ""),
            ];
            if let Ok(a) = s.post(&format!("/reports/{id}/review"), &fields).await
                && a.status == 303
            {
                if give_back {
                    log.returned.lock().unwrap().insert(id);
                }
                log.ack(Ack {
                    report: id,
                    base: v as i32,
                    result: v as i32 + 1,
                    marker: None,
                    action: if give_back { "returned" } else { "accepted" },
                });
            }
        }
    }
}

/// A user with the role and password of `template`.
async fn like(pool: &PgPool, login: &str, template: &str, unit_id: Option<i64>) {
    sqlx::query(
        "INSERT INTO users (login, display_name, role, unit_id, password_hash)
         SELECT $1, $1 || ' 姓名', role, $2, password_hash FROM users WHERE login = $3",
    )
    .bind(login)
    .bind(unit_id)
    .bind(template)
    .execute(pool)
    .await
    .expect("user");
}

/// Runs the quarter's end against `processes` duban processes and checks the outcome.
pub async fn quarter_end(pool: PgPool, processes: usize, test: &str) {
    let _turn = common::turns::turn(Suite::Faults).await;
    common::seed(&pool).await;
    let (_, targets) = plan::targets(&pool).await;
    // Quarter's end: each task's last period, for each of its units.
    let mut by_unit: BTreeMap<String, Vec<Mine>> = BTreeMap::new();
    for t in &targets {
        by_unit.entry(t.unit.clone()).or_default().push(Mine {
            code: t.code.clone(),
            unit_id: t.unit_id,
            period: t.periods.last().expect("a period").clone(),
        });
    }
    let units: Vec<(String, Vec<Mine>)> = by_unit.into_iter().collect();
    // Accounts made the CLI's way for the first of each role; the others share their password
    // hash (hashing 105 passwords would only slow the test down).
    common::create_user(&pool, "lly0", Role::Liaison, Some(&units[0].0)).await;
    common::create_user(&pool, "bgs0", Role::Office, None).await;
    let mut liaisons = Vec::new();
    for i in 0..LIAISONS {
        let (_, list) = &units[i % units.len()];
        let login = format!("lly{i}");
        if i > 0 {
            like(&pool, &login, "lly0", Some(list[0].unit_id)).await;
        }
        // Colleagues two by two on the same report, so that they race for it.
        let round = i / units.len();
        let mine = vec![list[(round / 2) % list.len()].clone()];
        liaisons.push((login, mine));
    }
    let wanted: HashSet<(String, i64, String)> = liaisons
        .iter()
        .flat_map(|(_, m)| {
            m.iter()
                .map(|t| (t.code.clone(), t.unit_id, t.period.clone()))
        })
        .collect();
    for j in 1..OFFICES {
        like(&pool, &format!("bgs{j}"), "bgs0", None).await;
    }
    let url = common::database_url(&pool);
    let mut servers = Vec::new();
    for _ in 0..processes {
        servers.push(Duban::start(&url).await);
    }
    let bases: Vec<String> = servers.iter().map(|d| d.base.clone()).collect();

    let tally = Arc::new(Tally::default());
    let log = Arc::new(Log::default());
    let done = Arc::new(AtomicBool::new(false));
    let http = Http::new();
    // Everyone signs in first, a few at a time (sign-in is deliberately slow); then all at once.
    let logins: Vec<String> = liaisons
        .iter()
        .map(|(l, _)| l.clone())
        .chain((0..OFFICES).map(|j| format!("bgs{j}")))
        .collect();
    let mut sessions = Vec::new();
    for chunk in logins.chunks(SIGN_IN_AT_ONCE) {
        let mut signing = Vec::new();
        for login in chunk {
            let s = Arc::new(Session::new(&http, &bases, &tally));
            let (s2, login) = (s.clone(), login.clone());
            let password = common::password_of(if login.starts_with("lly") {
                "lly0"
            } else {
                "bgs0"
            });
            signing.push(tokio::spawn(async move {
                s2.sign_in_with(&login, &password).await
            }));
            sessions.push(s);
        }
        for t in signing {
            t.await.expect("sign-in");
        }
    }
    let started = Instant::now();
    let mut clients = Vec::new();
    let mut sessions = sessions.into_iter();
    for (login, mine) in liaisons {
        let s = sessions.next().expect("session");
        clients.push(tokio::spawn(liaison(
            s,
            login,
            mine,
            log.clone(),
            done.clone(),
        )));
    }
    for s in sessions {
        clients.push(tokio::spawn(office(s, log.clone(), done.clone())));
    }
    // Over when every report of the quarter is accepted.
    while started.elapsed() < DEADLINE {
        let accepted: i64 =
            sqlx::query_scalar("SELECT count(*) FROM reports WHERE review_state = 'accepted'")
                .fetch_one(&pool)
                .await
                .unwrap();
        if accepted as usize >= wanted.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    done.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.expect("client");
    }
    let elapsed = started.elapsed();
    for d in &mut servers {
        assert!(d.running(), "duban exited: {}", d.log());
    }

    let acks = log.acks.lock().unwrap().clone();
    let refused = log.refused.lock().unwrap().clone();
    let mut problems = Vec::new();
    // No duplicate report: one per (task, unit, period), and every client saw the same one.
    let duplicates: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT 1 FROM reports GROUP BY task_id, unit_id, period
                                HAVING count(*) > 1) d",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    if duplicates > 0 {
        problems.push(format!("{duplicates} duplicated reports"));
    }
    for (key, ids) in log.ids.lock().unwrap().iter() {
        if ids.len() != 1 {
            problems.push(format!("{key:?} answered with reports {ids:?}"));
        }
    }
    let reports: Vec<(i64, i32, String, String)> = sqlx::query_as(
        "SELECT id, version, review_state::text, work_done FROM reports ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    if reports.len() != wanted.len() {
        problems.push(format!(
            "{} reports for {} targets",
            reports.len(),
            wanted.len()
        ));
    }
    let mut found = 0u64;
    for (id, version, state, work_done) in &reports {
        let mut chain: Vec<&Ack> = acks.iter().filter(|a| a.report == *id).collect();
        chain.sort_by_key(|a| a.result);
        // Versions contiguous: each acknowledged change starts where the previous one ended,
        // and the report stands at the last.
        let mut at = 0;
        for a in &chain {
            if a.base != at {
                problems.push(format!(
                    "report {id}: change {}→{} after version {at}",
                    a.base, a.result
                ));
            }
            at = a.result;
        }
        if at != *version {
            problems.push(format!(
                "report {id}: version {version}, acknowledged up to {at}"
            ));
        }
        if state != "accepted" {
            problems.push(format!("report {id} ended {state}"));
        }
        // No lost update: the text is the last acknowledged one.
        let last_text = chain.iter().rev().find_map(|a| a.marker.as_deref());
        if last_text != Some(work_done.as_str()) {
            problems.push(format!(
                "report {id}: text {work_done:?}, last acknowledged {last_text:?}"
            ));
        }
        let events: Vec<(String, i32, Option<String>)> = sqlx::query_as(
            "SELECT action, version, snapshot->>'work_done' FROM report_events
              WHERE report_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&pool)
        .await
        .unwrap();
        let saved: Vec<i32> = sqlx::query_scalar(
            "SELECT (detail->>'version')::int FROM audit_log
              WHERE action IN ('report_saved', 'report_submitted')
                AND (detail->>'report_id')::bigint = $1",
        )
        .bind(id)
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut expected_events = Vec::new();
        for a in &chain {
            let stored = match a.action {
                "saved" => saved.contains(&a.result),
                action => {
                    expected_events.push((action.to_string(), a.result));
                    events.iter().any(|(e, v, _)| e == action && *v == a.result)
                        && (action != "submitted" || saved.contains(&a.result))
                }
            };
            found += u64::from(stored);
            if !stored {
                problems.push(format!("report {id}: acknowledged {a:?} not stored"));
            }
        }
        let liaison_acks = chain.iter().filter(|a| a.marker.is_some()).count();
        if saved.len() != liaison_acks {
            problems.push(format!(
                "report {id}: {} saves stored, {liaison_acks} acknowledged",
                saved.len()
            ));
        }
        let got: Vec<(String, i32)> = events.iter().map(|(a, v, _)| (a.clone(), *v)).collect();
        if got != expected_events {
            problems.push(format!(
                "report {id}: events {got:?}, acknowledged {expected_events:?}"
            ));
        }
        // The current state is the latest event's, with the same text.
        match events.last() {
            Some((action, v, text))
                if action == state
                    && v == version
                    && text.as_deref() == Some(work_done.as_str()) => {}
            last => problems.push(format!(
                "report {id} is {state} v{version}; latest event {last:?}"
            )),
        }
    }
    // Every review leaves an event; every refused write is wholly absent.
    let unreviewed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM reports r WHERE r.review_state IN ('accepted', 'returned')
            AND NOT EXISTS (SELECT 1 FROM report_events e WHERE e.report_id = r.id
                              AND e.action = r.review_state::text AND e.version = r.version)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    if unreviewed > 0 {
        problems.push(format!("{unreviewed} reviewed reports without their event"));
    }
    let unacked_found: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM unnest($1::text[]) m(marker)
          WHERE EXISTS (SELECT 1 FROM reports WHERE work_done = m.marker)
             OR EXISTS (SELECT 1 FROM report_events WHERE snapshot->>'work_done' = m.marker)",
    )
    .bind(&refused)
    .fetch_one(&pool)
    .await
    .unwrap();

    let lost = tally.get(&tally.lost);
    let requests = tally.get(&tally.requests);
    resilience::record(
        "faults",
        test,
        json!({
            "faults": 0, "acked": acks.len(), "found": found, "unacked_found": unacked_found,
            "lost": lost, "requests": requests, "processes": processes,
            "refused_writes": refused.len(), "unavailable": tally.get(&tally.unavailable),
            "seconds": elapsed.as_secs_f64(),
        }),
    );
    eprintln!(
        "{test}: {processes} process(es), {} reports, {} acked, {found} found, {} refused \
         ({unacked_found} of them stored), {requests} requests ({} busy 503s), {lost} lost, \
         {elapsed:?}",
        reports.len(),
        acks.len(),
        refused.len(),
        tally.get(&tally.unavailable)
    );
    let details = tally.details.lock().unwrap().clone();
    assert_eq!(lost, 0, "{details:?}");
    assert_eq!(tally.get(&tally.server_errors), 0, "{details:?}");
    assert_eq!(unacked_found, 0, "refused writes stored");
    assert!(
        problems.is_empty(),
        "{:#?}",
        &problems[..problems.len().min(30)]
    );
    assert_eq!(found, acks.len() as u64);
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn quarter_end_one_process(pool: PgPool) {
    quarter_end(pool, 1, "quarter_end_one_process").await;
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn quarter_end_two_processes(pool: PgPool) {
    quarter_end(pool, 2, "quarter_end_two_processes").await;
}

//! PostgreSQL stopped (fast shutdown) and started again while duban serves writes, pages and
//! health checks: failures are quick 503s, duban recovers by itself, and every write is either
//! acknowledged and stored whole or refused and wholly absent.

use super::http::{self, Answer, Http, NoAnswer, Reply, Session, Tally};
use super::plan;
use super::process::Duban;
use crate::common::turns::Suite;
use crate::common::{self, resilience};
use duban::infra::embedded::EmbeddedPostgres;
use duban::rules::auth::Role;
use serde_json::json;
use sqlx::PgPool;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const WRITERS: usize = 6;
/// Of the writers, these file through the report page's form (a signed-in session, answered
/// 303) instead of the API (a token, answered 200).
const PAGE_WRITERS: usize = 2;
const OUTAGES: usize = 2;
/// Pause of each writer between writes.
pub(super) const PACE: Duration = Duration::from_millis(100);
/// After a refusal a writer waits longer, as a client retrying later would; without it a fast
/// machine spends every free report slot during the outages and has none left afterwards.
pub(super) const BACK_OFF: Duration = Duration::from_millis(500);
pub(super) const UP_FOR: Duration = Duration::from_millis(1500);
pub(super) const DOWN_FOR: Duration = Duration::from_millis(2500);
/// A request the database cannot serve is answered within this.
pub(super) const FAIL_WITHIN: Duration = Duration::from_secs(2);

struct Write {
    marker: String,
    code: String,
    unit_id: i64,
    period: String,
    submit: bool,
    /// Through the API, or through the page's form.
    api: bool,
    reply: Reply,
    answered: Instant,
}

impl Write {
    /// Acknowledged: the API's 200, or the form's 303 to the saved report.
    fn acked(&self) -> bool {
        status(&self.reply) == Some(if self.api { 200 } else { 303 })
    }
}

/// What one poller saw, and when.
type Seen = Vec<(Instant, Reply)>;

/// A private PostgreSQL cluster in a fresh directory, to be stopped and started at will.
pub(super) async fn cluster() -> (tempfile::TempDir, PathBuf, EmbeddedPostgres) {
    let tmp = tempfile::tempdir_in("/tmp").expect("temp dir");
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = tmp.path().join("var");
    let pg = EmbeddedPostgres::start(&dir).await.expect("start postgres");
    (tmp, dir, pg)
}

pub(super) async fn connect(pg: &EmbeddedPostgres) -> PgPool {
    duban::db::pool_options()
        .max_connections(4)
        .connect_with(pg.connect_options("duban"))
        .await
        .expect("connect to the test cluster")
}

/// One outage: when PostgreSQL went down, when it was started again, and how soon after that
/// duban's `/healthz` said 200 (`None`: not within 15 s).
pub(super) type Window = (Instant, Instant, Option<Duration>);

/// Stops PostgreSQL (fast shutdown) `count` times while the load runs, each after [`UP_FOR`],
/// keeps it away [`DOWN_FOR`], starts it again on the same data and waits for duban to recover
/// by itself.
pub(super) async fn outages(
    pg: &mut Option<EmbeddedPostgres>,
    dir: &Path,
    http: &Http,
    tally: &Tally,
    base: &str,
    count: usize,
) -> Vec<Window> {
    let mut windows = Vec::new();
    for _ in 0..count {
        tokio::time::sleep(UP_FOR).await;
        let down = Instant::now();
        pg.take()
            .unwrap()
            .stop()
            .await
            .expect("stop postgres (fast)");
        tokio::time::sleep(DOWN_FOR).await;
        *pg = Some(
            EmbeddedPostgres::start(dir)
                .await
                .expect("restart postgres"),
        );
        let up = Instant::now();
        let mut recovered = None;
        while up.elapsed() < Duration::from_secs(15) {
            if status(&http::get(http, tally, &format!("{base}/healthz")).await) == Some(200) {
                recovered = Some(up.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        windows.push((down, up, recovered));
    }
    windows
}

pub(super) fn status(reply: &Reply) -> Option<u16> {
    reply.as_ref().ok().map(|a| a.status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_stopped_under_load() {
    let _alone = common::turns::turn(Suite::Outage).await;
    let (_tmp, dir, pg) = cluster().await;
    let mut pg = Some(pg);
    let url = pg.as_ref().unwrap().database_url("duban");
    let mut duban = Duban::start(&url).await;
    let base = duban.base.clone();

    let pool = connect(pg.as_ref().unwrap()).await;
    let office = common::create_user(&pool, "office", Role::Office, None).await;
    let token = common::token_for(&pool, office).await;
    let (plan_id, targets) = plan::targets(&pool).await;
    pool.close().await;
    // One write per (task, unit, period): a write refused is never repeated, so that what it
    // would have written can be looked for afterwards.
    let mut shares: Vec<Vec<(String, i64, String, String)>> = vec![Vec::new(); WRITERS];
    let mut n = 0;
    for t in &targets {
        for p in &t.periods {
            shares[n % WRITERS].push((t.code.clone(), t.unit_id, t.unit.clone(), p.clone()));
            n += 1;
        }
    }

    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let http = Http::new();
    let session = Arc::new(Session::new(&http, std::slice::from_ref(&base), &tally));
    session.sign_in("office").await;
    let mut writers = Vec::new();
    for (w, share) in shares.into_iter().enumerate() {
        let (http, tally, stop, token, base, session) = (
            http.clone(),
            tally.clone(),
            stop.clone(),
            token.clone(),
            base.clone(),
            session.clone(),
        );
        let api = w >= PAGE_WRITERS;
        writers.push(tokio::spawn(async move {
            let mut done = Vec::new();
            for (i, (code, unit_id, unit, period)) in share.into_iter().enumerate() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let marker = format!("故障演练 w{w}-{i}");
                let submit = i % 2 == 1;
                let coordination = format!("协调:{marker}");
                let reply = if api {
                    let body = json!({
                        "period": period, "unit": unit, "status": "in_progress",
                        "self_assessment": "on_track", "work_done": marker,
                        "coordination": [coordination], "submit": submit,
                    });
                    let url = format!("{base}/api/v1/plans/{plan_id}/tasks/{code}/reports");
                    http::post_json(&http, &tally, &url, &token, &body).await
                } else {
                    let (plan, unit) = (plan_id.to_string(), unit_id.to_string());
                    let fields = [
                        ("plan", plan.as_str()),
                        ("unit", unit.as_str()),
                        ("period", period.as_str()),
                        ("version", ""),
                        ("status", "in_progress"),
                        ("self_assessment", "on_track"),
                        ("work_done", marker.as_str()),
                        ("coordination", coordination.as_str()),
                        ("action", if submit { "submit" } else { "draft" }),
                    ];
                    session
                        .post(&format!("/tasks/{code}/report"), &fields)
                        .await
                };
                let write = Write {
                    marker,
                    code,
                    unit_id,
                    period,
                    submit,
                    api,
                    reply,
                    answered: Instant::now(),
                };
                let pause = if write.acked() { PACE } else { BACK_OFF };
                done.push(write);
                tokio::time::sleep(pause).await;
            }
            done
        }));
    }
    let poll = |path: &'static str, every: Duration, signed_in: bool| {
        let (http, tally, stop, session, base) = (
            http.clone(),
            tally.clone(),
            stop.clone(),
            session.clone(),
            base.clone(),
        );
        tokio::spawn(async move {
            let mut seen = Seen::new();
            while !stop.load(Ordering::Relaxed) {
                let reply = if signed_in {
                    session.get(path).await
                } else {
                    http::get(&http, &tally, &format!("{base}{path}")).await
                };
                seen.push((Instant::now(), reply));
                tokio::time::sleep(every).await;
            }
            seen
        })
    };
    let pages = poll("/tasks", Duration::from_millis(150), true);
    let health = poll("/healthz", Duration::from_millis(100), false);

    // The faults: stop PostgreSQL mid-load, keep it away, start it again.
    let windows = outages(&mut pg, &dir, &http, &tally, &base, OUTAGES).await;
    let back = Instant::now();
    tokio::time::sleep(UP_FOR).await;
    stop.store(true, Ordering::Relaxed);
    let mut writes = Vec::new();
    for w in writers {
        writes.extend(w.await.expect("writer"));
    }
    let pages = pages.await.expect("page poller");
    let health = health.await.expect("health poller");
    let still_running = duban.running();

    // What the database holds, against what was answered.
    let pool = connect(pg.as_ref().unwrap()).await;
    let (mut acked, mut found, mut unacked_found) = (0u64, 0u64, 0u64);
    let mut problems = Vec::new();
    for w in &writes {
        let stored: Vec<(i64, i32, String, String)> = sqlx::query_as(
            "SELECT r.id, r.version, r.review_state::text, r.work_done FROM reports r
               JOIN tasks t ON t.id = r.task_id
              WHERE t.plan_id = $1 AND t.code = $2 AND r.unit_id = $3 AND r.period = $4",
        )
        .bind(plan_id)
        .bind(&w.code)
        .bind(w.unit_id)
        .bind(&w.period)
        .fetch_all(&pool)
        .await
        .unwrap();
        let traces: (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM coordination_requests WHERE text = '协调:' || $1),
                    (SELECT count(*) FROM report_events WHERE snapshot->>'work_done' = $1)",
        )
        .bind(&w.marker)
        .fetch_one(&pool)
        .await
        .unwrap();
        match &w.reply {
            _ if w.acked() => {
                acked += 1;
                let (version, state) = if w.submit {
                    (2, "submitted")
                } else {
                    (1, "draft")
                };
                let whole = matches!(stored.as_slice(), [(_, v, s, text)]
                    if *v == version && s == state && *text == w.marker)
                    && traces == (1, i64::from(w.submit));
                if whole {
                    found += 1;
                } else {
                    problems.push(format!(
                        "acked {} missing or partial: {stored:?} {traces:?}",
                        w.marker
                    ));
                }
            }
            other => {
                if !stored.is_empty() || traces != (0, 0) {
                    unacked_found += 1;
                    problems.push(format!(
                        "refused {} ({:?}) yet stored: {stored:?} {traces:?}",
                        w.marker,
                        status(other)
                    ));
                }
            }
        }
    }
    pool.close().await;

    let lost = tally.get(&tally.lost);
    let requests = tally.get(&tally.requests);
    resilience::record(
        "faults",
        "database_stopped_under_load",
        json!({
            "faults": OUTAGES, "acked": acked, "found": found, "unacked_found": unacked_found,
            "lost": lost, "requests": requests, "writes": writes.len(),
        }),
    );
    let by_form = writes.iter().filter(|w| !w.api);
    eprintln!(
        "database outage: {} writes ({} through the form, {} of them acked), {acked} acked, \
         {found} found, {unacked_found} refused-but-stored, {requests} requests, {lost} lost, \
         recovery {:?}",
        writes.len(),
        by_form.clone().count(),
        by_form.filter(|w| w.acked()).count(),
        windows.iter().map(|w| w.2).collect::<Vec<_>>()
    );

    let details = tally.details.lock().unwrap().clone();
    assert_eq!(lost, 0, "requests without an answer: {details:?}");
    assert_eq!(
        tally.get(&tally.server_errors),
        0,
        "5xx other than 503: {details:?}"
    );
    assert!(problems.is_empty(), "{problems:#?}\n{}", duban.log());
    assert!(still_running, "duban exited: {}", duban.log());
    // Every failure is a quick 503: a page, or the API's JSON error.
    let answers = writes
        .iter()
        .map(|w| (&w.reply, w.api))
        .chain(pages.iter().map(|(_, r)| (r, false)));
    for (reply, api) in answers {
        let a: &Answer = match reply {
            Ok(a) => a,
            Err(NoAnswer::Refused) => panic!("duban stopped listening"),
            Err(NoAnswer::Lost(e)) => panic!("lost: {e}"),
        };
        if a.status == 200 || (!api && a.status == 303) {
            continue;
        }
        assert_eq!(a.status, 503, "{}", a.body);
        assert!(a.elapsed < FAIL_WITHIN, "a 503 took {:?}", a.elapsed);
        if api {
            let v: serde_json::Value = serde_json::from_str(&a.body).expect("JSON error");
            assert_eq!(v["error"]["code"], "unavailable", "{}", a.body);
        } else {
            assert!(
                a.content_type.starts_with("text/html") && a.body.contains("服务暂时不可用"),
                "{}",
                a.body
            );
        }
    }
    for (i, (down, up, recovered)) in windows.iter().enumerate() {
        let during = |seen: &Seen| {
            seen.iter()
                .filter(|(at, _)| at > down && at < up)
                .map(|(_, r)| status(r))
                .collect::<Vec<_>>()
        };
        assert!(
            during(&health).contains(&Some(503)),
            "outage {i}: /healthz never said 503: {:?}",
            during(&health)
        );
        assert!(
            during(&pages).contains(&Some(503)),
            "outage {i}: pages never failed"
        );
        assert!(
            recovered.is_some(),
            "outage {i}: no recovery without a restart: {}",
            duban.log()
        );
    }
    // An outage is told as one, not as a busy server: the pool times out alike in both, and
    // duban looks at the database itself before it says which.
    let answered_503 = writes
        .iter()
        .map(|w| (w.answered, &w.reply))
        .chain(pages.iter().map(|(at, r)| (*at, r)))
        .filter_map(|(at, r)| r.as_ref().ok().filter(|a| a.status == 503).map(|a| (at, a)));
    let (mut told_down, mut told_busy) = (0, Vec::new());
    for (at, a) in answered_503 {
        let down_then = windows.iter().any(|(down, up, _)| at > *down && at < *up);
        if a.body.contains("数据库暂时不可用") {
            told_down += 1;
        } else if down_then {
            told_busy.push(a.body.chars().take(200).collect::<String>());
        }
    }
    assert!(
        told_busy.is_empty(),
        "an outage answered as something else: {told_busy:?}"
    );
    assert!(told_down > 0, "no answer said the database was unavailable");
    for (i, (down, up, _)) in windows.iter().enumerate() {
        let said = health
            .iter()
            .filter(|(at, _)| at > down && at < up)
            .filter_map(|(_, r)| r.as_ref().ok())
            .filter(|a| a.status == 503)
            .map(|a| a.body.trim().to_string())
            .collect::<Vec<_>>();
        assert!(
            said.iter()
                .all(|b| b == "database unavailable" || b == "database timeout"),
            "outage {i}: /healthz said {said:?}"
        );
    }
    let refused = writes
        .iter()
        .filter(|w| status(&w.reply) == Some(503))
        .count();
    assert!(refused > 0, "no write was refused: the outage was not felt");
    for api in [true, false] {
        assert!(
            writes
                .iter()
                .any(|w| w.api == api && w.answered > back && w.acked()),
            "no write acknowledged after the last restart (api: {api})"
        );
        assert!(
            writes
                .iter()
                .any(|w| w.api == api && status(&w.reply) == Some(503)),
            "no write refused during the outages (api: {api})"
        );
    }
    assert!(
        pages
            .iter()
            .any(|(at, r)| *at > back && status(r) == Some(200)),
        "pages did not come back"
    );
    pg.take().unwrap().stop().await.expect("stop postgres");
}

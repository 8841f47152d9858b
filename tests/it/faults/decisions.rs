//! The office's decisions on the rounds with the units and the leaders (延期申请 approved or
//! refused, 领导批示 closed, 申诉 decided), made while PostgreSQL is stopped and started again: each decision
//! is either answered and stored whole (its state, the deadline it moves, its history, its audit
//! entry and its notice) or refused and wholly absent, and a decision refused by the outage can
//! be made again once the database is back.

use super::http::{self, Http, Reply, Session, Tally};
use super::outage::{self, BACK_OFF, status};
use super::process::Duban;
use crate::common::turns::Suite;
use crate::common::{self, resilience};
use chrono::{Days, NaiveDate};
use duban::db::audit::Actor;
use duban::rules::auth::Role;
use duban::rules::schedule::Deadline;
use duban::workflows::extensions::{self, RequestInput};
use serde_json::json;
use sqlx::PgPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const WRITERS: usize = 3;
/// Of the writers, this one decides through the page's form (a session, answered 303).
const PAGE_WRITER: usize = 0;
/// Pause between decisions: slow enough that the plan's requests last past the restart.
const PACE: Duration = Duration::from_millis(250);

/// One pending request, and what was answered when it was decided.
struct Decided {
    id: i64,
    task: String,
    /// The deadline before.
    before: Deadline,
    asked: NaiveDate,
    approve: bool,
    marker: String,
    api: bool,
    reply: Reply,
    answered: Instant,
    /// Stored although the answer said otherwise (the commit's reply lost in the outage).
    committed: bool,
    /// What `id` is: a request to decide, an instruction to close or a contest to decide (these
    /// two through the page).
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Extension,
    Close,
    Contest,
}

impl Decided {
    fn acked(&self) -> bool {
        status(&self.reply) == Some(if self.api { 200 } else { 303 })
    }
}

/// A request for the first lead unit of every task with an end date (a date, 年底前), asked on
/// 15 January for 30 days more.
/// Each followed by an instruction on the same task, answered, for the office to close, and a
/// contest of the same unit for the office to decide.
async fn pending(pool: &PgPool, plan_id: i64) -> Vec<(i64, String, Deadline, NaiveDate, Kind)> {
    let asked_on = NaiveDate::from_ymd_opt(2022, 1, 15).unwrap();
    let liaison = Actor::default();
    let access = duban::rules::access::Access::new(Role::Office, None);
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT code FROM tasks WHERE plan_id = $1 ORDER BY id")
            .bind(plan_id)
            .fetch_all(pool)
            .await
            .unwrap();
    // The import leaves every deadline 持续推进 until the office sets one: give half the tasks a
    // date and the others 年底前.
    sqlx::query(
        "UPDATE tasks SET deadline_kind = CASE WHEN id % 2 = 0 THEN 'date' ELSE 'year_end' END::deadline_kind,
                          deadline_date = CASE WHEN id % 2 = 0 THEN DATE '2022-10-31' END
          WHERE plan_id = $1",
    )
    .bind(plan_id)
    .execute(pool)
    .await
    .unwrap();
    let mut out = Vec::new();
    for code in codes {
        let task = duban::db::tasks::get_by_code(pool, plan_id, &code)
            .await
            .unwrap()
            .unwrap();
        // 年底前 is 31 December; an approval makes it a date.
        let before = task.deadline();
        let due = match before {
            Deadline::Date(d) => d,
            Deadline::YearEnd => NaiveDate::from_ymd_opt(task.plan_year, 12, 31).unwrap(),
            _ => continue,
        };
        let Some(&unit_id) = task.lead_ids.first() else {
            continue;
        };
        let asked = due.checked_add_days(Days::new(30)).unwrap();
        let input = RequestInput {
            unit_id,
            requested_date: asked.to_string(),
            reason: format!("{code}：需要更多时间完成部署"),
            checkpoint: None,
        };
        let id = extensions::request(pool, &liaison, access, plan_id, &code, &input, asked_on)
            .await
            .expect("request");
        out.push((id, code.clone(), before, asked, Kind::Extension));
        // And a leader's instruction on it, relayed to the unit and answered, to close.
        let instruction: i64 = sqlx::query_scalar(
            "WITH i AS (INSERT INTO instructions (task_id, text, state, written_on)
                        SELECT id, '请抓紧推进', 'answered', DATE '2022-01-10' FROM tasks
                         WHERE plan_id = $1 AND code = $2 RETURNING id)
             INSERT INTO instruction_units (instruction_id, unit_id, answer, answered_at)
             SELECT id, $3, '已落实', now() FROM i RETURNING instruction_id",
        )
        .bind(plan_id)
        .bind(&code)
        .bind(unit_id)
        .fetch_one(pool)
        .await
        .unwrap();
        out.push((
            instruction,
            code.clone(),
            Deadline::Ongoing,
            asked,
            Kind::Close,
        ));
        // And a contest of the same unit, to keep the assignment.
        let contest = common::rounds::contest(pool, plan_id, &code, unit_id, "2022-01-12").await;
        out.push((contest, code, Deadline::Ongoing, asked, Kind::Contest));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decisions_across_a_database_restart() {
    let _alone = common::turns::turn(Suite::Outage).await;
    let (_tmp, dir, pg) = outage::cluster().await;
    let mut pg = Some(pg);
    let url = pg.as_ref().unwrap().database_url("duban");
    let mut duban = Duban::start(&url).await;
    let base = duban.base.clone();

    let pool = outage::connect(pg.as_ref().unwrap()).await;
    let office = common::create_user(&pool, "office", Role::Office, None).await;
    let token = common::token_for(&pool, office).await;
    let plan_id: i64 = sqlx::query_scalar("SELECT id FROM plans ORDER BY id LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let requests = pending(&pool, plan_id).await;
    pool.close().await;
    assert!(
        requests.len() >= 90,
        "too few tasks with an end date: {}",
        requests.len()
    );
    // Each task's request and instruction go to one writer: two approvals on one task would
    // race for its version, which is another test's business.
    let mut shares: Vec<Vec<_>> = vec![Vec::new(); WRITERS];
    for (i, r) in requests.into_iter().enumerate() {
        shares[(i / 3) % WRITERS].push(r);
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
        writers.push(tokio::spawn(async move {
            let mut done = Vec::new();
            for (i, (id, task, before, asked, kind)) in share.into_iter().enumerate() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let approve = i % 3 != 2;
                let marker = format!("故障演练审批〔w{w}-{i}〕");
                // Closing has no API: it goes through the page.
                let api = w != PAGE_WRITER && kind == Kind::Extension;
                let reply = send(
                    &http, &tally, &session, &base, &token, id, approve, &marker, api, kind,
                )
                .await;
                let d = Decided {
                    id,
                    task,
                    before,
                    asked,
                    approve,
                    marker,
                    api,
                    reply,
                    answered: Instant::now(),
                    committed: false,
                    kind,
                };
                let pause = if d.acked() { PACE } else { BACK_OFF };
                done.push(d);
                tokio::time::sleep(pause).await;
            }
            done
        }));
    }
    let windows = outage::outages(&mut pg, &dir, &http, &tally, &base, 1).await;
    let back = Instant::now();
    tokio::time::sleep(outage::UP_FOR).await;
    stop.store(true, Ordering::Relaxed);
    let mut decided = Vec::new();
    for w in writers {
        decided.extend(w.await.expect("writer"));
    }
    let still_running = duban.running();

    // What the database holds, against what was answered.
    let pool = outage::connect(pg.as_ref().unwrap()).await;
    let mut problems = Vec::new();
    let (mut acked, mut found, mut refused, mut unknown) = (0, 0, 0, 0);
    for d in &mut decided {
        let stored = stored(&pool, plan_id, d).await;
        if d.acked() {
            acked += 1;
            if stored.whole(d) {
                found += 1;
            } else {
                problems.push(format!("acked {} missing or partial: {stored:?}", d.marker));
            }
        } else if stored.whole(d) {
            // Committed, but the answer was lost with the connection when PostgreSQL went
            // down: the outcome is unknown to the client, never partial.
            d.committed = true;
            unknown += 1;
        } else {
            refused += 1;
            if !stored.absent(d) {
                problems.push(format!(
                    "refused {} ({:?}) partly stored: {stored:?}",
                    d.marker,
                    status(&d.reply)
                ));
            }
        }
    }
    // A decision the outage refused is made again, now, and stored whole; one committed
    // unbeknown to the client is refused as made already (409), and stays as it was.
    let mut again = 0;
    for d in decided.iter_mut().filter(|d| !d.acked()) {
        d.reply = send(
            &http, &tally, &session, &base, &token, d.id, d.approve, &d.marker, d.api, d.kind,
        )
        .await;
        again += 1;
        let stored = stored(&pool, plan_id, d).await;
        let answered = if d.committed {
            status(&d.reply) == Some(409)
        } else {
            d.acked()
        };
        if !answered || !stored.whole(d) {
            problems.push(format!(
                "{} made again: {:?} {stored:?}",
                d.marker,
                d.reply
                    .as_ref()
                    .map(|a| (a.status, a.body.chars().take(200).collect::<String>()))
            ));
        }
    }
    pool.close().await;

    resilience::record(
        "faults",
        "decisions_across_a_database_restart",
        json!({
            // A decision committed with its answer lost is not a refusal that was stored: the
            // client never heard a refusal, and sending it again is refused as made (409).
            "faults": windows.len(), "decisions": decided.len(), "acked": acked, "found": found,
            "unacked_found": 0, "refused": refused, "committed_unanswered": unknown,
            "made_again": again,
        }),
    );
    eprintln!(
        "decisions across a restart: {} decisions, {acked} acked, {refused} refused by the outage \
         and made again, {unknown} committed with the answer lost, recovery {:?}",
        decided.len(),
        windows.iter().map(|w| w.2).collect::<Vec<_>>()
    );
    let details = tally.details.lock().unwrap().clone();
    assert_eq!(
        tally.get(&tally.lost),
        0,
        "requests without an answer: {details:?}"
    );
    assert_eq!(
        tally.get(&tally.server_errors),
        0,
        "5xx other than 503: {details:?}"
    );
    assert!(problems.is_empty(), "{problems:#?}\n{}", duban.log());
    assert!(still_running, "duban exited: {}", duban.log());
    let (down, up, recovered) = windows[0];
    assert!(recovered.is_some(), "no recovery: {}", duban.log());
    let first = |cond: &dyn Fn(&Decided) -> bool| decided.iter().any(cond);
    assert!(
        first(&|d| d.answered < down && d.approve && d.kind == Kind::Extension),
        "no approval before the outage"
    );
    assert!(
        first(&|d| d.kind == Kind::Close && d.acked() && d.answered < down),
        "no instruction closed before the outage"
    );
    assert!(
        first(&|d| d.kind != Kind::Extension && d.answered > down && d.answered < up),
        "no page decision during the outage"
    );
    assert!(
        refused > 0,
        "no decision was refused: the outage was not felt"
    );
    assert!(
        first(&|d| d.answered > up && d.answered > back),
        "no decision after the restart"
    );
    pg.take().unwrap().stop().await.expect("stop postgres");
}

/// Sends one decision through the API (token) or the page's form (session).
#[allow(clippy::too_many_arguments)]
async fn send(
    http: &Http,
    tally: &Tally,
    session: &Session,
    base: &str,
    token: &str,
    id: i64,
    approve: bool,
    marker: &str,
    api: bool,
    kind: Kind,
) -> Reply {
    if kind == Kind::Contest {
        let fields = [("version", "1"), ("decision", "keep"), ("reason", marker)];
        session
            .post(&format!("/acknowledgements/{id}/decision"), &fields)
            .await
    } else if kind == Kind::Close {
        let fields = [("version", "1"), ("note", marker)];
        session
            .post(&format!("/instructions/{id}/close"), &fields)
            .await
    } else if api {
        let body = json!({ "approve": approve, "reason": marker, "version": 1 });
        let url = format!("{base}/api/v1/extensions/{id}/decision");
        http::post_json(http, tally, &url, token, &body).await
    } else {
        let decision = if approve { "approve" } else { "refuse" };
        let fields = [
            ("version", "1"),
            ("decision", decision),
            ("date", ""),
            ("reason", marker),
        ];
        session
            .post(&format!("/extensions/{id}/decision"), &fields)
            .await
    }
}

/// What the database holds of one decision (of a close: the closing's note in its history,
/// the day it was closed on, no deadline).
#[derive(Debug)]
struct Stored {
    state: String,
    reason: Option<String>,
    decided_date: Option<NaiveDate>,
    deadline: Deadline,
    audits: i64,
    notices: i64,
}

impl Stored {
    fn whole(&self, d: &Decided) -> bool {
        if d.kind == Kind::Contest {
            return self.state == "keep"
                && self.reason.as_deref() == Some(d.marker.as_str())
                && self.audits == 1
                && self.notices == 1;
        }
        if d.kind == Kind::Close {
            return self.state == "closed"
                && self.reason.as_deref() == Some(d.marker.as_str())
                && self.decided_date.is_some()
                && self.audits == 1
                && self.notices == 1;
        }
        let (state, deadline) = if d.approve {
            ("approved", Deadline::Date(d.asked))
        } else {
            ("refused", d.before.clone())
        };
        self.state == state
            && self.reason.as_deref() == Some(d.marker.as_str())
            && self.decided_date == d.approve.then_some(d.asked)
            && self.deadline == deadline
            && self.audits == 1
            && self.notices == 1
    }

    fn absent(&self, d: &Decided) -> bool {
        if d.kind == Kind::Contest {
            return self.state.is_empty()
                && self.reason.is_none()
                && self.audits == 0
                && self.notices == 0;
        }
        if d.kind == Kind::Close {
            return self.state == "answered"
                && self.reason.is_none()
                && self.decided_date.is_none()
                && self.audits == 0
                && self.notices == 0;
        }
        self.state == "pending"
            && self.reason.is_none()
            && self.decided_date.is_none()
            && self.deadline == d.before
            && self.audits == 0
            && self.notices == 0
    }
}

async fn stored(pool: &PgPool, plan_id: i64, d: &Decided) -> Stored {
    // The page's decisions: what they set, their audit entry and their notice, in one shape.
    let page = match d.kind {
        Kind::Contest => Some(
            "SELECT COALESCE(a.decision, ''), a.decision_reason, NULL::date,
                    (SELECT count(*) FROM audit_log
                      WHERE action = 'contest_decided' AND target = a.id::text),
                    (SELECT count(*) FROM notice_events
                      WHERE kind = 'contest_decided' AND body LIKE '%' || $2 || '%')
               FROM assignment_acknowledgements a WHERE a.id = $1",
        ),
        Kind::Close => Some(
            "SELECT i.state,
                    (SELECT string_agg(e.text, '|') FROM instruction_events e
                      WHERE e.instruction_id = i.id AND e.kind = 'closed'),
                    i.closed_on,
                    (SELECT count(*) FROM audit_log
                      WHERE action = 'instruction_closed' AND target = i.id::text),
                    (SELECT count(*) FROM notice_events
                      WHERE kind = 'instruction_closed' AND body LIKE '%' || $2 || '%')
               FROM instructions i WHERE i.id = $1",
        ),
        Kind::Extension => None,
    };
    if let Some(sql) = page {
        let (state, reason, decided_date, audits, notices): (
            String,
            Option<String>,
            Option<NaiveDate>,
            i64,
            i64,
        ) = sqlx::query_as(sql)
            .bind(d.id)
            .bind(&d.marker)
            .fetch_one(pool)
            .await
            .unwrap();
        return Stored {
            state,
            reason,
            decided_date,
            deadline: Deadline::Ongoing,
            audits,
            notices,
        };
    }
    let (state, reason, decided_date): (String, Option<String>, Option<NaiveDate>) =
        sqlx::query_as(
            "SELECT state, decision_reason, decided_date FROM extension_requests WHERE id = $1",
        )
        .bind(d.id)
        .fetch_one(pool)
        .await
        .unwrap();
    let (audits, notices): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM audit_log
                  WHERE action = 'extension_decided' AND target = $1::text),
                (SELECT count(*) FROM notice_events
                  WHERE kind = 'extension_decided' AND body LIKE '%' || $2 || '%')",
    )
    .bind(d.id.to_string())
    .bind(&d.marker)
    .fetch_one(pool)
    .await
    .unwrap();
    let task = duban::db::tasks::get_by_code(pool, plan_id, &d.task)
        .await
        .unwrap()
        .unwrap();
    Stored {
        state,
        reason,
        decided_date,
        deadline: task.deadline(),
        audits,
        notices,
    }
}

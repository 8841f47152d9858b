//! The outbox with real `duban serve` processes and a real SMTP server: two processes on one
//! database send each mail once; a process killed (SIGKILL) in the middle of a pass leaves
//! its claimed mail to the next process once the lease has run out, and the mails that were
//! in flight (at most `worker::PARALLEL`) arrive twice, under the same Message-ID.

use crate::common;
use crate::faults::process::Duban;
use crate::notify::{Smtp, count, free_port};
use duban::workflows::notify::worker::PARALLEL;
use nix::sys::signal::{Signal, kill};
use sqlx::PgPool;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// An SMTP server that keeps each mail (maildir-like, under `mail/new`) before it answers, and
/// then takes `delay` seconds to answer: a pass over a few dozen mails lasts seconds, and a
/// mail kept but not yet confirmed is one a kill can catch.
const SLOW_SMTP: &str = r#"
import asyncio, os, sys
from aiosmtpd.smtp import SMTP

port, box, delay = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
for sub in ("tmp", "new"):
    os.makedirs(os.path.join(box, sub), exist_ok=True)
kept = 0

class Slow:
    async def handle_DATA(self, server, session, envelope):
        global kept
        kept += 1
        name = f"{kept:05}"
        # Written aside and renamed, so that a reader never sees half a mail.
        with open(os.path.join(box, "tmp", name), "wb") as f:
            f.write(envelope.original_content)
        os.rename(os.path.join(box, "tmp", name), os.path.join(box, "new", name))
        await asyncio.sleep(delay)
        return "250 OK"

async def main():
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(Slow(), hostname="localhost"), "127.0.0.1", port)
    async with server:
        await server.serve_forever()

asyncio.run(main())
"#;

async fn slow_smtp(delay: f64) -> Smtp {
    let dir = tempfile::tempdir().unwrap();
    let script = common::write_temp(dir.path(), "slow_smtp.py", SLOW_SMTP);
    let port = free_port();
    let mut command = std::process::Command::new("python3");
    command
        .arg(script)
        .arg(port.to_string())
        .arg(dir.path().join("mail"))
        .arg(delay.to_string());
    Smtp::listening(command, port, dir).await
}

/// Queues `n` e-mail deliveries, one event each, the i-th due `i * step` seconds from now.
async fn queue_mails(pool: &PgPool, n: i64, step: f64) -> Vec<i64> {
    sqlx::query_scalar(
        "WITH e AS (
             INSERT INTO notice_events (kind, title, body, link)
             SELECT 'urged', '【督办】第' || i || '条', '请报送进展情况。', '/my'
             FROM generate_series(1, $1) i
             RETURNING id)
         INSERT INTO deliveries (event_id, channel, address, next_at)
         SELECT id, 'email', 'gab@example.gov.cn',
                now() + make_interval(secs => (row_number() OVER (ORDER BY id) - 1) * $2)
         FROM e
         RETURNING id",
    )
    .bind(n)
    .bind(step)
    .fetch_all(pool)
    .await
    .unwrap()
}

fn message_id_of(delivery: i64) -> String {
    format!("<duban.{delivery}@duban.invalid>")
}

fn header<'a>(mail: &'a str, name: &str) -> &'a str {
    mail.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(": "))
        .unwrap_or_else(|| panic!("no {name} in {mail}"))
        .trim()
}

/// How many times each Message-ID arrived.
fn arrivals(smtp: &Smtp) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for mail in smtp.mails() {
        *seen
            .entry(header(&mail, "Message-ID").to_string())
            .or_default() += 1;
    }
    seen
}

fn settings(smtp: &Smtp) -> Vec<(&'static str, String)> {
    vec![
        ("DUBAN_SMTP_URL", format!("smtp://127.0.0.1:{}", smtp.port)),
        ("DUBAN_NOTIFY_INTERVAL_SECS", "1".into()),
        // The worker's "notifications delivered sent=N" lines, uncoloured, to count its share.
        ("RUST_LOG", "duban=info".into()),
        ("NO_COLOR", "1".into()),
    ]
}

async fn serve(pool: &PgPool, settings: &[(&'static str, String)]) -> Duban {
    let settings: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Duban::start_with(&common::database_url(pool), &settings).await
}

/// Mails a process reports having sent.
fn sent_by(duban: &Duban) -> usize {
    duban
        .log()
        .lines()
        .filter(|l| l.contains("notifications delivered"))
        .filter_map(|l| {
            let n = l.split("sent=").nth(1)?;
            n.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum()
}

/// Polls `done` every 50 ms until it holds; panics with `what` after `limit`.
async fn wait_for<F: AsyncFnMut() -> bool>(what: &str, limit: Duration, mut done: F) {
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < limit, "not within {limit:?}: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn all_sent(pool: &PgPool) -> bool {
    count(
        pool,
        "SELECT count(*) FROM deliveries WHERE state <> 'sent'",
    )
    .await
        == 0
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn two_serve_processes_on_one_database_send_each_mail_once(pool: PgPool) {
    let began = Instant::now();
    let smtp = Smtp::start().await;
    let settings = settings(&smtp);
    let a = serve(&pool, &settings).await;
    let b = serve(&pool, &settings).await;
    // Due over 6 s, so that both processes' passes find some; at the same moment SKIP LOCKED
    // keeps them apart.
    let ids = queue_mails(&pool, 60, 0.1).await;
    wait_for("every delivery sent", Duration::from_secs(60), async || {
        all_sent(&pool).await
    })
    .await;

    let seen = arrivals(&smtp);
    for id in &ids {
        assert_eq!(seen.get(&message_id_of(*id)), Some(&1), "delivery {id}");
    }
    assert_eq!(seen.values().sum::<usize>(), ids.len(), "{seen:?}");
    // The processes' own accounts agree: 60 sends in all, none twice. (A pass logs when it
    // ends, just after its last row is confirmed.)
    wait_for("both logs", Duration::from_secs(10), async || {
        sent_by(&a) + sent_by(&b) >= ids.len()
    })
    .await;
    let (by_a, by_b) = (sent_by(&a), sent_by(&b));
    assert_eq!(by_a + by_b, ids.len(), "{}\n{}", a.log(), b.log());
    eprintln!(
        "two processes: {by_a} + {by_b} mails, {:.1} s",
        began.elapsed().as_secs_f64()
    );
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn a_process_killed_mid_pass_leaves_its_mail_to_the_next_which_resends_at_most_the_ones_in_flight(
    pool: PgPool,
) {
    const MAILS: i64 = 64;
    let began = Instant::now();
    let smtp = slow_smtp(0.25).await;
    let mut settings = settings(&smtp);
    settings.push(("DUBAN_NOTIFY_LEASE_SECS", "5".into()));
    let ids = queue_mails(&pool, MAILS, 0.0).await;

    let mut first = serve(&pool, &settings).await;
    // Killed once some mails are confirmed, with the next ones in flight.
    wait_for(
        "some mails confirmed",
        Duration::from_secs(30),
        async || {
            count(
                &pool,
                "SELECT count(*) FROM deliveries WHERE state = 'sent'",
            )
            .await
                >= 3
        },
    )
    .await;
    kill(first.pid(), Signal::SIGKILL).expect("SIGKILL");
    let status = first.wait(Duration::from_secs(10)).await.expect("gone");
    assert!(!status.success());

    // What the killed process had confirmed; the rest it held, claimed, until the lease ends.
    let confirmed: BTreeSet<i64> =
        sqlx::query_scalar("SELECT id FROM deliveries WHERE state = 'sent'")
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    assert!(
        !confirmed.is_empty() && confirmed.len() < ids.len(),
        "killed mid-pass: {} of {MAILS} confirmed",
        confirmed.len()
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM deliveries WHERE state = 'pending'"
        )
        .await,
        0,
        "one pass claimed them all"
    );
    // A few mails at a time, each confirmed when sent: at most PARALLEL kept by the server
    // but not confirmed.
    let confirmed_ids: BTreeSet<String> = confirmed.iter().map(|id| message_id_of(*id)).collect();
    let unconfirmed_arrived = arrivals(&smtp)
        .keys()
        .filter(|m| !confirmed_ids.contains(*m))
        .count();
    assert!(unconfirmed_arrived <= PARALLEL, "{unconfirmed_arrived}");

    let second = serve(&pool, &settings).await;
    wait_for("every delivery sent", Duration::from_secs(60), async || {
        all_sent(&pool).await
    })
    .await;

    let seen = arrivals(&smtp);
    let ours: BTreeSet<String> = ids.iter().map(|id| message_id_of(*id)).collect();
    assert!(seen.keys().all(|m| ours.contains(m)), "{seen:?}");
    for m in &ours {
        assert!(seen.contains_key(m), "{m} never arrived");
    }
    let twice: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| seen[&message_id_of(*id)] > 1)
        .collect();
    assert!(seen.values().all(|n| *n <= 2), "{seen:?}");
    assert!(
        twice.len() <= PARALLEL,
        "only the mails in flight: {twice:?}"
    );
    for id in &twice {
        assert!(!confirmed.contains(id), "{id} was confirmed, yet resent");
        // The same mail again, recognisable by its Message-ID.
        let copies: Vec<String> = smtp
            .mails()
            .into_iter()
            .filter(|m| header(m, "Message-ID") == message_id_of(*id))
            .collect();
        assert_eq!(header(&copies[0], "Subject"), header(&copies[1], "Subject"));
        assert_eq!(header(&copies[0], "To"), header(&copies[1], "To"));
    }
    assert_eq!(seen.values().sum::<usize>(), ids.len() + twice.len());

    // Confirmed rows were sent once; the others were claimed again after the lease, once.
    let attempts: Vec<(i64, String, i32)> =
        sqlx::query_as("SELECT id, state, attempts FROM deliveries ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    for (id, state, n) in &attempts {
        assert_eq!(state, "sent", "{id}");
        let expected = if confirmed.contains(id) { 1 } else { 2 };
        assert_eq!(*n, expected, "attempts of {id}");
    }
    let resent = ids.len() - confirmed.len();
    wait_for("the log", Duration::from_secs(10), async || {
        sent_by(&second) >= resent
    })
    .await;
    assert_eq!(sent_by(&second), resent, "{}", second.log());
    eprintln!(
        "killed after {} of {MAILS} confirmed, {} resent twice; {:.1} s",
        confirmed.len(),
        twice.len(),
        began.elapsed().as_secs_f64()
    );
}

//! `duban serve`: migrate, import the seeds, listen, and shut down gracefully.

use crate::infra::config::ServeArgs;
use crate::infra::connections;
use crate::infra::database::Database;
use crate::workflows::{accounts, importer};
use crate::{db, web};
use anyhow::Context;
use tokio::net::TcpListener;

/// How long requests in flight may run on after a shutdown signal: the process must be gone
/// within 10 s of SIGTERM, and closing the pool (and a private cluster) follows.
const DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(6);

pub async fn serve(
    database: &Database,
    args: &ServeArgs,
    shutdown: Shutdown,
) -> anyhow::Result<()> {
    let pool = &database.pool;
    db::MIGRATOR.run(pool).await.context("数据库迁移失败")?;
    if args.seeds_dir.is_dir() {
        for (prepared, outcome) in importer::import_seeds(pool, &args.seeds_dir).await? {
            tracing::info!(source = %prepared.source_name, ?outcome, "seed checked");
        }
    } else {
        tracing::warn!(dir = %args.seeds_dir.display(), "seeds folder not found; nothing imported");
    }
    if let Some(password) = accounts::bootstrap_admin(pool).await? {
        print_first_login(&password);
    }
    let listener = TcpListener::bind(&args.bind)
        .await
        .with_context(|| format!("无法监听 {}", args.bind))?;
    let addr = listener.local_addr()?;
    let config = web::WebConfig {
        secure_cookies: args.secure_cookies,
        session_idle: std::time::Duration::from_secs(args.session_idle_hours * 3600),
        today: args.today,
        max_concurrency: max_concurrency(args, pool),
        trusted_proxies: args.trusted_proxies.clone(),
        public_host: args.public_url.as_ref().map(|u| u.authority.clone()),
        ..web::WebConfig::default()
    };
    let app = web::create_app(web::AppState::with_config(pool.clone(), config));
    let sweeper = tokio::spawn(sweep_expired_sessions(pool.clone()));
    let link_base = args
        .public_url
        .as_ref()
        .map_or_else(|| format!("http://{addr}"), |u| u.base.clone());
    let channels = args.notify.channels(&link_base)?;
    let notifier = tokio::spawn(deliver_notifications(
        pool.clone(),
        channels,
        std::time::Duration::from_secs(args.notify.notify_interval_secs),
        args.today,
    ));
    // The line scripts and tests wait for; printed once the socket accepts connections.
    println!("duban 已启动：http://{addr}");
    tracing::info!(%addr, "listening");
    let limits = connections::Limits {
        header_timeout: std::time::Duration::from_secs(args.header_timeout_secs),
        idle_timeout: std::time::Duration::from_secs(args.idle_timeout_secs),
        max_connections: args.max_connections as usize,
    };
    // On the signal the listener closes at once and requests in flight run to their end; a
    // client that never finishes its request is not waited for beyond DRAIN_LIMIT.
    let server = connections::serve(listener, app, limits, shutdown.clone());
    let drain_limit = async {
        shutdown.wait().await;
        tokio::time::sleep(DRAIN_LIMIT).await;
    };
    tokio::select! {
        () = server => {},
        () = drain_limit => {
            tracing::warn!(limit = ?DRAIN_LIMIT, "connections still open after the drain limit; closing them");
        }
    }
    sweeper.abort();
    notifier.abort();
    tracing::info!("HTTP server stopped");
    Ok(())
}

/// Requests handled at once: `DUBAN_MAX_CONCURRENCY` if set, else [`REQUESTS_PER_CONNECTION`]
/// per database connection.
fn max_concurrency(args: &ServeArgs, pool: &sqlx::PgPool) -> usize {
    let connections = pool.options().get_max_connections() as usize;
    args.max_concurrency
        .map_or(connections * REQUESTS_PER_CONNECTION, |n| n as usize)
}

/// Requests let in per database connection. A page holds its connection for a few
/// milliseconds of its work; with eight requests per connection the queue for one stays short
/// against the pool's acquire timeout (1 s), and beyond it requests are answered “busy” at
/// once instead of waiting and timing out.
pub const REQUESTS_PER_CONNECTION: usize = 8;

/// The first office login, printed once on the console (never logged).
fn print_first_login(password: &str) {
    let rule = "=".repeat(64);
    println!("{rule}");
    println!("首次启动：已创建办公室管理员账号 / first start: office account created");
    println!("  登录名 login:    admin");
    println!("  初始密码 password: {password}");
    println!("请立即登录并修改密码；此密码不会再次显示。");
    println!("Sign in and change it now; it will not be shown again.");
    println!("{rule}");
}

/// Deletes expired sessions now and then (any process may do it; the work is idempotent).
async fn sweep_expired_sessions(pool: sqlx::PgPool) {
    use tower_sessions::ExpiredDeletion;
    let store = tower_sessions_sqlx_store::PostgresStore::new(pool);
    if let Err(e) = store
        .continuously_delete_expired(std::time::Duration::from_secs(3600))
        .await
    {
        tracing::warn!(error = %e, "expired session sweeper stopped");
    }
}

/// Passes over the outbox now and then; nothing here touches a request. An error (the database
/// away) is logged and the next pass tries again.
async fn deliver_notifications(
    pool: sqlx::PgPool,
    channels: crate::workflows::notify::worker::Channels,
    every: std::time::Duration,
    today: Option<chrono::NaiveDate>,
) {
    loop {
        match crate::workflows::notify::pass::run(&pool, &channels, today).await {
            Ok((run, pass)) if run.ran || !pass.sent.is_empty() || !pass.failed.is_empty() => {
                tracing::info!(
                    reminders = run.reminders,
                    reminder_messages = run.messages,
                    sent = pass.sent.len(),
                    failed = pass.failed.len(),
                    "notifications delivered"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "notification pass failed"),
        }
        tokio::time::sleep(every).await;
    }
}

/// Ctrl-C or SIGTERM, listened for from the start of the process so that a signal during
/// start-up still leads to an orderly stop (and the private cluster is stopped too).
#[derive(Clone)]
pub struct Shutdown(tokio::sync::watch::Receiver<bool>);

impl Shutdown {
    pub fn install() -> Shutdown {
        let (tx, rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = tx.send(true);
        });
        Shutdown(rx)
    }

    pub fn requested(&self) -> bool {
        *self.0.borrow()
    }

    pub async fn wait(mut self) {
        let _ = self.0.wait_for(|requested| *requested).await;
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received");
}

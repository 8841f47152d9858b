//! The `duban` command line.

mod bench;
mod document;
mod import;
mod notify;
mod progress;
mod user;
mod with_db;

use crate::infra::config::{DbArgs, ServeArgs};
use crate::infra::database::Database;
use crate::infra::server::{self, Shutdown};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

const ENV_HELP: &str = "\
环境变量 / Environment:
  DATABASE_URL      PostgreSQL 地址;未设置时使用 DUBAN_DATA_DIR 下的内置数据库
  DUBAN_DATA_DIR    内置 PostgreSQL 的数据目录 (默认 ./var)
  DUBAN_BIND        serve 的监听地址 (默认 127.0.0.1:3000)
  DUBAN_SEEDS_DIR   serve 启动时导入的工作要点目录 (默认 ./seeds)
  DUBAN_SECURE_COOKIES      为 1 时会话 Cookie 带 Secure 标记(经 HTTPS 访问时)
  DUBAN_SESSION_IDLE_HOURS  会话闲置多少小时后失效 (默认 8)
  DUBAN_TODAY       红黄绿灯按此日期计算 (YYYY-MM-DD,用于演示和测试;默认当天)
  DUBAN_DB_POOL_SIZE     每个进程的数据库连接数上限（默认 16）
  DUBAN_MAX_CONCURRENCY  同时处理的请求数上限，超出时立即返回 503（默认为连接数的 8 倍）
  DUBAN_HEADER_TIMEOUT_SECS  客户端须在此秒数内发完请求头，否则断开连接（默认 10）
  DUBAN_IDLE_TIMEOUT_SECS    保持连接空闲多少秒后关闭（默认 60）
  DUBAN_MAX_CONNECTIONS      同时打开的客户端连接数上限，超出的在内核队列中等待（默认 1024）
  DUBAN_PUBLIC_URL  对外访问地址（如 https://duban.example.gov.cn）；设置后拒绝其他主机名的请求（/healthz 除外）
  DUBAN_TRUSTED_PROXIES  可信反向代理的 IP 地址或 CIDR 网段，逗号分隔；只有来自它们的请求才按 X-Forwarded-For 认定客户端地址（默认无）
  DUBAN_SMTP_URL    通知邮件的 SMTP 服务器（如 smtp://127.0.0.1:25、smtps://用户:密码@mail.example.gov.cn）；未设置时不发邮件
  DUBAN_MAIL_FROM   通知邮件的发件人（默认 duban@localhost）
  DUBAN_NOTIFY_INTERVAL_SECS  serve 每隔多少秒投递一次到期的通知（默认 15）
  DUBAN_NOTIFY_RETRY_SECS     投递失败后首次重试的等待秒数，此后每次加倍（默认 60）
  RUST_LOG          日志级别 (默认 duban=info,tower_http=info)";

/// 督办 duban: 工作要点落实情况督办系统
#[derive(Debug, Parser)]
#[command(name = "duban", version, about, after_help = ENV_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 启动 Web 服务：迁移数据库、导入 seeds/ 中尚未导入的工作要点、监听 DUBAN_BIND（默认命令）
    #[command(after_help = ENV_HELP)]
    Serve(ServeArgs),
    /// 只执行数据库迁移
    #[command(after_help = ENV_HELP)]
    Migrate,
    /// 解析并导入一份工作要点文件（同一事务中写入；已导入的文件不重复写入）
    #[command(after_help = ENV_HELP)]
    Import(import::ImportArgs),
    /// 用户管理：add、token、disable、enable、password
    #[command(subcommand, after_help = ENV_HELP)]
    User(user::UserCommand),
    /// 通知：投递到期的邮件和 Webhook（供以 cron 定时投递的部署使用）
    #[command(subcommand, after_help = ENV_HELP)]
    Notify(notify::NotifyCommand),
    /// 公文：写出一期通报的草稿（bulletin）
    #[command(subcommand, after_help = ENV_HELP)]
    Document(document::DocumentCommand),
    /// 生成演示数据：demo 为示例用户和 2022 年两个季度的进展情况；large 为性能测试用的大规模合成数据（已有报告时拒绝）
    #[command(after_help = ENV_HELP)]
    DemoData(DemoArgs),
    /// 性能测试：与上年比对（match_plans）在 N 项任务的两份合成工作要点上的用时
    #[command(hide = true)]
    BenchMatch(bench::BenchMatchArgs),
    /// 启动内置数据库，在 DATABASE_URL 指向它的环境中运行命令，结束后停止数据库（供测试脚本使用）
    #[command(after_help = ENV_HELP)]
    WithDb(with_db::WithDbArgs),
}

/// `duban demo-data`.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// demo: 供新用户浏览的示例数据；large: 300 份工作要点、10 万项任务、100 万份进展情况（性能测试用）
    #[arg(long, value_parser = ["demo", "large"], default_value = "demo")]
    pub scale: String,
    /// large 的缩小比例（测试用，如 0.001）
    #[arg(long, default_value_t = 1.0, hide = true)]
    pub fraction: f64,
    #[arg(long, env = "DUBAN_SEEDS_DIR", default_value = "seeds", hide = true)]
    pub seeds_dir: std::path::PathBuf,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{}", error_chain(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, leaving out causes already quoted by their parent
/// (sqlx and thiserror both repeat their source in their message).
fn error_chain(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !out.contains(&text) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
    }
    out
}

async fn demo_large(db: &DbArgs, args: &DemoArgs) -> anyhow::Result<ExitCode> {
    use crate::workflows::demo::large::{self, LargeScale};
    if !(args.fraction > 0.0 && args.fraction <= 1.0) {
        anyhow::bail!("--fraction 须在 0 和 1 之间");
    }
    let scale = if args.fraction == 1.0 {
        LargeScale::FULL
    } else {
        LargeScale::fraction(args.fraction)
    };
    let database = Database::open(db).await?;
    let result = async {
        crate::db::MIGRATOR.run(&database.pool).await?;
        let bar = progress::steps(large::STEPS.len() as u64, "生成合成数据");
        let step = |name: &'static str| progress::step(&bar, name);
        let done = large::generate_with(&database.pool, scale, &step).await;
        bar.finish_and_clear();
        done
    }
    .await;
    database.close().await;
    let done = result?;
    println!(
        "已生成合成数据（用时 {:.1} 秒）：工作要点 {} 份、部分 {} 个、小节 {} 个、任务 {} 项、\
         责任分工 {} 条、单位 {} 个、用户 {} 个、进展情况 {} 份、审核记录 {} 条。",
        done.seconds,
        done.plans,
        done.sections,
        done.subsections,
        done.tasks,
        done.task_units,
        done.units,
        done.users,
        done.reports,
        done.events
    );
    println!(
        "账号(密码均为 {}):办公室 large-office,领导 large-leader,联络员 large-u00010 起",
        large::LARGE_PASSWORD
    );
    Ok(ExitCode::SUCCESS)
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("duban=info,tower_http=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let command = match cli.command {
        Some(command) => command,
        None => Command::Serve(ServeArgs::from_env()?),
    };
    match command {
        Command::Serve(args) => {
            let shutdown = Shutdown::install();
            let database = Database::open_for_serving(&cli.db).await?;
            let result = if shutdown.requested() {
                Ok(())
            } else {
                server::serve(&database, &args, shutdown).await
            };
            database.close().await;
            result?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let database = Database::open(&cli.db).await?;
            let result = crate::db::MIGRATOR.run(&database.pool).await;
            database.close().await;
            result?;
            println!("数据库迁移完成");
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(args) => import::run(&cli.db, &args).await,
        Command::User(command) => user::run(&cli.db, &command).await,
        Command::Document(command) => document::run(&cli.db, &command).await,
        Command::BenchMatch(args) => bench::run(&args),
        Command::Notify(command) => notify::run(&cli.db, &command).await,
        Command::DemoData(args) if args.scale == "large" => demo_large(&cli.db, &args).await,
        Command::DemoData(args) => {
            let database = Database::open(&cli.db).await?;
            let result = async {
                crate::db::MIGRATOR.run(&database.pool).await?;
                crate::workflows::demo::generate(&database.pool, &args.seeds_dir).await
            }
            .await;
            database.close().await;
            let done = result?;
            println!(
                "已生成演示数据：进展情况 {} 份（采纳 {}，退回 {}），办结任务 {} 项。",
                done.reports, done.accepted, done.returned, done.closed
            );
            println!(
                "演示账号（密码均为 {}）：{}",
                crate::workflows::demo::DEMO_PASSWORD,
                done.users.join("、")
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::WithDb(args) => with_db::run(&cli.db, &args).await,
    }
}

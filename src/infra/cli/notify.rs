//! `duban notify run-once [--dry-run]`: one pass over the outbox from the command line, for
//! deployments that deliver by cron rather than from `duban serve`.

use crate::infra::config::{DbArgs, NotifyArgs};
use crate::infra::database::Database;
use crate::workflows::notify::{reminders, worker};
use anyhow::Context;
use clap::{Args, Subcommand};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Subcommand)]
pub enum NotifyCommand {
    /// 投递一次到期的通知（邮件、Webhook），并打印投递结果
    RunOnce(RunOnceArgs),
}

#[derive(Debug, Clone, Args)]
pub struct RunOnceArgs {
    /// 只列出将要投递的通知，不发送、不改动任何记录
    #[arg(long)]
    pub dry_run: bool,
    /// 邮件中链接的前缀（对外访问地址）
    #[arg(
        long = "public-url",
        env = "DUBAN_PUBLIC_URL",
        default_value = "http://127.0.0.1:3000"
    )]
    pub public_url: String,
    /// 按此日期计算报送提醒（YYYY-MM-DD，用于演示和测试）；未设置时为今天，8时前不发提醒
    #[arg(long, env = "DUBAN_TODAY")]
    pub today: Option<chrono::NaiveDate>,
    #[command(flatten)]
    pub notify: NotifyArgs,
}

pub async fn run(db_args: &DbArgs, command: &NotifyCommand) -> anyhow::Result<ExitCode> {
    let NotifyCommand::RunOnce(args) = command;
    let channels = args.notify.channels(&args.public_url)?;
    let database = Database::open(db_args).await?;
    let result = async {
        crate::db::MIGRATOR
            .run(&database.pool)
            .await
            .context("数据库迁移失败")?;
        let pool = &database.pool;
        let day =
            crate::rules::reminders::day_to_remind(chrono::Local::now().naive_local(), args.today);
        if args.dry_run {
            if let Some(day) = day {
                let t = Instant::now();
                let run = reminders::preview(pool, day).await?;
                print_reminders(day, &run, "将生成", t.elapsed());
            }
            let due = crate::db::notices::peek(pool, 10_000).await?;
            for d in &due {
                println!("待投递 {} {} {}", d.channel, d.address, d.title);
            }
            println!("共 {} 条待投递（未发送）", due.len());
            return Ok::<_, anyhow::Error>(ExitCode::SUCCESS);
        }
        match day {
            Some(day) => {
                let t = Instant::now();
                let run = reminders::run_for_day(pool, day).await?;
                print_reminders(day, &run, "已生成", t.elapsed());
            }
            None => println!("报送提醒于每天{}时后生成", crate::rules::reminders::HOUR),
        }
        let t = Instant::now();
        let pass = worker::run_once(pool, &channels).await?;
        for line in &pass.sent {
            println!("已投递 {line}");
        }
        for line in &pass.failed {
            println!("未投递 {line}");
        }
        println!(
            "已投递 {} 条，失败 {} 条（用时 {:.2} 秒）",
            pass.sent.len(),
            pass.failed.len(),
            t.elapsed().as_secs_f64()
        );
        Ok(ExitCode::SUCCESS)
    }
    .await;
    database.close().await;
    result
}

fn print_reminders(day: chrono::NaiveDate, run: &reminders::Run, done: &str, took: Duration) {
    if run.ran {
        println!(
            "{}的报送提醒：{done} {} 条提醒，{} 条消息（用时 {:.2} 秒）",
            day.format("%Y年%-m月%-d日"),
            run.reminders,
            run.messages,
            took.as_secs_f64()
        );
    } else {
        println!("{}的报送提醒此前已生成", day.format("%Y年%-m月%-d日"));
    }
}

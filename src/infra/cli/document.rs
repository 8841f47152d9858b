//! `duban document bulletin --edition ID --output FILE`: an edition's 通报 draft written to a
//! file, for offices that script their period's end beside `POST /api/v1/plans/{id}/editions`
//! (and for the benchmark, which times it on the largest plan).

use crate::infra::config::DbArgs;
use crate::infra::database::Database;
use crate::workflows::documents::{self, Content};
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, Clone, Subcommand)]
pub enum DocumentCommand {
    /// 写出一期通报的草稿（Word 文件；已编号印发的，写出印发时的文件）
    Bulletin(BulletinArgs),
}

#[derive(Debug, Clone, Args)]
pub struct BulletinArgs {
    /// 通报的编号（editions 的 id，见“通报”页面的地址）
    #[arg(long)]
    pub edition: i64,
    /// 写入的文件
    #[arg(long)]
    pub output: PathBuf,
}

pub async fn run(db_args: &DbArgs, command: &DocumentCommand) -> anyhow::Result<ExitCode> {
    let DocumentCommand::Bulletin(args) = command;
    let database = Database::open(db_args).await?;
    let result = async {
        let pool = &database.pool;
        let t = Instant::now();
        let Some(row) = crate::db::editions::get(pool, args.edition).await? else {
            bail!("没有编号为 {} 的通报", args.edition);
        };
        let issued = crate::db::documents::for_subject(pool, row.plan_id, "bulletin", row.id)
            .await?
            .into_iter()
            .next();
        let (bytes, what) = match issued {
            Some(d) => (
                crate::db::documents::body(pool, d.id)
                    .await?
                    .unwrap_or_default(),
                format!("已印发的通报（{}）", d.doc_number),
            ),
            None => {
                let draft = documents::bulletin_draft(pool, &row)
                    .await?
                    .context("该期通报的快照无法读取")?;
                let quoted = draft.sources.len();
                let content = Content::Bulletin(draft);
                let today = chrono::Local::now().date_naive();
                (
                    content.draft(today)?,
                    format!("通报草稿（引文 {quoted} 处）"),
                )
            }
        };
        std::fs::write(&args.output, &bytes)
            .with_context(|| format!("无法写入 {}", args.output.display()))?;
        println!(
            "{}{}：已写入 {}（{} KB，用时 {:.2} 秒）",
            row.title(),
            what,
            args.output.display(),
            bytes.len().div_ceil(1024),
            t.elapsed().as_secs_f64()
        );
        Ok(ExitCode::SUCCESS)
    }
    .await;
    database.close().await;
    result
}

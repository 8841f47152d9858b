//! `duban user …`: accounts for operators and scripts. Passwords are read from stdin (first
//! line) and never echoed; `token` prints the new token as the last line of stdout.

use crate::db::{self, audit::Actor};
use crate::infra::config::DbArgs;
use crate::infra::database::Database;
use crate::rules::auth::Role;
use crate::workflows::accounts::{self, NewUserInput, UnitRef};
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use std::io::BufRead;
use std::process::ExitCode;

#[derive(Debug, Clone, Subcommand)]
pub enum UserCommand {
    /// 新建用户；密码从标准输入的第一行读取
    Add(AddArgs),
    /// 为用户生成新的 API 令牌，令牌打印在标准输出的最后一行（只保存其摘要）
    Token { login: String },
    /// 停用用户（其会话和令牌随即失效）
    Disable { login: String },
    /// 重新启用用户
    Enable { login: String },
    /// 设置用户密码；新密码从标准输入的第一行读取
    Password { login: String },
}

#[derive(Debug, Clone, Args)]
pub struct AddArgs {
    pub login: String,
    /// office（办公室） | liaison（联络员） | unit_head（单位负责人） | leader（领导）
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    /// 所属单位（简称或全称），联络员和单位负责人必填
    #[arg(long)]
    pub unit: Option<String>,
    /// 姓名（默认同登录名）
    #[arg(long)]
    pub name: Option<String>,
    /// 电子邮箱（接收通知邮件）
    #[arg(long)]
    pub email: Option<String>,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "角色只能是 office、liaison、unit_head 或 leader".to_string())
}

fn read_password() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("无法从标准输入读取密码")?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        bail!("标准输入中没有密码（第一行应为密码）");
    }
    Ok(password)
}

fn cli_actor() -> Actor {
    let who = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    Actor {
        user_id: None,
        login: Some(format!("cli:{who}")),
        addr: Some("local".into()),
    }
}

pub async fn run(db_args: &DbArgs, command: &UserCommand) -> anyhow::Result<ExitCode> {
    // Read stdin before starting anything, so a missing password fails fast.
    let password = match command {
        UserCommand::Add(_) | UserCommand::Password { .. } => Some(read_password()?),
        _ => None,
    };
    let database = Database::open(db_args).await?;
    let result = run_with(&database, command, password).await;
    database.close().await;
    result
}

async fn find(pool: &sqlx::PgPool, login: &str) -> anyhow::Result<db::users::UserRow> {
    db::users::by_login(pool, &login.trim().to_lowercase())
        .await?
        .with_context(|| format!("没有登录名为“{login}”的用户"))
}

async fn run_with(
    database: &Database,
    command: &UserCommand,
    password: Option<String>,
) -> anyhow::Result<ExitCode> {
    let pool = &database.pool;
    db::MIGRATOR.run(pool).await.context("数据库迁移失败")?;
    let actor = cli_actor();
    match command {
        UserCommand::Add(a) => {
            let unit = a.unit.clone().map_or(UnitRef::None, UnitRef::Name);
            let id = accounts::create_user(
                pool,
                &actor,
                NewUserInput {
                    login: a.login.clone(),
                    display_name: a.name.clone(),
                    role: a.role,
                    unit,
                    password: password.unwrap_or_default(),
                    must_change_password: false,
                    email: a.email.clone(),
                },
            )
            .await?;
            println!(
                "已创建用户 {}（编号 {id}，角色 {}）",
                a.login.trim().to_lowercase(),
                a.role.label()
            );
        }
        UserCommand::Token { login } => {
            let user = find(pool, login).await?;
            let token = accounts::create_token(pool, &actor, user.id).await?;
            println!(
                "已为 {} 生成 API 令牌（只显示这一次，请妥善保存）：",
                user.login
            );
            println!("{}", token.secret);
        }
        UserCommand::Disable { login } => {
            let user = find(pool, login).await?;
            accounts::set_active(pool, &actor, user.id, false).await?;
            println!("已停用用户 {}", user.login);
        }
        UserCommand::Enable { login } => {
            let user = find(pool, login).await?;
            accounts::set_active(pool, &actor, user.id, true).await?;
            println!("已启用用户 {}", user.login);
        }
        UserCommand::Password { login } => {
            let user = find(pool, login).await?;
            accounts::set_password(pool, &actor, user.id, &password.unwrap_or_default()).await?;
            println!("已更新用户 {} 的密码", user.login);
        }
    }
    Ok(ExitCode::SUCCESS)
}

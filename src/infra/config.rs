//! Settings read from the command line and the environment (shown by `--help`).

use clap::Args;
use std::path::PathBuf;

/// Where the database is.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// PostgreSQL URL. Unset: duban runs its own private cluster under DUBAN_DATA_DIR.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,
    /// Folder of the private PostgreSQL cluster used when DATABASE_URL is unset.
    #[arg(long, env = "DUBAN_DATA_DIR", default_value = "var", global = true)]
    pub data_dir: PathBuf,
}

/// How `serve` listens and what it loads.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "DUBAN_BIND", default_value = "127.0.0.1:3000")]
    pub bind: String,
    /// Folder of plan documents (*.md) imported at start when not yet in the database.
    #[arg(long, env = "DUBAN_SEEDS_DIR", default_value = "seeds")]
    pub seeds_dir: PathBuf,
    /// Mark the session cookie `Secure` (set to 1 when duban is reached over HTTPS).
    #[arg(long, env = "DUBAN_SECURE_COOKIES", default_value = "0",
          value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::Set)]
    pub secure_cookies: bool,
    /// Hours of inactivity after which a session ends.
    #[arg(long, env = "DUBAN_SESSION_IDLE_HOURS", default_value = "8",
          value_parser = clap::value_parser!(u64).range(1..=720))]
    pub session_idle_hours: u64,
    /// The date the lights are judged on, YYYY-MM-DD (for demos and tests on past plans).
    #[arg(long, env = "DUBAN_TODAY")]
    pub today: Option<chrono::NaiveDate>,
    /// Requests handled at once; more are answered 503 at once instead of queueing.
    #[arg(long, env = "DUBAN_MAX_CONCURRENCY", default_value = "512",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_concurrency: u32,
    /// Reverse proxies whose X-Forwarded-For names the client: comma-separated IP addresses
    /// or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8,fd00::/8). Only a request from one of them
    /// has its client address (for the sign-in lock and the audit log) taken from the header,
    /// the rightmost address there that is not itself a trusted proxy. Unset: none.
    #[arg(long, env = "DUBAN_TRUSTED_PROXIES", default_value = "",
          value_parser = crate::web::proxies::TrustedProxies::parse)]
    pub trusted_proxies: crate::web::proxies::TrustedProxies,
}

impl ServeArgs {
    /// The settings from the environment alone, for a bare `duban` (which serves as
    /// `duban serve` does, and must not ignore DUBAN_* settings, a malformed one least of all).
    pub fn from_env() -> Result<ServeArgs, clap::Error> {
        #[derive(clap::Parser)]
        struct EnvOnly {
            #[command(flatten)]
            args: ServeArgs,
        }
        <EnvOnly as clap::Parser>::try_parse_from(["duban"]).map(|e| e.args)
    }
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            bind: "127.0.0.1:3000".into(),
            seeds_dir: PathBuf::from("seeds"),
            secure_cookies: false,
            session_idle_hours: 8,
            today: None,
            max_concurrency: 512,
            trusted_proxies: Default::default(),
        }
    }
}

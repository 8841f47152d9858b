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
    /// Connections to PostgreSQL this process keeps at most; `serve` handles 8 requests at once
    /// per connection (DUBAN_MAX_CONCURRENCY overrides that).
    #[arg(long, env = "DUBAN_DB_POOL_SIZE", default_value_t = crate::db::DEFAULT_POOL_SIZE,
          value_parser = clap::value_parser!(u32).range(1..=1000), global = true)]
    pub db_pool_size: u32,
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
    /// Default: 8 per database connection (DUBAN_DB_POOL_SIZE), so that the requests let in
    /// wait for a connection briefly rather than past the pool's acquire timeout.
    #[arg(long, env = "DUBAN_MAX_CONCURRENCY",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_concurrency: Option<u32>,
    /// Reverse proxies whose X-Forwarded-For names the client: comma-separated IP addresses
    /// or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8,fd00::/8). Only a request from one of them
    /// has its client address (for the sign-in lock and the audit log) taken from the header,
    /// the rightmost address there that is not itself a trusted proxy. Unset: none.
    #[arg(long, env = "DUBAN_TRUSTED_PROXIES", default_value = "",
          value_parser = crate::web::proxies::TrustedProxies::parse)]
    pub trusted_proxies: crate::web::proxies::TrustedProxies,
    /// Seconds a client has to send a whole request head, from connecting or from its first
    /// byte after an answer; then the connection is closed.
    #[arg(long, env = "DUBAN_HEADER_TIMEOUT_SECS", default_value = "10",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout_secs: u64,
    /// Seconds a kept-alive connection may sit idle between requests before it is closed.
    #[arg(long, env = "DUBAN_IDLE_TIMEOUT_SECS", default_value = "60",
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub idle_timeout_secs: u64,
    /// Client connections open at once; further ones wait in the kernel's backlog.
    #[arg(long, env = "DUBAN_MAX_CONNECTIONS", default_value = "1024",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,
    /// The externally visible base URL (e.g. https://duban.example.gov.cn). Set, requests for
    /// any other host are refused (400), /healthz excepted; unset, any host is served.
    #[arg(long, env = "DUBAN_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<PublicUrl>,
    #[command(flatten)]
    pub notify: NotifyArgs,
}

/// Where notifications go out (e-mail; webhooks are set per unit in duban itself).
#[derive(Debug, Clone, Args)]
pub struct NotifyArgs {
    /// The SMTP server for notification mail: smtp://host:port (plain, or STARTTLS when the
    /// server offers it), smtps://user:password@host:465 (TLS). Unset: no mail is sent; mail
    /// waits in the outbox.
    #[arg(long, env = "DUBAN_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of notification mail, e.g. `督办系统 <duban@example.gov.cn>`.
    #[arg(long, env = "DUBAN_MAIL_FROM", default_value = "duban@localhost")]
    pub mail_from: String,
    /// Seconds between two passes of the outbox in `serve`.
    #[arg(long, env = "DUBAN_NOTIFY_INTERVAL_SECS", default_value = "15",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub notify_interval_secs: u64,
    /// Seconds before the first retry of a failed delivery; each further one waits twice as long.
    #[arg(long, env = "DUBAN_NOTIFY_RETRY_SECS", default_value = "60",
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub notify_retry_secs: u64,
    /// Seconds a claimed delivery is held by the process sending it; a delivery whose process
    /// died before confirming it is sent again (same Message-ID) once this has passed. Keep it
    /// well above the time 200 deliveries (one claim) take to send, or another process may
    /// send some of them again.
    #[arg(long, env = "DUBAN_NOTIFY_LEASE_SECS", default_value = "300",
          value_parser = clap::value_parser!(u64).range(5..=86_400))]
    pub notify_lease_secs: u64,
}

impl Default for NotifyArgs {
    fn default() -> Self {
        NotifyArgs {
            smtp_url: None,
            mail_from: "duban@localhost".into(),
            notify_interval_secs: 15,
            notify_retry_secs: 60,
            notify_lease_secs: 300,
        }
    }
}

impl NotifyArgs {
    /// The channels, with links based on `public_url`.
    pub fn channels(
        &self,
        public_url: &str,
    ) -> anyhow::Result<crate::workflows::notify::worker::Channels> {
        crate::workflows::notify::worker::Channels::new(
            self.smtp_url.as_deref(),
            &self.mail_from,
            public_url,
            std::time::Duration::from_secs(self.notify_retry_secs),
            std::time::Duration::from_secs(self.notify_lease_secs),
        )
        .map_err(anyhow::Error::msg)
    }
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

/// `DUBAN_PUBLIC_URL`: the base URL users reach duban at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// The URL as given, without a trailing slash (for links in e-mails).
    pub base: String,
    /// `host` or `host:port` as a client sends it in `Host`, lower case; the scheme's default
    /// port is left out.
    pub authority: String,
}

fn parse_public_url(s: &str) -> Result<PublicUrl, String> {
    let wrong = || format!("{s:?} 不是有效的网址（应为 https://主机[：端口]）");
    let uri: axum::http::Uri = s.trim().parse().map_err(|_| wrong())?;
    let scheme = uri.scheme_str().ok_or_else(wrong)?;
    if !matches!(scheme, "http" | "https") {
        return Err(wrong());
    }
    let authority = uri.authority().ok_or_else(wrong)?;
    if authority.as_str().contains('@') || authority.host().is_empty() {
        return Err(wrong());
    }
    let host = authority.host().to_ascii_lowercase();
    let default_port = if scheme == "https" { 443 } else { 80 };
    let authority = match authority.port_u16() {
        Some(p) if p != default_port => format!("{host}:{p}"),
        _ => host,
    };
    Ok(PublicUrl {
        base: s.trim().trim_end_matches('/').to_string(),
        authority,
    })
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            bind: "127.0.0.1:3000".into(),
            seeds_dir: PathBuf::from("seeds"),
            secure_cookies: false,
            session_idle_hours: 8,
            today: None,
            max_concurrency: None,
            trusted_proxies: Default::default(),
            header_timeout_secs: 10,
            idle_timeout_secs: 60,
            max_connections: 1024,
            public_url: None,
            notify: NotifyArgs::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_public_url;

    #[test]
    fn public_url_gives_the_host_clients_send() {
        let cases = [
            ("https://duban.example.gov.cn", "duban.example.gov.cn"),
            ("https://Duban.Example.gov.cn/", "duban.example.gov.cn"),
            ("https://duban.example.gov.cn:443/", "duban.example.gov.cn"),
            ("http://duban.example.gov.cn:80", "duban.example.gov.cn"),
            (
                "https://duban.example.gov.cn:8443",
                "duban.example.gov.cn:8443",
            ),
            ("http://10.1.2.3:3000/duban", "10.1.2.3:3000"),
        ];
        for (url, authority) in cases {
            assert_eq!(parse_public_url(url).unwrap().authority, authority, "{url}");
        }
        assert_eq!(
            parse_public_url("https://duban.example.gov.cn/")
                .unwrap()
                .base,
            "https://duban.example.gov.cn"
        );
    }

    #[test]
    fn public_url_must_be_an_http_url_with_a_host() {
        for url in [
            "",
            "duban.example.gov.cn",
            "/duban",
            "ftp://duban.example.gov.cn",
            "https://user@duban.example.gov.cn",
            "https://",
        ] {
            assert!(parse_public_url(url).is_err(), "{url:?}");
        }
    }
}

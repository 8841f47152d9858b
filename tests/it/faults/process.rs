//! The real duban binary, serving on a free port against a given database.

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

pub struct Duban {
    child: tokio::process::Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// `127.0.0.1:PORT`
    pub addr: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Duban {
    /// Starts `duban serve` and waits for its `duban 已启动: http://ADDR` line.
    pub async fn start(database_url: &str) -> Duban {
        Duban::start_with(database_url, &[]).await
    }

    /// Starts `duban serve` with these settings besides.
    pub async fn start_with(database_url: &str, settings: &[(&str, &str)]) -> Duban {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("duban.log");
        let stderr = std::fs::File::create(&log).expect("log file");
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_duban"))
            .arg("serve")
            .current_dir(dir.path())
            .env("DATABASE_URL", database_url)
            .env("DUBAN_BIND", "127.0.0.1:0")
            .env("DUBAN_SEEDS_DIR", crate::common::seeds())
            .env("RUST_LOG", "duban=warn")
            .envs(settings.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .expect("spawn duban");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let addr = tokio::time::timeout(Duration::from_secs(60), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(addr) = line.trim().strip_prefix("duban 已启动：http://") {
                    return Some(addr.to_string());
                }
            }
            None
        })
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| {
            panic!(
                "duban did not start: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        });
        // Keep reading, so that the pipe never fills.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Duban {
            child,
            base: format!("http://{addr}"),
            addr,
            log,
            _dir: dir,
        }
    }

    pub fn pid(&self) -> Pid {
        Pid::from_raw(self.child.id().expect("running") as i32)
    }

    pub fn terminate(&self) {
        kill(self.pid(), Signal::SIGTERM).expect("SIGTERM");
    }

    /// Still the same process, running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The exit status, if it exits within `limit`.
    pub async fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        tokio::time::timeout(limit, self.child.wait())
            .await
            .ok()
            .and_then(Result::ok)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

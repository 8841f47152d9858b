//! A private PostgreSQL cluster under duban's data folder, used when
//! `DATABASE_URL` is unset. It listens only on a Unix socket in that folder.
//!
//! Layout of the data folder `D`: `D/duban.lock` (flock held while running),
//! `D/pgdata/` (PGDATA), `D/run/` (socket directory), `D/postgresql.log`.
//!
//! The lock guards starting a cluster, not connecting to one: `duban serve` owns the
//! cluster it starts, and a command run beside it (`duban user add`, `import`, …) attaches to
//! that cluster through its socket ([`EmbeddedPostgres::start_or_attach`]) and leaves it running.

mod bins;
mod error;
mod fsprep;
mod process;

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::unistd::Pid;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgSslMode};

pub use error::EmbeddedError;
use fsprep::{DirLock, RunAs};

/// The database duban itself uses inside the cluster.
pub const DATABASE: &str = "duban";

const PORT: u16 = 5432;
const SUPERUSER: &str = "postgres";
/// `sun_path` holds 108 bytes including the terminating NUL.
const MAX_SOCKET_PATH: usize = 107;
const START_TIMEOUT: Duration = Duration::from_secs(60);
const LOG_TAIL_LINES: usize = 20;

/// A running private cluster; stopped by [`EmbeddedPostgres::stop`] or, best effort, on drop.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    child: Option<Child>,
    socket_dir: PathBuf,
    log_path: PathBuf,
    // Released (by its own Drop) only after our Drop has stopped the child.
    _lock: DirLock,
}

impl EmbeddedPostgres {
    /// Starts (creating on first use) the cluster under `data_dir`; refused while another
    /// duban process owns it.
    pub async fn start(data_dir: &Path) -> Result<Self, EmbeddedError> {
        Self::open(data_dir, false).await
    }

    /// Starts the cluster under `data_dir`, or, while another duban process owns it (a
    /// running `duban serve`), connects to that one through its socket. An attached cluster
    /// is the owner's to stop: [`EmbeddedPostgres::stop`] and drop leave it running.
    pub async fn start_or_attach(data_dir: &Path) -> Result<Self, EmbeddedError> {
        Self::open(data_dir, true).await
    }

    /// Whether this process started the cluster (and will stop it).
    pub fn owned(&self) -> bool {
        self.child.is_some()
    }

    async fn open(data_dir: &Path, attach: bool) -> Result<Self, EmbeddedError> {
        let started = Instant::now();
        let dir = std::path::absolute(data_dir).map_err(EmbeddedError::io(
            "解析路径",
            "resolve the path",
            data_dir,
        ))?;
        let bins = bins::find()?;
        let run_as = fsprep::run_as()?;
        let socket_dir = dir.join("run");
        check_socket_path(&socket_dir)?;

        // Checked before creating anything, and again after (the umask may
        // have narrowed new parent folders).
        check_traversable(run_as.as_ref(), &dir)?;
        fsprep::ensure_dir(&dir, 0o755)?;
        check_traversable(
            run_as.as_ref(),
            &std::fs::canonicalize(&dir).unwrap_or(dir.clone()),
        )?;
        let lock = match DirLock::acquire(&dir) {
            Err(EmbeddedError::Locked { pid, .. }) if attach => {
                return Self::attach(&dir, socket_dir, pid).await;
            }
            other => other?,
        };
        let pgdata = dir.join("pgdata");
        let log_path = dir.join("postgresql.log");

        if let Some(pid) = process::orphan_postmaster(&pgdata) {
            tracing::warn!(%pid, "stopping a postgres left behind by an earlier duban");
            tokio::task::spawn_blocking(move || process::terminate(pid, || process::pid_gone(pid)))
                .await
                .map_err(|e| EmbeddedError::Stop {
                    pid: pid.as_raw(),
                    reason: e.to_string(),
                })??;
        }

        if !pgdata.join("PG_VERSION").is_file() {
            init_cluster(&bins.initdb, &dir, &pgdata, &log_path, run_as.as_ref()).await?;
        }

        fsprep::ensure_dir(&socket_dir, 0o700)?;
        fsprep::set_mode(&socket_dir, 0o700)?;
        if let Some(user) = &run_as {
            user.chown(&socket_dir)?;
        }

        let mut cmd = server_command(&bins.postgres, &dir, &log_path, run_as.as_ref())?;
        cmd.arg("-D")
            .arg(&pgdata)
            .arg("-k")
            .arg(&socket_dir)
            .args(["-h", "", "-p", &PORT.to_string()])
            .args(["-c", "unix_socket_permissions=0700"]);
        let child = cmd
            .spawn()
            .map_err(EmbeddedError::io("启动", "start", &bins.postgres))?;
        tracing::info!(pid = child.id(), dir = %dir.display(), "started embedded postgres");

        let mut this = Self {
            child: Some(child),
            socket_dir,
            log_path,
            _lock: lock,
        };
        if let Err(e) = this.wait_ready_and_create_db().await {
            if let Err(stop_err) = this.stop().await {
                tracing::warn!(error = %stop_err, "could not stop postgres after a failed start");
            }
            return Err(e);
        }
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis(),
            "embedded postgres is ready"
        );
        Ok(this)
    }

    /// The cluster another process owns: ready once its `duban` database accepts a connection
    /// (the owner may still be starting it, so this waits as long as a start would).
    async fn attach(
        dir: &Path,
        socket_dir: PathBuf,
        owner: Option<u32>,
    ) -> Result<Self, EmbeddedError> {
        let this = Self {
            child: None,
            socket_dir,
            log_path: dir.join("postgresql.log"),
            _lock: DirLock::none(),
        };
        let options = this.connect_options(DATABASE);
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let last_error = match tokio::time::timeout(
                Duration::from_secs(5),
                PgConnection::connect_with(&options),
            )
            .await
            {
                Ok(Ok(conn)) => {
                    let _ = conn.close().await;
                    tracing::info!(?owner, dir = %dir.display(), "attached to the running embedded postgres");
                    return Ok(this);
                }
                Ok(Err(e)) => e.to_string(),
                Err(_) => "connect timed out".to_owned(),
            };
            if Instant::now() >= deadline {
                return Err(EmbeddedError::AttachFailed {
                    dir: dir.to_path_buf(),
                    pid: owner,
                    last_error,
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Connect options for `database` over the socket, user postgres.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        // Without pgpass and with TLS off: the socket and trust auth need neither.
        PgConnectOptions::new_without_pgpass()
            .socket(&self.socket_dir)
            .port(PORT)
            .username(SUPERUSER)
            .database(database)
            .ssl_mode(PgSslMode::Disable)
    }

    /// A URL usable as DATABASE_URL by child processes, e.g.
    /// `postgres://postgres@localhost:5432/duban?host=%2Fabs%2Fpath%2Frun&sslmode=disable`.
    pub fn database_url(&self, database: &str) -> String {
        url_for(&self.socket_dir, database)
    }

    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// Fast shutdown (SIGINT to the child, wait up to 30 s, then SIGQUIT) and release the lock.
    pub async fn stop(mut self) -> Result<(), EmbeddedError> {
        let Some(child) = self.child.take() else {
            return Ok(());
        };
        let pid = child_pid(&child);
        let result = tokio::task::spawn_blocking(move || stop_child(child))
            .await
            .map_err(|e| EmbeddedError::Stop {
                pid: pid.as_raw(),
                reason: e.to_string(),
            })?;
        if result.is_ok() {
            tracing::info!(%pid, "stopped embedded postgres");
        }
        result
    }

    async fn wait_ready_and_create_db(&mut self) -> Result<(), EmbeddedError> {
        let deadline = Instant::now() + START_TIMEOUT;
        let options = self.connect_options("postgres");
        let mut conn = loop {
            if let Some(child) = &mut self.child {
                let exited = match child.try_wait() {
                    Ok(None) => None,
                    Ok(Some(status)) => Some(status.to_string()),
                    Err(e) => Some(format!("try_wait: {e}")),
                };
                if let Some(status) = exited {
                    self.child = None;
                    return Err(EmbeddedError::ExitedEarly {
                        status,
                        log_tail: process::log_tail(&self.log_path, LOG_TAIL_LINES),
                    });
                }
            }
            let last_error = match tokio::time::timeout(
                Duration::from_secs(5),
                PgConnection::connect_with(&options),
            )
            .await
            {
                Ok(Ok(conn)) => break conn,
                Ok(Err(e)) => e.to_string(),
                Err(_) => "connect timed out".to_owned(),
            };
            if Instant::now() >= deadline {
                return Err(EmbeddedError::StartTimeout {
                    secs: START_TIMEOUT.as_secs(),
                    last_error,
                    log_tail: process::log_tail(&self.log_path, LOG_TAIL_LINES),
                });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let create_err = |source| EmbeddedError::CreateDatabase {
            database: DATABASE.to_owned(),
            source,
        };
        let exists = crate::db::cluster::database_exists(&mut conn, DATABASE)
            .await
            .map_err(create_err)?;
        if !exists {
            crate::db::cluster::create_database(&mut conn, DATABASE)
                .await
                .map_err(create_err)?;
            tracing::info!(database = DATABASE, "created database");
        }
        // Closing cleanly is a nicety; the server is up either way.
        let _ = conn.close().await;
        Ok(())
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            let pid = child_pid(&child);
            match stop_child(child) {
                Ok(()) => tracing::info!(%pid, "stopped embedded postgres (on drop)"),
                Err(e) => tracing::warn!(error = %e, "could not stop embedded postgres on drop"),
            }
        }
    }
}

fn child_pid(child: &Child) -> Pid {
    Pid::from_raw(i32::try_from(child.id()).unwrap_or(i32::MAX))
}

fn stop_child(mut child: Child) -> Result<(), EmbeddedError> {
    let pid = child_pid(&child);
    process::terminate(pid, || !matches!(child.try_wait(), Ok(None)))
}

fn check_traversable(run_as: Option<&RunAs>, dir: &Path) -> Result<(), EmbeddedError> {
    match run_as.and_then(|user| user.first_blocking_dir(dir)) {
        Some(blocking) => Err(EmbeddedError::NotTraversable {
            dir: blocking,
            data_dir: dir.to_path_buf(),
        }),
        None => Ok(()),
    }
}

fn check_socket_path(socket_dir: &Path) -> Result<(), EmbeddedError> {
    let path = socket_dir.join(format!(".s.PGSQL.{PORT}"));
    let len = path.as_os_str().len();
    if len > MAX_SOCKET_PATH {
        return Err(EmbeddedError::SocketPathTooLong { path, len });
    }
    Ok(())
}

/// A server-binary command: log as stdout/stderr, own process group (so a
/// terminal Ctrl-C reaches only duban), and the postgres user when root.
fn server_command(
    program: &Path,
    dir: &Path,
    log_path: &Path,
    run_as: Option<&RunAs>,
) -> Result<Command, EmbeddedError> {
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o640)
        .open(log_path)
        .map_err(EmbeddedError::io("打开日志", "open the log", log_path))?;
    let log_err =
        log.try_clone()
            .map_err(EmbeddedError::io("打开日志", "open the log", log_path))?;
    let mut cmd = Command::new(program);
    cmd.current_dir(dir)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        .process_group(0);
    if let Some(user) = run_as {
        cmd.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    Ok(cmd)
}

/// initdb into a scratch folder and rename it into place, so an interrupted
/// initdb never leaves a half-made `pgdata`.
async fn init_cluster(
    initdb: &Path,
    dir: &Path,
    pgdata: &Path,
    log_path: &Path,
    run_as: Option<&RunAs>,
) -> Result<(), EmbeddedError> {
    let scratch = dir.join("pgdata.initdb");
    for stale in [pgdata, scratch.as_path()] {
        if stale.exists() {
            tracing::warn!(path = %stale.display(), "removing an unfinished cluster folder");
            std::fs::remove_dir_all(stale).map_err(EmbeddedError::io(
                "删除目录",
                "remove the directory",
                stale,
            ))?;
        }
    }
    fsprep::ensure_dir(&scratch, 0o700)?;
    if let Some(user) = run_as {
        user.chown(&scratch)?;
    }
    tracing::info!(pgdata = %pgdata.display(), "creating the embedded cluster (initdb)");
    let mut cmd = server_command(initdb, dir, log_path, run_as)?;
    cmd.arg("-D")
        .arg(&scratch)
        .args(["-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-locale"]);
    let status = tokio::process::Command::from(cmd)
        .status()
        .await
        .map_err(EmbeddedError::io("运行", "run", initdb))?;
    if !status.success() {
        return Err(EmbeddedError::Initdb {
            status: status.to_string(),
            log_tail: process::log_tail(log_path, LOG_TAIL_LINES),
        });
    }
    std::fs::rename(&scratch, pgdata).map_err(EmbeddedError::io("重命名", "rename", &scratch))
}

/// `postgres://postgres@localhost:5432/DB?host=SOCKET_DIR&sslmode=disable`, percent-encoded.
pub fn url_for(socket_dir: &Path, database: &str) -> String {
    use std::os::unix::ffi::OsStrExt;
    format!(
        "postgres://{SUPERUSER}@localhost:{PORT}/{}?host={}&sslmode=disable",
        percent_encode(database.as_bytes()),
        percent_encode(socket_dir.as_os_str().as_bytes()),
    )
}

/// RFC 3986 unreserved bytes stay; everything else becomes `%XX`.
fn percent_encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn database_url_parses_back_to_the_socket_dir() -> Result<(), sqlx::Error> {
        let dir = Path::new("/tmp/dü ban/a%b&c=d?e#f/run");
        let url = url_for(dir, "du ban");
        assert!(url.starts_with("postgres://postgres@localhost:5432/du%20ban?host=%2Ftmp%2Fd"));
        let opts = PgConnectOptions::from_str(&url)?;
        assert_eq!(opts.get_socket(), Some(&dir.to_path_buf()));
        assert_eq!(opts.get_database(), Some("du ban"));
        assert_eq!(opts.get_username(), SUPERUSER);
        assert_eq!(opts.get_port(), PORT);
        Ok(())
    }

    #[test]
    fn long_socket_paths_are_refused() {
        let ok = PathBuf::from(format!("/{}", "a".repeat(MAX_SOCKET_PATH - 15)));
        assert!(check_socket_path(&ok).is_ok());
        let long = PathBuf::from(format!("/{}", "a".repeat(MAX_SOCKET_PATH - 14)));
        assert!(matches!(
            check_socket_path(&long),
            Err(EmbeddedError::SocketPathTooLong { len: 108, .. })
        ));
    }
}

//! Stopping server processes (ours or an orphan) and reading the server log.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::EmbeddedError;

const FAST_SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
const IMMEDIATE_SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(50);

/// Fast shutdown (SIGINT), then immediate shutdown (SIGQUIT) after 30 s, and
/// SIGKILL only as a last resort. Blocking: call from `spawn_blocking` or Drop.
pub(crate) fn terminate(pid: Pid, mut gone: impl FnMut() -> bool) -> Result<(), EmbeddedError> {
    for (signal, grace) in [
        (Signal::SIGINT, FAST_SHUTDOWN_GRACE),
        (Signal::SIGQUIT, IMMEDIATE_SHUTDOWN_GRACE),
        (Signal::SIGKILL, IMMEDIATE_SHUTDOWN_GRACE),
    ] {
        if gone() {
            return Ok(());
        }
        if signal != Signal::SIGINT {
            tracing::warn!(%pid, ?signal, "postgres did not stop in time; escalating");
        }
        match kill(pid, signal) {
            Ok(()) => {}
            Err(Errno::ESRCH) => return Ok(()),
            Err(e) => {
                return Err(EmbeddedError::Stop {
                    pid: pid.as_raw(),
                    reason: e.to_string(),
                });
            }
        }
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if gone() {
                return Ok(());
            }
            std::thread::sleep(POLL);
        }
    }
    if gone() {
        return Ok(());
    }
    Err(EmbeddedError::Stop {
        pid: pid.as_raw(),
        reason: "still running after SIGKILL".to_owned(),
    })
}

/// Not running: no such process, or a zombie that only awaits reaping.
pub(crate) fn pid_gone(pid: Pid) -> bool {
    if kill(pid, None) == Err(Errno::ESRCH) {
        return true;
    }
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let state = s.rsplit_once(')')?.1.split_whitespace().next()?.to_owned();
            Some(state == "Z" || state == "X")
        })
        .unwrap_or(false)
}

/// The postmaster named by `pgdata/postmaster.pid` if it is still running on
/// this cluster (checked by its working directory, which the postmaster sets
/// to PGDATA), so a reused pid is never signalled.
pub(crate) fn orphan_postmaster(pgdata: &Path) -> Option<Pid> {
    let text = std::fs::read_to_string(pgdata.join("postmaster.pid")).ok()?;
    let pid = Pid::from_raw(text.lines().next()?.trim().parse().ok()?);
    if pid.as_raw() <= 0 || pid_gone(pid) {
        return None;
    }
    let cwd = std::fs::read_link(format!("/proc/{pid}/cwd")).ok()?;
    let pgdata = std::fs::canonicalize(pgdata).ok()?;
    (cwd == pgdata).then_some(pid)
}

/// The last `lines` lines of the log, for error messages.
pub(crate) fn log_tail(log: &Path, lines: usize) -> String {
    const MAX_BYTES: u64 = 16 * 1024;
    let read = || -> std::io::Result<String> {
        let mut f = std::fs::File::open(log)?;
        let len = f.metadata()?.len();
        f.seek(SeekFrom::Start(len.saturating_sub(MAX_BYTES)))?;
        let mut buf = Vec::new();
        f.read_to_end(&mut buf)?;
        Ok(String::from_utf8_lossy(&buf).into_owned())
    };
    match read() {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("（无法读取日志 / could not read {}: {e}）", log.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_last_lines() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let log = dir.path().join("x.log");
        let text: String = (1..=30).map(|i| format!("line {i}\n")).collect();
        std::fs::write(&log, text)?;
        let tail = log_tail(&log, 3);
        assert_eq!(tail, "line 28\nline 29\nline 30");
        Ok(())
    }

    #[test]
    fn terminates_a_plain_child() -> Result<(), Box<dyn std::error::Error>> {
        let mut child = std::process::Command::new("sleep").arg("60").spawn()?;
        let pid = Pid::from_raw(i32::try_from(child.id())?);
        terminate(pid, || !matches!(child.try_wait(), Ok(None)))?;
        Ok(())
    }
}

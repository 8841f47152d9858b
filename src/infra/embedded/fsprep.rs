//! The data folder: who runs the server, directory permissions, and the folder lock.

use std::ffi::CString;
use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use nix::unistd::{Gid, Uid, User};

use super::EmbeddedError;

/// The account the server processes run as when we are root (PostgreSQL refuses root).
#[derive(Debug, Clone)]
pub(crate) struct RunAs {
    pub uid: Uid,
    pub gid: Gid,
    groups: Vec<Gid>,
}

/// `None` when not root: the server then runs as ourselves.
pub(crate) fn run_as() -> Result<Option<RunAs>, EmbeddedError> {
    if !nix::unistd::geteuid().is_root() {
        return Ok(None);
    }
    let user = match User::from_name("postgres") {
        Ok(Some(u)) => u,
        Ok(None) => return Err(EmbeddedError::NoPostgresUser),
        Err(e) => {
            return Err(EmbeddedError::io(
                "查询用户",
                "look up the user",
                "postgres",
            )(e.into()));
        }
    };
    let groups = CString::new(user.name.as_str())
        .ok()
        .and_then(|name| nix::unistd::getgrouplist(&name, user.gid).ok())
        .unwrap_or_else(|| vec![user.gid]);
    Ok(Some(RunAs {
        uid: user.uid,
        gid: user.gid,
        groups,
    }))
}

impl RunAs {
    /// First existing directory from `/` down to `dir` that this user cannot enter.
    pub(crate) fn first_blocking_dir(&self, dir: &Path) -> Option<PathBuf> {
        let mut chain: Vec<&Path> = dir.ancestors().collect();
        chain.reverse();
        chain.into_iter().find_map(|d| {
            let ok = match std::fs::metadata(d) {
                Ok(m) if m.uid() == self.uid.as_raw() => m.mode() & 0o100 != 0,
                Ok(m) if self.groups.iter().any(|g| g.as_raw() == m.gid()) => m.mode() & 0o010 != 0,
                Ok(m) => m.mode() & 0o001 != 0,
                // Not there yet: we create it with mode 0755.
                Err(e) => e.kind() == std::io::ErrorKind::NotFound,
            };
            (!ok).then(|| d.to_path_buf())
        })
    }

    pub(crate) fn chown(&self, path: &Path) -> Result<(), EmbeddedError> {
        nix::unistd::chown(path, Some(self.uid), Some(self.gid))
            .map_err(|e| EmbeddedError::io("更改属主", "chown", path)(e.into()))
    }
}

/// Creates `dir` (and parents) with `mode` if missing; returns whether it was created.
pub(crate) fn ensure_dir(dir: &Path, mode: u32) -> Result<bool, EmbeddedError> {
    if dir.is_dir() {
        return Ok(false);
    }
    DirBuilder::new()
        .recursive(true)
        .mode(mode)
        .create(dir)
        .map_err(EmbeddedError::io("创建目录", "create the directory", dir))?;
    // The umask may have narrowed the mode.
    set_mode(dir, mode)?;
    Ok(true)
}

pub(crate) fn set_mode(path: &Path, mode: u32) -> Result<(), EmbeddedError> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(EmbeddedError::io("设置权限", "set permissions on", path))
}

/// Exclusive `flock` on `<dir>/duban.lock`, held for the handle's lifetime.
#[derive(Debug)]
pub(crate) struct DirLock(Option<Flock<File>>);

impl DirLock {
    /// No lock: held by a process that attached to another's cluster.
    pub(crate) fn none() -> Self {
        Self(None)
    }

    pub(crate) fn acquire(data_dir: &Path) -> Result<Self, EmbeddedError> {
        let path = data_dir.join("duban.lock");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o644)
            .open(&path)
            .map_err(EmbeddedError::io("打开锁文件", "open the lock file", &path))?;
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(mut locked) => {
                let pid = format!("{}\n", std::process::id());
                locked
                    .set_len(0)
                    .and_then(|()| locked.write_all(pid.as_bytes()))
                    .map_err(EmbeddedError::io(
                        "写入锁文件",
                        "write the lock file",
                        &path,
                    ))?;
                Ok(Self(Some(locked)))
            }
            Err((mut file, Errno::EWOULDBLOCK)) => {
                let mut text = String::new();
                let pid = file
                    .read_to_string(&mut text)
                    .ok()
                    .and_then(|_| text.trim().parse().ok());
                Err(EmbeddedError::Locked {
                    dir: data_dir.to_path_buf(),
                    pid,
                })
            }
            Err((_, e)) => Err(EmbeddedError::io("锁定", "lock", &path)(e.into())),
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        if let Some(locked) = self.0.take() {
            // Flock's own Drop panics if unlocking fails; keep the fd (and lock) instead.
            if let Err((locked, e)) = locked.unlock() {
                tracing::warn!(error = %e, "could not release duban.lock");
                std::mem::forget(locked);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_reports_holder_pid() -> Result<(), EmbeddedError> {
        let dir = tempfile::tempdir().map_err(EmbeddedError::io("创建", "create", "/tmp"))?;
        let first = DirLock::acquire(dir.path())?;
        match DirLock::acquire(dir.path()) {
            Err(EmbeddedError::Locked { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("expected Locked, got {other:?}"),
        }
        drop(first);
        DirLock::acquire(dir.path()).map(drop)
    }

    #[test]
    fn blocking_dir_is_found() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let inner = dir.path().join("a/b");
        std::fs::create_dir_all(&inner)?;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))?;
        std::fs::set_permissions(dir.path().join("a"), std::fs::Permissions::from_mode(0o700))?;
        let stranger = RunAs {
            uid: Uid::from_raw(54321),
            gid: Gid::from_raw(54321),
            groups: vec![Gid::from_raw(54321)],
        };
        if dir
            .path()
            .ancestors()
            .skip(1)
            .all(|d| std::fs::metadata(d).is_ok_and(|m| m.mode() & 0o001 != 0))
        {
            assert_eq!(
                stranger.first_blocking_dir(&inner),
                Some(dir.path().join("a"))
            );
        }
        Ok(())
    }
}

//! Finding the PostgreSQL server binaries already on the machine.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::EmbeddedError;

/// `initdb` and `postgres` from one installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServerBinaries {
    pub initdb: PathBuf,
    pub postgres: PathBuf,
}

/// PATH first, then the highest major version under `/usr/lib/postgresql`
/// (Debian keeps the server binaries off PATH).
pub(crate) fn find() -> Result<ServerBinaries, EmbeddedError> {
    let path_dirs = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    path_dirs
        .iter()
        .find_map(|d| in_dir(d))
        .or_else(|| in_versioned_root(Path::new("/usr/lib/postgresql")))
        .ok_or(EmbeddedError::NoServerBinaries)
}

fn in_dir(dir: &Path) -> Option<ServerBinaries> {
    let initdb = dir.join("initdb");
    let postgres = dir.join("postgres");
    (is_executable(&initdb) && is_executable(&postgres))
        .then_some(ServerBinaries { initdb, postgres })
}

/// `root/<version>/bin` with the numerically highest version ("16" > "9.6").
pub(crate) fn in_versioned_root(root: &Path) -> Option<ServerBinaries> {
    let mut versions: Vec<((u32, u32), PathBuf)> = std::fs::read_dir(root)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name();
            let version = parse_version(name.to_str()?)?;
            Some((version, e.path().join("bin")))
        })
        .collect();
    versions.sort_by_key(|v| std::cmp::Reverse(v.0));
    versions.iter().find_map(|(_, bin)| in_dir(bin))
}

fn parse_version(name: &str) -> Option<(u32, u32)> {
    let (major, minor) = name.split_once('.').unwrap_or((name, "0"));
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_install(root: &Path, version: &str, complete: bool) -> std::io::Result<()> {
        let bin = root.join(version).join("bin");
        std::fs::create_dir_all(&bin)?;
        let names: &[&str] = if complete {
            &["initdb", "postgres"]
        } else {
            &["initdb"]
        };
        for name in names {
            let p = bin.join(name);
            std::fs::write(&p, "")?;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755))?;
        }
        Ok(())
    }

    #[test]
    fn picks_highest_complete_major_numerically() -> std::io::Result<()> {
        let root = tempfile::tempdir()?;
        fake_install(root.path(), "9.6", true)?;
        fake_install(root.path(), "10", true)?;
        fake_install(root.path(), "15", true)?;
        fake_install(root.path(), "17", false)?;
        std::fs::create_dir_all(root.path().join("not-a-version/bin"))?;
        let found = in_versioned_root(root.path());
        assert_eq!(
            found.map(|b| b.postgres),
            Some(root.path().join("15/bin/postgres"))
        );
        Ok(())
    }

    #[test]
    fn none_when_root_missing() {
        assert_eq!(in_versioned_root(Path::new("/nonexistent/duban/pg")), None);
    }
}

//! Integration tests of the embedded cluster against the PostgreSQL server
//! binaries installed on this machine. Each test has its own data folder.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Instant;

use duban::infra::embedded::{EmbeddedError, EmbeddedPostgres};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A temp dir the postgres user can traverse (explicitly 0755), and
/// a not-yet-existing data folder inside it.
fn data_dir() -> std::io::Result<(tempfile::TempDir, PathBuf)> {
    let tmp = tempfile::tempdir_in("/tmp")?;
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755))?;
    let dir = tmp.path().join("var");
    Ok((tmp, dir))
}

async fn connect(pg: &EmbeddedPostgres, db: &str) -> Result<PgConnection, sqlx::Error> {
    PgConnection::connect_with(&pg.connect_options(db)).await
}

#[tokio::test]
async fn start_creates_cluster_and_database() -> TestResult {
    let (_tmp, dir) = data_dir()?;
    let t = Instant::now();
    let pg = EmbeddedPostgres::start(&dir).await?;
    eprintln!("first start (initdb): {:?}", t.elapsed());

    assert!(dir.join("pgdata/PG_VERSION").is_file());
    assert!(dir.join("duban.lock").is_file());
    assert!(dir.join("postgresql.log").is_file());
    assert_eq!(pg.socket_dir(), dir.join("run"));
    assert!(dir.join("run/.s.PGSQL.5432").exists());

    let mut conn = connect(&pg, "duban").await?;
    let (db, answer): (String, i32) = sqlx::query_as("SELECT current_database(), 40 + 2")
        .fetch_one(&mut conn)
        .await?;
    assert_eq!((db.as_str(), answer), ("duban", 42));
    conn.close().await?;
    pg.stop().await?;
    assert!(!dir.join("run/.s.PGSQL.5432").exists());
    Ok(())
}

#[tokio::test]
async fn restart_reuses_the_cluster() -> TestResult {
    let (_tmp, dir) = data_dir()?;
    let pg = EmbeddedPostgres::start(&dir).await?;
    let mut conn = connect(&pg, "duban").await?;
    sqlx::query("CREATE TABLE kept (v text)")
        .execute(&mut conn)
        .await?;
    sqlx::query("INSERT INTO kept VALUES ('still here')")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    pg.stop().await?;

    let t = Instant::now();
    let pg = EmbeddedPostgres::start(&dir).await?;
    eprintln!("warm restart: {:?}", t.elapsed());
    let mut conn = connect(&pg, "duban").await?;
    let v: String = sqlx::query_scalar("SELECT v FROM kept")
        .fetch_one(&mut conn)
        .await?;
    assert_eq!(v, "still here");
    conn.close().await?;
    pg.stop().await?;
    Ok(())
}

#[tokio::test]
async fn second_start_on_same_folder_is_refused() -> TestResult {
    let (_tmp, dir) = data_dir()?;
    let pg = EmbeddedPostgres::start(&dir).await?;

    match EmbeddedPostgres::start(&dir).await {
        Err(e @ EmbeddedError::Locked { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains(&std::process::id().to_string()), "{msg}");
            assert!(
                msg.contains("另一个 duban") && msg.contains("Another duban"),
                "{msg}"
            );
        }
        Err(e) => return Err(format!("expected the lock error, got: {e}").into()),
        Ok(_) => return Err("second start on the same folder succeeded".into()),
    }

    // The first server is untouched.
    let mut conn = connect(&pg, "duban").await?;
    let one: i32 = sqlx::query_scalar("SELECT 1").fetch_one(&mut conn).await?;
    assert_eq!(one, 1);
    conn.close().await?;
    pg.stop().await?;
    Ok(())
}

#[tokio::test]
async fn database_url_round_trips_and_connects() -> TestResult {
    let (_tmp, dir) = data_dir()?;
    let pg = EmbeddedPostgres::start(&dir).await?;
    let url = pg.database_url("duban");
    let opts = PgConnectOptions::from_str(&url)?;
    assert_eq!(opts.get_socket(), Some(&pg.socket_dir().to_path_buf()));
    assert_eq!(opts.get_database(), Some("duban"));

    let mut conn = PgConnection::connect(&url).await?;
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&mut conn)
        .await?;
    assert_eq!(db, "duban");
    conn.close().await?;
    pg.stop().await?;
    Ok(())
}

#[tokio::test]
async fn listens_on_the_socket_only() -> TestResult {
    let (_tmp, dir) = data_dir()?;
    let pg = EmbeddedPostgres::start(&dir).await?;
    let mut conn = connect(&pg, "postgres").await?;
    let listen: String = sqlx::query_scalar("SHOW listen_addresses")
        .fetch_one(&mut conn)
        .await?;
    assert_eq!(listen, "");
    let sockets: String = sqlx::query_scalar("SHOW unix_socket_directories")
        .fetch_one(&mut conn)
        .await?;
    assert_eq!(PathBuf::from(sockets), pg.socket_dir());
    let perms: String = sqlx::query_scalar("SHOW unix_socket_permissions")
        .fetch_one(&mut conn)
        .await?;
    assert_eq!(perms, "0700");
    conn.close().await?;
    pg.stop().await?;
    Ok(())
}

#[tokio::test]
async fn drop_stops_the_server_and_releases_the_lock() -> TestResult {
    let (_tmp, dir) = data_dir()?;
    let pg = EmbeddedPostgres::start(&dir).await?;
    drop(pg);
    assert!(!dir.join("pgdata/postmaster.pid").exists());
    let pg = EmbeddedPostgres::start(&dir).await?;
    pg.stop().await?;
    Ok(())
}

#[tokio::test]
async fn untraversable_folder_is_named_when_root() -> TestResult {
    if !nix::unistd::geteuid().is_root() {
        return Ok(());
    }
    let tmp = tempfile::tempdir_in("/tmp")?;
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o700))?;
    let dir = tmp.path().join("var");
    match EmbeddedPostgres::start(&dir).await {
        Err(EmbeddedError::NotTraversable { dir: blocking, .. }) => {
            assert_eq!(blocking, tmp.path());
            assert!(!dir.exists(), "nothing should be created past the check");
            Ok(())
        }
        Err(e) => Err(format!("expected NotTraversable, got: {e}").into()),
        Ok(_) => Err("started in a folder postgres cannot reach".into()),
    }
}

#[tokio::test]
async fn orphaned_server_is_stopped_before_start() -> TestResult {
    use std::os::unix::process::CommandExt;
    let (_tmp, dir) = data_dir()?;
    EmbeddedPostgres::start(&dir).await?.stop().await?;

    // Stands in for the postgres of a duban that was killed: running on our
    // cluster while nobody holds duban.lock.
    let bin = [
        "/usr/local/bin/postgres",
        "/usr/lib/postgresql/15/bin/postgres",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists())
    .ok_or("no postgres binary")?;
    let mut cmd = std::process::Command::new(bin);
    cmd.arg("-D")
        .arg(dir.join("pgdata"))
        .arg("-k")
        .arg(dir.join("run"))
        .args(["-h", ""])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0);
    if nix::unistd::geteuid().is_root() {
        let user = nix::unistd::User::from_name("postgres")?.ok_or("no postgres user")?;
        cmd.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    let mut orphan = cmd.spawn()?;
    let deadline = Instant::now() + std::time::Duration::from_secs(30);
    while !std::fs::read_to_string(dir.join("pgdata/postmaster.pid"))
        .is_ok_and(|s| s.contains("ready"))
    {
        if Instant::now() > deadline || orphan.try_wait()?.is_some() {
            return Err("stand-in orphan postgres did not come up".into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let pg = EmbeddedPostgres::start(&dir).await?;
    assert!(orphan.try_wait()?.is_some(), "the orphan is still running");
    let mut conn = connect(&pg, "duban").await?;
    let one: i32 = sqlx::query_scalar("SELECT 1").fetch_one(&mut conn).await?;
    assert_eq!(one, 1);
    conn.close().await?;
    pg.stop().await?;
    Ok(())
}

#[tokio::test]
async fn interrupted_initdb_is_redone() -> TestResult {
    let (_tmp, dir) = data_dir()?;
    // What a killed initdb can leave behind.
    std::fs::create_dir_all(dir.join("pgdata/base"))?;
    std::fs::create_dir_all(dir.join("pgdata.initdb/global"))?;
    let pg = EmbeddedPostgres::start(&dir).await?;
    assert!(dir.join("pgdata/PG_VERSION").is_file());
    assert!(!dir.join("pgdata.initdb").exists());
    let mut conn = connect(&pg, "duban").await?;
    sqlx::query("SELECT 1").execute(&mut conn).await?;
    conn.close().await?;
    pg.stop().await?;
    Ok(())
}

#[tokio::test]
async fn a_second_process_attaches_to_the_running_cluster_and_leaves_it_running() -> TestResult {
    let (_tmp, dir) = data_dir()?;
    let owner = EmbeddedPostgres::start(&dir).await?;
    assert!(owner.owned());

    let attached = EmbeddedPostgres::start_or_attach(&dir).await?;
    assert!(
        !attached.owned(),
        "the running cluster is joined, not started again"
    );
    let mut conn = connect(&attached, "duban").await?;
    sqlx::query("CREATE TABLE written_by_the_attached (x int)")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    attached.stop().await?;

    // The owner's cluster is still up, and holds what the attached process wrote.
    let mut conn = connect(&owner, "duban").await?;
    let found: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_tables WHERE tablename = 'written_by_the_attached'",
    )
    .fetch_one(&mut conn)
    .await?;
    assert_eq!(found, 1);
    conn.close().await?;
    owner.stop().await?;

    // With no owner left, start_or_attach starts (and owns) the cluster itself.
    let own = EmbeddedPostgres::start_or_attach(&dir).await?;
    assert!(own.owned());
    own.stop().await?;
    Ok(())
}

//! Bulk loading for the large synthetic data set: `COPY … FROM STDIN` in text format, with ids
//! reserved up front so that rows can refer to each other without a round trip per row.

use sqlx::PgConnection;
use sqlx::postgres::PgCopyIn;
use std::fmt::{self, Write as _};

/// Tables the generator fills, in dependency order (the only names formatted into SQL here).
pub const TABLES: &[&str] = &[
    "units",
    "plans",
    "sections",
    "subsections",
    "tasks",
    "users",
    "reports",
    "report_events",
];

/// Keeps other writers out of the tables while they are loaded (ids are reserved in blocks).
pub async fn lock_tables(conn: &mut PgConnection) -> sqlx::Result<()> {
    // Built at run time: the table list is formatted from `TABLES`, so that the tables locked
    // are always those the generator fills (a macro needs the list written out a second time).
    sqlx::query(&format!(
        "LOCK TABLE {}, task_units IN SHARE ROW EXCLUSIVE MODE",
        TABLES.join(", ")
    ))
    .execute(conn)
    .await
    .map(|_| ())
}

/// Reserves `n` consecutive ids of `table`'s identity column; returns the first.
pub async fn reserve_ids(conn: &mut PgConnection, table: &str, n: i64) -> sqlx::Result<i64> {
    debug_assert!(TABLES.contains(&table));
    let first = sqlx::query_scalar!(
        r#"SELECT nextval(pg_get_serial_sequence($1, 'id')) AS "first!""#,
        table,
    )
    .fetch_one(&mut *conn)
    .await?;
    if n > 1 {
        sqlx::query!(
            "SELECT setval(pg_get_serial_sequence($1, 'id'), $2)",
            table,
            first + n - 1,
        )
        .fetch_one(&mut *conn)
        .await?;
    }
    Ok(first)
}

/// Whether the database holds any report (real data the generators must not mix with).
pub async fn report_count(conn: &mut PgConnection) -> sqlx::Result<i64> {
    super::reports::count_all(conn).await
}

/// Fresh planner statistics and visibility map after a load, so the first pages are planned
/// on real numbers and index-only scans need no heap fetches.
pub async fn analyze(conn: &mut PgConnection) -> sqlx::Result<()> {
    // Built at run time: the table list is formatted from `TABLES` (as in `lock_tables`).
    sqlx::query(&format!(
        "VACUUM (ANALYZE) {}, task_units",
        TABLES.join(", ")
    ))
    .execute(conn)
    .await
    .map(|_| ())
}

/// Flush to the server once this much is buffered.
const CHUNK: usize = 1 << 20;

/// One `COPY target FROM STDIN` in progress; rows are written field by field.
pub struct Copier<'c> {
    copy: PgCopyIn<&'c mut PgConnection>,
    buf: String,
    first_field: bool,
    rows: u64,
}

/// Escapes text for COPY's text format while it is written.
struct Escaped<'a>(&'a mut String);

impl fmt::Write for Escaped<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            match c {
                '\\' => self.0.push_str("\\\\"),
                '\t' => self.0.push_str("\\t"),
                '\n' => self.0.push_str("\\n"),
                '\r' => self.0.push_str("\\r"),
                c => self.0.push(c),
            }
        }
        Ok(())
    }
}

impl<'c> Copier<'c> {
    /// `target` is `table (col, …)`, one of [`TABLES`] or `task_units`.
    pub async fn start(conn: &'c mut PgConnection, target: &str) -> sqlx::Result<Self> {
        // COPY is no query a macro can check, and its target (table and columns) varies.
        let copy = conn
            .copy_in_raw(&format!("COPY {target} FROM STDIN"))
            .await?;
        Ok(Copier {
            copy,
            buf: String::with_capacity(CHUNK + 4096),
            first_field: true,
            rows: 0,
        })
    }

    fn sep(&mut self) {
        if !self.first_field {
            self.buf.push('\t');
        }
        self.first_field = false;
    }

    /// A field; `None` is SQL NULL.
    pub fn field(&mut self, value: impl fmt::Display) -> &mut Self {
        self.sep();
        let _ = write!(Escaped(&mut self.buf), "{value}");
        self
    }

    pub fn opt(&mut self, value: Option<impl fmt::Display>) -> &mut Self {
        match value {
            Some(v) => self.field(v),
            None => {
                self.sep();
                self.buf.push_str("\\N");
                self
            }
        }
    }

    /// Ends the row and sends the buffer when it is full.
    pub async fn end_row(&mut self) -> sqlx::Result<()> {
        self.buf.push('\n');
        self.first_field = true;
        self.rows += 1;
        if self.buf.len() >= CHUNK {
            let chunk = std::mem::replace(&mut self.buf, String::with_capacity(CHUNK + 4096));
            self.copy.send(chunk.into_bytes()).await?;
        }
        Ok(())
    }

    /// Sends what is left and ends the COPY; returns the rows written.
    pub async fn finish(mut self) -> sqlx::Result<u64> {
        if !self.buf.is_empty() {
            let chunk = std::mem::take(&mut self.buf);
            self.copy.send(chunk.into_bytes()).await?;
        }
        let rows = self.rows;
        let copied = self.copy.finish().await?;
        debug_assert_eq!(copied, rows);
        Ok(copied)
    }
}

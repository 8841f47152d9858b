//! Importing plan documents: read the files, parse (pure), apply errata, write in one
//! transaction. Used by `duban import` and by `duban serve` for the documents in `seeds/`.

use crate::db;
use crate::rules::plan::{
    AppliedErratum, Errata, ErrataError, ParseError, Plan, UnitDirectoryError, UnitsFile,
    apply_errata, parse_plan,
};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use std::path::{Path, PathBuf};

/// The member-unit directory file, looked for beside a document and in the seeds folder.
pub const UNITS_FILE: &str = "units.toml";

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: 无法读取: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: 不是有效的 UTF-8 文本(第{line}行)")]
    NotUtf8 { path: String, line: usize },
    #[error("{path}:{}: {}", .error.line, .error.message)]
    Parse { path: String, error: ParseError },
    #[error("{path}: {error}")]
    Errata { path: String, error: ErrataError },
    #[error("{path}:{}: {}", .error.line, .error.message)]
    Units {
        path: String,
        error: UnitDirectoryError,
    },
    #[error(
        "{path}: 数据库中已有同一工作要点(“{title}”,编号 {plan_id}),但内容不同;未做任何更改。\
         如需更正,请使用勘误文件,或导入为新的文件。"
    )]
    DifferentContent {
        path: String,
        title: String,
        plan_id: i64,
    },
    #[error("数据库错误: {0}")]
    Db(#[from] sqlx::Error),
}

/// A document read from disk, with its errata (`NAME.errata.toml` beside `NAME.md`).
#[derive(Debug, Clone)]
pub struct Document {
    pub path: PathBuf,
    pub text: String,
    pub errata: Errata,
}

/// A document parsed and corrected, ready to write.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Prepared {
    pub source_name: String,
    pub source_sha256: String,
    pub plan: Plan,
    pub errata: Vec<AppliedErratum>,
}

#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Imported {
        plan_id: i64,
        units_created: Vec<String>,
    },
    AlreadyPresent {
        plan_id: i64,
    },
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

pub fn errata_path(doc: &Path) -> PathBuf {
    doc.with_extension("errata.toml")
}

pub fn read_document(path: &Path) -> Result<Document, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: display(path),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| ImportError::NotUtf8 {
        path: display(path),
        line: e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1,
    })?;
    let errata_file = errata_path(path);
    let errata = match std::fs::read_to_string(&errata_file) {
        Ok(t) => Errata::parse(&t).map_err(|error| ImportError::Errata {
            path: display(&errata_file),
            error,
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Errata::default(),
        Err(source) => {
            return Err(ImportError::Io {
                path: display(&errata_file),
                source,
            });
        }
    };
    Ok(Document {
        path: path.to_path_buf(),
        text,
        errata,
    })
}

/// Parses and corrects a document. Pure: no I/O.
pub fn prepare(doc: &Document) -> Result<Prepared, ImportError> {
    let mut plan = parse_plan(&doc.text).map_err(|error| ImportError::Parse {
        path: display(&doc.path),
        error,
    })?;
    let errata = apply_errata(&mut plan, &doc.errata).map_err(|error| ImportError::Errata {
        path: display(&errata_path(&doc.path)),
        error,
    })?;
    let source_name = doc
        .path
        .file_name()
        .map_or_else(|| display(&doc.path), |n| n.to_string_lossy().into_owned());
    Ok(Prepared {
        source_name,
        source_sha256: hex::encode(Sha256::digest(doc.text.as_bytes())),
        plan,
        errata,
    })
}

/// Reads a units directory file; a missing file is an empty directory.
pub fn read_units(path: &Path) -> Result<UnitsFile, ImportError> {
    match std::fs::read_to_string(path) {
        Ok(t) => UnitsFile::parse(&t).map_err(|error| ImportError::Units {
            path: display(path),
            error,
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(UnitsFile::default()),
        Err(source) => Err(ImportError::Io {
            path: display(path),
            source,
        }),
    }
}

/// Writes a prepared plan in one transaction; a plan already present is left as it is.
#[tracing::instrument(skip_all, fields(source = %prepared.source_name))]
pub async fn import(
    pool: &PgPool,
    prepared: &Prepared,
    units: &UnitsFile,
) -> Result<Outcome, ImportError> {
    let mut tx = pool.begin().await?;
    db::import::lock(&mut tx).await?;
    if let Some(existing) = db::import::find_existing(&mut tx, &prepared.plan).await? {
        if existing.source_sha256 == prepared.source_sha256 {
            return Ok(Outcome::AlreadyPresent {
                plan_id: existing.id,
            });
        }
        return Err(ImportError::DifferentContent {
            path: prepared.source_name.clone(),
            title: prepared.plan.title.clone(),
            plan_id: existing.id,
        });
    }
    if let Some(dir) = units.directory(&prepared.plan.issuer) {
        db::import::sync_directory(&mut tx, dir).await?;
    }
    let written = db::import::insert_plan(
        &mut tx,
        &prepared.plan,
        &prepared.errata,
        &prepared.source_name,
        &prepared.source_sha256,
    )
    .await?;
    // 与上年比对: the proposal is kept for the office to review.
    if let Some(p) = super::plan_matching::propose_in(&mut tx, &prepared.plan).await? {
        super::plan_matching::record(&mut tx, written.plan_id, &p).await?;
    }
    tx.commit().await?;
    tracing::info!(plan_id = written.plan_id, "plan imported");
    Ok(Outcome::Imported {
        plan_id: written.plan_id,
        units_created: written.units_created,
    })
}

/// The plan documents in a seeds folder (`*.md`), in name order.
pub fn seed_documents(dir: &Path) -> Result<Vec<PathBuf>, ImportError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ImportError::Io {
        path: display(dir),
        source,
    })?;
    let mut docs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md") && p.is_file())
        .collect();
    docs.sort();
    Ok(docs)
}

/// Imports every document in `dir` not yet in the database. Each document is its own
/// transaction; the first failure stops the run and is returned.
pub async fn import_seeds(
    pool: &PgPool,
    dir: &Path,
) -> Result<Vec<(Prepared, Outcome)>, ImportError> {
    let units = read_units(&dir.join(UNITS_FILE))?;
    let mut done = Vec::new();
    for path in seed_documents(dir)? {
        let prepared = prepare(&read_document(&path)?)?;
        let outcome = import(pool, &prepared, &units).await?;
        done.push((prepared, outcome));
    }
    Ok(done)
}

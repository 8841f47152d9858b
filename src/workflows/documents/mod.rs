//! 公文: the documents the office issues — the 通报 of an edition, a task's 督办单, an urge's
//! 催办单 and a unit's 督办事项一览 — drafted from duban's records, numbered in their series
//! when issued (one transaction: the number, the bytes, the record and its audit entry), and
//! kept as issued so a re-download gives the same bytes.

mod brief;
mod bulletin;
mod slips;

pub use brief::{BriefRequest, COMMENTS_MAX, unit_brief};
pub use bulletin::{bulletin_draft, bulletin_input};
pub use slips::{SupervisionRequest, UrgeRequest, supervision_slip, urge_slip};

use crate::db::{self, audit::Actor};
use crate::formats::docx::{self, DocxError, Masthead, Slip, UnitBrief};
use crate::rules::bulletin::Draft;
use crate::rules::documents::{DocKind, doc_number};
use crate::rules::schedule::prose_date;
use chrono::{Datelike, NaiveDate};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// What a document says, before it has a number.
#[derive(Debug, Clone)]
pub enum Content {
    Bulletin(Draft),
    Slip(Slip),
    Brief(UnitBrief),
}

impl Content {
    pub fn title(&self) -> String {
        match self {
            Content::Bulletin(d) => d.title.clone(),
            Content::Slip(s) => s.title.clone(),
            Content::Brief(b) => b.title(),
        }
    }

    /// The .docx under `m`.
    pub fn write(&self, m: &Masthead) -> Result<Vec<u8>, DocxError> {
        match self {
            Content::Bulletin(d) => docx::bulletin(d, m),
            Content::Slip(s) => docx::slip(s, m),
            Content::Brief(b) => docx::brief(b, m),
        }
    }

    /// The draft's bytes: no number, 草稿 in the header, dated `today`.
    pub fn draft(&self, today: NaiveDate) -> Result<Vec<u8>, DocxError> {
        self.write(&Masthead {
            number: None,
            draft: true,
            date: prose_date(today),
        })
    }
}

/// A document ready to be numbered.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub plan_id: i64,
    pub kind: DocKind,
    /// The edition, task, urge or unit it is about.
    pub subject_id: i64,
    /// What the office entered (kept with the document).
    pub inputs: serde_json::Value,
    pub content: Content,
}

/// An issued document: its record's id and its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub id: i64,
    pub doc_number: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("{0}")]
    NotFound(&'static str),
    /// The edition's 通报 or the urge's 催办单 has its number already.
    #[error("该{kind}已印发，文号{number}，不再重复编号。")]
    AlreadyIssued { kind: &'static str, number: String },
    #[error(transparent)]
    Docx(#[from] DocxError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Issued at most once for its subject: a second issue would number the same paper twice.
fn once(kind: DocKind) -> bool {
    matches!(kind, DocKind::Bulletin | DocKind::Urge)
}

/// Numbers and stores `p` as issued on `today` by `actor`, in one transaction: the series'
/// next number of `today`'s year (its counter row locked until commit, so concurrent issues
/// queue and a failed one gives its number back), the bytes written under it, the record and
/// the audit entry.
pub async fn issue(
    pool: &PgPool,
    actor: &Actor,
    p: &Prepared,
    today: NaiveDate,
) -> Result<Issued, DocumentError> {
    let kind = p.kind.as_str();
    let year = today.year();
    let mut tx = pool.begin().await?;
    if once(p.kind)
        && let Some(d) = db::documents::for_subject(&mut *tx, p.plan_id, kind, p.subject_id)
            .await?
            .into_iter()
            .next()
    {
        return Err(already(p.kind, d.doc_number));
    }
    let prefix = db::documents::prefix(&mut *tx, p.plan_id, kind)
        .await?
        .unwrap_or_else(|| p.kind.default_prefix().to_string());
    let number = db::documents::take_number(&mut tx, p.plan_id, kind, year).await?;
    let doc_number = doc_number(&prefix, year, number);
    let body = p.content.write(&Masthead {
        number: Some(doc_number.clone()),
        draft: false,
        date: prose_date(today),
    })?;
    let sha256 = hex::encode(Sha256::digest(&body));
    let title = p.content.title();
    let inserted = db::documents::insert(
        &mut tx,
        &db::documents::NewDocument {
            plan_id: p.plan_id,
            kind,
            year,
            number,
            doc_number: &doc_number,
            subject_id: p.subject_id,
            title: &title,
            inputs: &p.inputs,
            body: &body,
            sha256: &sha256,
            issued_by: actor.user_id,
        },
    )
    .await;
    let id = match inserted {
        Ok(id) => id,
        // Issued meanwhile by another request: this one's number goes back with the rollback.
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("documents_once_idx") => {
            drop(tx);
            let first = db::documents::for_subject(pool, p.plan_id, kind, p.subject_id).await?;
            return Err(already(
                p.kind,
                first
                    .into_iter()
                    .next()
                    .map(|d| d.doc_number)
                    .unwrap_or_default(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    db::audit::record(
        &mut *tx,
        actor,
        "document_issued",
        Some(&id.to_string()),
        json!({
            "plan_id": p.plan_id,
            "kind": kind,
            "subject_id": p.subject_id,
            "doc_number": doc_number,
            "sha256": sha256,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(Issued { id, doc_number })
}

fn already(kind: DocKind, number: String) -> DocumentError {
    DocumentError::AlreadyIssued {
        kind: kind.label(),
        number,
    }
}

/// The file name of a document: its kind, subject and number (or 草稿).
pub fn file_name(title: &str, doc_number: Option<&str>) -> String {
    let safe: String = title
        .chars()
        .filter(|c| !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        .collect();
    match doc_number {
        Some(n) => format!("{safe}-{n}.docx"),
        None => format!("{safe}-草稿.docx"),
    }
}

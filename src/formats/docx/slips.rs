//! 督办单 and 催办单: a form under the office's mark — what is asked, of whom, by when — and a
//! table for the units' replies. A 催办单 takes its escalation colour (三色督办) for the mark,
//! the rule and the label beside its number.

use super::layout::{ISSUER, RED};
use super::official::Official;
use super::{DocxError, Masthead};
use crate::rules::documents::Escalation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlipKind {
    Supervision,
    Urge(Escalation),
}

#[derive(Debug, Clone)]
pub struct Slip {
    pub kind: SlipKind,
    /// `督办单`, `催办单`.
    pub title: String,
    /// 主送: the units it is sent to, with the colon.
    pub addressee: String,
    /// The form: `(label, value)` a row each.
    pub rows: Vec<(String, String)>,
    /// The sentence under the form (when and how to reply).
    pub ask: String,
    /// The reply table: its header and its rows (the units' names filled in, the rest blank).
    pub reply_title: String,
    pub reply_headers: Vec<String>,
    pub reply_rows: Vec<Vec<String>>,
    pub reply_widths: Vec<u32>,
}

pub fn slip(s: &Slip, m: &Masthead) -> Result<Vec<u8>, DocxError> {
    let (color, label) = match s.kind {
        SlipKind::Supervision => (RED, None),
        SlipKind::Urge(e) => (e.hex(), Some(e.label())),
    };
    let heads: Vec<&str> = s.reply_headers.iter().map(String::as_str).collect();
    Official::new(m.draft)
        .masthead(m, label, color)
        .title(&s.title)
        .addressee(&s.addressee)
        .table(
            &["项目", "内容"],
            &s.rows
                .iter()
                .map(|(k, v)| vec![k.clone(), v.clone()])
                .collect::<Vec<_>>(),
            &[220, 780],
        )
        .text(&s.ask)
        .signature(ISSUER, &m.date)
        .heading(1, &s.reply_title)
        .table(&heads, &s.reply_rows, &s.reply_widths)
        .closing(None, ISSUER, &m.date)
        .bytes()
}

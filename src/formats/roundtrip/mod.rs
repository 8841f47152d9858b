//! The Excel round trip for units (填报模板).
//!
//! A unit liaison downloads a pre-filled XLSX of the unit's tasks for the current reporting
//! period ([`template_xlsx`]), fills in status and text offline, and uploads it again
//! ([`read_upload`]). Every row is validated; a bad row is named by its cell and reason, and
//! all errors are collected so the liaison can fix them in one go.
//!
//! The module is pure: bytes in, bytes or structs out. It touches no database, file system or
//! network and depends on nothing else in the crate.
//!
//! Defences on upload, in order:
//! 1. the file itself may be at most [`MAX_UPLOAD_BYTES`];
//! 2. the ZIP central directory is read (with the same `zip` crate calamine uses, so both see
//!    the same entries) and the declared uncompressed sizes are summed: over
//!    [`MAX_UNPACKED_BYTES`], or more than 1000 entries, is refused as a zip bomb before
//!    anything is decompressed. The `zip` reader itself caps every entry at its declared size,
//!    so a file cannot lie its way past this check;
//! 3. the sheet is read cell by cell (calamine's streaming cell reader, never a dense range,
//!    so a lone cell at `XFD1048576` costs nothing), only columns A–I and at most
//!    [`MAX_ROWS`] data rows are kept;
//! 4. calamine runs under `catch_unwind`, so a parser bug on a hostile file becomes
//!    [`RoundTripError::NotXlsx`] instead of a panic. One such bug is known: calamine 0.38
//!    reckons cell references unchecked, so `A99999999999` overflows (Cargo.toml keeps overflow
//!    checks on for calamine in release builds too, so that it is refused rather than wrapped).
//!
//! The work is split by job: `template` writes the download, `reader` takes an upload apart
//! (with the defences above), `validation` checks its rows. This file holds what they
//! share: the layout of the sheet, the limits, and the public types.

mod reader;
mod template;
#[cfg(test)]
mod test_support;
mod validation;

pub use reader::read_upload;
pub use template::template_xlsx;

// Cells of text are held to the report's own limit (`MAX_TEXT_CHARS`).
use crate::rules::vocabulary::{Assessment, MAX_TEXT_CHARS, ReportStatus};
use rust_xlsxwriter::XlsxError;
use std::collections::BTreeMap;

/// Largest accepted upload: the .xlsx file itself.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
/// Largest accepted sum of the uncompressed sizes declared in the ZIP: a zip bomb is refused
/// before parsing.
pub const MAX_UNPACKED_BYTES: u64 = 50 * 1024 * 1024;
/// Most data rows a template may hold.
pub const MAX_ROWS: usize = 2000;

/// Most entries a ZIP may declare; a real workbook has a dozen or two.
const MAX_ZIP_ENTRIES: usize = 1000;
/// Excel's own limit for the text of one cell (in UTF-16 units).
const EXCEL_MAX_CELL_CHARS: usize = 32_767;

const SHEET_NAME: &str = "进展填报";
const META_SHEET: &str = "meta";
const NOTE: &str =
    "请在黄色列填写；状态、自评请从下拉列表选择；需协调事项每行一项；不要修改编号和隐藏行。";
const HEADERS: [&str; 9] = [
    "编号",
    "任务",
    "职责",
    "进展状态",
    "自评",
    "工作进展及成效",
    "存在问题",
    "下一步计划",
    "需协调事项",
];
const COLUMN_WIDTHS: [f64; 9] = [12.0, 48.0, 8.0, 12.0, 12.0, 50.0, 36.0, 36.0, 36.0];
/// 0-based row of the header line (Excel row 3); data starts on the next row (Excel row 4).
const HEADER_ROW: u32 = 2;
const FIRST_DATA_ROW: u32 = 3;

const COL_CODE: usize = 0;
const COL_STATUS: usize = 3;
const COL_ASSESSMENT: usize = 4;
const COL_WORK_DONE: usize = 5;
const COL_PROBLEMS: usize = 6;
const COL_NEXT_STEPS: usize = 7;
/// 需协调事项, one request per line. A template downloaded before this column existed has
/// no header here: its rows leave the report's requests as they are.
const COL_COORDINATION: usize = 8;
const NCOLS: usize = 9;

/// (code, Chinese label) of 进展状态.
fn statuses() -> [(&'static str, &'static str); 4] {
    ReportStatus::ALL.map(|s| (s.as_str(), s.label()))
}
/// (code, Chinese label) of 自评.
fn assessments() -> [(&'static str, &'static str); 3] {
    Assessment::ALL.map(|a| (a.as_str(), a.label()))
}
const STATUS_MESSAGE: &str = "进展状态只能是 未启动、推进中、已完成 或 滞后";
const ASSESSMENT_MESSAGE: &str = "自评只能是 正常推进、存在风险 或 严重滞后";

/// One row of the template, as duban fills it in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TemplateRow {
    pub code: String,
    pub task_text: String,
    /// 牵头 or 配合.
    pub role: String,
    /// A status code such as `in_progress`; written as its Chinese label.
    pub status: Option<String>,
    /// An assessment code such as `on_track`; written as its Chinese label.
    pub self_assessment: Option<String>,
    pub work_done: String,
    pub problems: String,
    pub next_steps: String,
    /// The report's open coordination requests, one per line.
    pub coordination: String,
}

/// The template of one unit for one reporting period.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    pub unit: String,
    /// e.g. `2022-Q2`; stored in the hidden sheet `meta` (A1) and checked on upload.
    pub period_key: String,
    /// e.g. `2022年第二季度`.
    pub period_label: String,
    pub rows: Vec<TemplateRow>,
}

/// A row read back from an upload, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRow {
    pub code: String,
    /// `not_started`, `in_progress`, `done` or `behind`.
    pub status: String,
    /// `on_track`, `at_risk` or `off_track`.
    pub self_assessment: String,
    pub work_done: String,
    pub problems: String,
    pub next_steps: String,
    /// 需协调事项, one per line, blanks dropped; `None` when the workbook has no such column
    /// (a template of an older version): the report's requests stay as they are.
    pub coordination: Option<Vec<String>>,
    /// 1-based Excel row.
    pub row: u32,
}

/// What is wrong with one cell, e.g.
/// `{ cell: "D7", message: "进展状态只能是 未启动、推进中、已完成 或 滞后" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// A1 notation.
    pub cell: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RoundTripError {
    #[error("文件超过 5 MB")]
    TooLarge,
    #[error("文件解压后过大，疑似压缩炸弹，已拒绝")]
    ZipBomb,
    #[error("不是有效的 Excel（.xlsx）文件")]
    NotXlsx,
    #[error("找不到“进展填报”工作表，请使用从督办系统下载的模板")]
    NoSheet,
    /// The keys stay in the fields; the message names the periods by their labels.
    #[error(
        "这是{}的模板，不是本期（{}）的",
        crate::rules::schedule::period_label(.found),
        crate::rules::schedule::period_label(.expected)
    )]
    WrongPeriod { found: String, expected: String },
    #[error("表格中有 {} 处错误", .0.len())]
    Cells(Vec<CellError>),
    #[error("生成 Excel 文件失败：{0}")]
    Write(String),
}

impl From<XlsxError> for RoundTripError {
    fn from(e: XlsxError) -> Self {
        RoundTripError::Write(e.to_string())
    }
}

/// The raw content of an upload: the period from `meta`, and the cells A–I of the data rows.
pub(super) struct RawSheet {
    pub(super) period: String,
    /// Header cells (row 3) as read, for the column check.
    pub(super) headers: [String; NCOLS],
    /// 1-based Excel row -> the nine cells (text, or an error to report).
    pub(super) rows: BTreeMap<u32, [Cell; NCOLS]>,
    /// Set when the sheet has more than MAX_ROWS data rows: the first row past the limit.
    pub(super) overflow: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(super) enum Cell {
    #[default]
    Empty,
    Text(String),
    /// An Excel error value such as `#N/A`.
    Error(String),
}

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
//!    so a lone cell at `XFD1048576` costs nothing), only columns A–H and at most
//!    [`MAX_ROWS`] data rows are kept;
//! 4. calamine runs under `catch_unwind`, so a parser bug on a hostile file becomes
//!    [`RoundTripError::NotXlsx`] instead of a panic. One such bug is known: calamine 0.38
//!    reckons cell references unchecked, so `A99999999999` overflows (Cargo.toml keeps overflow
//!    checks on for calamine in release builds too, so that it is refused rather than wrapped).

use crate::rules::vocabulary::{Assessment, ReportStatus};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Workbook,
    Worksheet, XlsxError,
};

/// Largest accepted upload: the .xlsx file itself.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
/// Largest accepted sum of the uncompressed sizes declared in the ZIP: a zip bomb is refused
/// before parsing.
pub const MAX_UNPACKED_BYTES: u64 = 50 * 1024 * 1024;
/// Most data rows a template may hold.
pub const MAX_ROWS: usize = 2000;

/// Most entries a ZIP may declare; a real workbook has a dozen or two.
const MAX_ZIP_ENTRIES: usize = 1000;
/// Longest accepted text in 工作进展及成效, 存在问题 and 下一步计划, in characters.
const MAX_TEXT_CHARS: usize = 5000;
/// Excel's own limit for the text of one cell (in UTF-16 units).
const EXCEL_MAX_CELL_CHARS: usize = 32_767;

const SHEET_NAME: &str = "进展填报";
const META_SHEET: &str = "meta";
const NOTE: &str = "请在黄色列填写;状态、自评请从下拉列表选择;不要修改编号和隐藏行。";
const HEADERS: [&str; 8] = [
    "编号",
    "任务",
    "职责",
    "进展状态",
    "自评",
    "工作进展及成效",
    "存在问题",
    "下一步计划",
];
const COLUMN_WIDTHS: [f64; 8] = [12.0, 48.0, 8.0, 12.0, 12.0, 50.0, 36.0, 36.0];
/// 0-based row of the header line (Excel row 3); data starts on the next row (Excel row 4).
const HEADER_ROW: u32 = 2;
const FIRST_DATA_ROW: u32 = 3;

const COL_CODE: usize = 0;
const COL_STATUS: usize = 3;
const COL_ASSESSMENT: usize = 4;
const COL_WORK_DONE: usize = 5;
const COL_PROBLEMS: usize = 6;
const COL_NEXT_STEPS: usize = 7;
const NCOLS: usize = 8;

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
    #[error("文件解压后过大,疑似压缩炸弹,已拒绝")]
    ZipBomb,
    #[error("不是有效的 Excel(.xlsx)文件")]
    NotXlsx,
    #[error("找不到“进展填报”工作表,请使用从督办系统下载的模板")]
    NoSheet,
    #[error("这是 {found} 的模板,不是本期({expected})的")]
    WrongPeriod { found: String, expected: String },
    #[error("表格中有 {} 处错误", .0.len())]
    Cells(Vec<CellError>),
    #[error("生成 Excel 文件失败: {0}")]
    Write(String),
}

impl From<XlsxError> for RoundTripError {
    fn from(e: XlsxError) -> Self {
        RoundTripError::Write(e.to_string())
    }
}

// ---------------------------------------------------------------------------------------------
// Download
// ---------------------------------------------------------------------------------------------

/// Formats of the template; each comes in a plain and a quote-prefixed variant (see
/// [`needs_quote_prefix`]).
struct Formats {
    title: Format,
    note: Format,
    header: Format,
    header_editable: Format,
    fixed: [Format; 2],
    editable: [Format; 2],
    meta: [Format; 2],
}

impl Formats {
    fn new() -> Self {
        let yellow = Color::RGB(0xFF_F2_CC);
        let cell = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin);
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin)
            .set_background_color(Color::RGB(0xD9_E1_F2));
        let editable = cell.clone().set_background_color(yellow).set_unlocked();
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            note: Format::new()
                .set_font_color(Color::RGB(0xC0_00_00))
                .set_text_wrap(),
            header_editable: header.clone().set_background_color(Color::RGB(0xFF_E6_99)),
            header,
            fixed: [cell.clone(), cell.set_quote_prefix()],
            editable: [editable.clone(), editable.set_quote_prefix()],
            meta: [Format::new(), Format::new().set_quote_prefix()],
        }
    }
}

/// True if Excel (or a spreadsheet importing the text) could take the text for a formula.
fn needs_quote_prefix(text: &str) -> bool {
    matches!(
        text.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠')
    )
}

/// Cuts a text to what one Excel cell can hold.
fn fit_cell(text: &str) -> &str {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        units += c.len_utf16();
        if units > EXCEL_MAX_CELL_CHARS {
            return &text[..i];
        }
    }
    text
}

/// Writes a text cell (never a formula). A text that starts like a formula gets Excel's quote
/// prefix (the `'` a user would type, stored as the cell style `quotePrefix`), so the cell keeps
/// showing the exact text and stays text even when the user edits it and presses Enter.
fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    formats: &[Format; 2],
) -> Result<(), RoundTripError> {
    let text = fit_cell(text);
    if text.is_empty() {
        ws.write_blank(row, col, &formats[0])?;
    } else {
        let format = &formats[usize::from(needs_quote_prefix(text))];
        ws.write_string_with_format(row, col, text, format)?;
    }
    Ok(())
}

fn label_of<'a>(table: &[(&'static str, &'static str)], value: &'a str) -> &'a str {
    let value = value.trim();
    table
        .iter()
        .find(|(code, label)| code.eq_ignore_ascii_case(value) || *label == value)
        .map_or(value, |(_, label)| label)
}

/// The workbook to download: sheet `进展填报` (title, note, headers, one row per task from
/// row 4, drop-downs on 进展状态 and 自评, editable columns in light yellow) and a very hidden
/// sheet `meta` (A1 = period key, A2 = unit name).
pub fn template_xlsx(t: &Template) -> Result<Vec<u8>, RoundTripError> {
    if t.rows.len() > MAX_ROWS {
        return Err(RoundTripError::Write(format!(
            "任务超过 {MAX_ROWS} 项,无法生成模板"
        )));
    }
    let f = Formats::new();
    let mut wb = Workbook::new();

    let ws = wb.add_worksheet();
    ws.set_name(SHEET_NAME)?;
    ws.set_active(true);

    let title = format!("{} {}进展情况填报", t.unit.trim(), t.period_label.trim());
    let title = fit_cell(&title);
    let title_format = if needs_quote_prefix(title) {
        f.title.clone().set_quote_prefix()
    } else {
        f.title.clone()
    };
    ws.merge_range(0, 0, 0, (NCOLS - 1) as u16, title, &title_format)?;
    ws.set_row_height(0, 28)?;
    ws.merge_range(1, 0, 1, (NCOLS - 1) as u16, NOTE, &f.note)?;
    ws.set_row_height(1, 20)?;
    for (col, header) in HEADERS.iter().enumerate() {
        let format = if col >= COL_STATUS {
            &f.header_editable
        } else {
            &f.header
        };
        ws.write_string_with_format(HEADER_ROW, col as u16, *header, format)?;
        ws.set_column_width(col as u16, COLUMN_WIDTHS[col])?;
    }
    ws.set_row_height(HEADER_ROW, 24)?;
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;

    for (i, r) in t.rows.iter().enumerate() {
        let row = FIRST_DATA_ROW + i as u32;
        let status = r.status.as_deref().map_or("", |s| label_of(&statuses(), s));
        let assessment = r
            .self_assessment
            .as_deref()
            .map_or("", |s| label_of(&assessments(), s));
        write_text(ws, row, 0, &r.code, &f.fixed)?;
        write_text(ws, row, 1, &r.task_text, &f.fixed)?;
        write_text(ws, row, 2, &r.role, &f.fixed)?;
        write_text(ws, row, 3, status, &f.editable)?;
        write_text(ws, row, 4, assessment, &f.editable)?;
        write_text(ws, row, 5, &r.work_done, &f.editable)?;
        write_text(ws, row, 6, &r.problems, &f.editable)?;
        write_text(ws, row, 7, &r.next_steps, &f.editable)?;
    }

    if !t.rows.is_empty() {
        let last = FIRST_DATA_ROW + t.rows.len() as u32 - 1;
        let status = DataValidation::new()
            .allow_list_strings(&statuses().map(|(_, label)| label))?
            .set_error_style(DataValidationErrorStyle::Stop)
            .set_error_title("进展状态")?
            .set_error_message("请从下拉列表选择:未启动、推进中、已完成 或 滞后")?;
        ws.add_data_validation(
            FIRST_DATA_ROW,
            COL_STATUS as u16,
            last,
            COL_STATUS as u16,
            &status,
        )?;
        let assessment = DataValidation::new()
            .allow_list_strings(&assessments().map(|(_, label)| label))?
            .set_error_style(DataValidationErrorStyle::Stop)
            .set_error_title("自评")?
            .set_error_message("请从下拉列表选择:正常推进、存在风险 或 严重滞后")?;
        ws.add_data_validation(
            FIRST_DATA_ROW,
            COL_ASSESSMENT as u16,
            last,
            COL_ASSESSMENT as u16,
            &assessment,
        )?;
    }

    let meta = wb.add_worksheet();
    meta.set_name(META_SHEET)?;
    write_text(meta, 0, 0, &t.period_key, &f.meta)?;
    write_text(meta, 1, 0, &t.unit, &f.meta)?;
    meta.set_very_hidden(true);

    Ok(wb.save_to_buffer()?)
}

// ---------------------------------------------------------------------------------------------
// Upload
// ---------------------------------------------------------------------------------------------

/// Reads an uploaded template. `known_codes` are the task codes the unit may report on this
/// period; `expected_period` the current period key. Rows whose status, assessment and three
/// texts are all empty are skipped (nothing to save). For the others: the code must be known
/// (and not repeated), status and self-assessment must be one of the labels (also accept the
/// codes like in_progress), 工作进展及成效 is required and at most 5000 chars, 存在问题/下一步计划
/// at most 5000; every error names its cell (A1 notation) and all errors are collected (not just
/// the first). Never panics on any input; malformed files give NotXlsx.
pub fn read_upload(
    bytes: &[u8],
    expected_period: &str,
    known_codes: &[String],
) -> Result<Vec<UploadRow>, RoundTripError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(RoundTripError::TooLarge);
    }
    check_zip(bytes)?;
    let sheet = catch_unwind(AssertUnwindSafe(|| read_workbook(bytes))).map_err(|_| {
        tracing::warn!("the spreadsheet reader panicked on an upload; it is refused");
        RoundTripError::NotXlsx
    })??;
    let found = sheet.period.trim();
    if found != expected_period.trim() {
        let found = match found.chars().count() {
            0 => "未标明期次".to_string(),
            n if n > 40 => found.chars().take(40).chain("…".chars()).collect(),
            _ => found.to_string(),
        };
        return Err(RoundTripError::WrongPeriod {
            found,
            expected: expected_period.trim().to_string(),
        });
    }
    validate(sheet, known_codes)
}

/// Refuses anything that is not a ZIP, and zip bombs, from the central directory alone.
fn check_zip(bytes: &[u8]) -> Result<(), RoundTripError> {
    // Cheap first test: every ZIP written by a spreadsheet program starts with a local header.
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(RoundTripError::NotXlsx);
    }
    let parsed = catch_unwind(|| {
        let archive =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| RoundTripError::NotXlsx)?;
        if archive.len() > MAX_ZIP_ENTRIES {
            return Err(RoundTripError::ZipBomb);
        }
        // The archive keeps one entry per name; a workbook never repeats a name, and a
        // repeated one could hide an entry from this sum.
        if archive.has_duplicate_names() {
            return Err(RoundTripError::NotXlsx);
        }
        let mut total: u64 = 0;
        for i in 0..archive.len() {
            let entry = archive
                .by_index_data(i)
                .map_err(|_| RoundTripError::NotXlsx)?;
            total = total.saturating_add(entry.size());
            if total > MAX_UNPACKED_BYTES {
                return Err(RoundTripError::ZipBomb);
            }
        }
        Ok(())
    });
    parsed.unwrap_or(Err(RoundTripError::NotXlsx))
}

/// The raw content of an upload: the period from `meta`, and the cells A–H of the data rows.
struct RawSheet {
    period: String,
    /// Header cells (row 3) as read, for the column check.
    headers: [String; NCOLS],
    /// 1-based Excel row -> the eight cells (text, or an error to report).
    rows: BTreeMap<u32, [Cell; NCOLS]>,
    /// Set when the sheet has more than MAX_ROWS data rows: the first row past the limit.
    overflow: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
enum Cell {
    #[default]
    Empty,
    Text(String),
    /// An Excel error value such as `#N/A`.
    Error(String),
}

fn read_workbook(bytes: &[u8]) -> Result<RawSheet, RoundTripError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| RoundTripError::NotXlsx)?;
    let names = wb.sheet_names();
    if !names.iter().any(|n| n == SHEET_NAME) || !names.iter().any(|n| n == META_SHEET) {
        return Err(RoundTripError::NoSheet);
    }

    let mut period = String::new();
    {
        let mut cells = wb
            .worksheet_cells_reader(META_SHEET)
            .map_err(|_| RoundTripError::NotXlsx)?;
        while let Some(cell) = cells.next_cell().map_err(|_| RoundTripError::NotXlsx)? {
            if cell.get_position() == (0, 0) {
                if let Cell::Text(t) = to_cell(cell.get_value()) {
                    period = t;
                }
                break;
            }
        }
    }

    let mut headers: [String; NCOLS] = Default::default();
    let mut rows: BTreeMap<u32, [Cell; NCOLS]> = BTreeMap::new();
    let mut overflow = None;
    let last_allowed = FIRST_DATA_ROW + MAX_ROWS as u32 - 1; // 0-based
    let mut cells = wb
        .worksheet_cells_reader(SHEET_NAME)
        .map_err(|_| RoundTripError::NotXlsx)?;
    while let Some(cell) = cells.next_cell().map_err(|_| RoundTripError::NotXlsx)? {
        let (row, col) = cell.get_position();
        let col = col as usize;
        if col >= NCOLS || row < HEADER_ROW {
            continue;
        }
        let value = to_cell(cell.get_value());
        if value == Cell::Empty {
            continue;
        }
        if row == HEADER_ROW {
            if let Cell::Text(t) = value {
                headers[col] = t;
            }
            continue;
        }
        if row > last_allowed {
            // Cells need not come in order; remember the first offending row.
            let excel_row = row + 1;
            overflow = Some(overflow.map_or(excel_row, |o: u32| o.min(excel_row)));
            continue;
        }
        rows.entry(row + 1).or_default()[col] = value;
    }
    Ok(RawSheet {
        period,
        headers,
        rows,
        overflow,
    })
}

/// A cell by its display form: text trimmed, numbers as Excel's General format shows them.
fn to_cell(value: &DataRef<'_>) -> Cell {
    let text = match value {
        DataRef::Empty => return Cell::Empty,
        DataRef::Error(e) => return Cell::Error(e.to_string()),
        DataRef::String(s) => clean_text(s),
        DataRef::SharedString(s) => clean_text(s),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => display_float(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => {
            let (y, mo, da, h, mi, s, _) = d.to_ymd_hms_milli();
            if d.is_duration() {
                display_float(d.as_f64())
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{da:02}")
            } else {
                format!("{y:04}-{mo:02}-{da:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => clean_text(s),
    };
    if text.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(text)
    }
}

/// Trims, unifies line ends, and drops a literal leading `'` that only guarded a formula-like
/// text (as written by a spreadsheet that stores the apostrophe itself).
fn clean_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let s = s.trim();
    match s.strip_prefix('\'') {
        Some(rest) if needs_quote_prefix(rest) => rest.trim_end().to_string(),
        _ => s.to_string(),
    }
}

/// A number as Excel's General format shows it: integers without `.0`, otherwise at most 15
/// significant digits without trailing zeros.
fn display_float(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{:.0}", f + 0.0); // + 0.0 turns -0 into 0
    }
    let magnitude = if f == 0.0 {
        0
    } else {
        f.abs().log10().floor() as i32
    };
    let decimals = 14 - magnitude;
    if !(0..=20).contains(&decimals) {
        return f.to_string();
    }
    let s = format!("{f:.*}", decimals as usize);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn col_letter(col: usize) -> char {
    char::from(b'A' + col as u8)
}

fn cell_ref(col: usize, row: u32) -> String {
    format!("{}{row}", col_letter(col))
}

fn parse_choice(table: &[(&'static str, &'static str)], value: &str) -> Option<&'static str> {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    table
        .iter()
        .find(|(code, label)| *label == compact || code.eq_ignore_ascii_case(&compact))
        .map(|(code, _)| *code)
}

/// Collects the errors of one upload, in reading order.
#[derive(Default)]
struct Errors(Vec<CellError>);

impl Errors {
    fn push(&mut self, col: usize, row: u32, message: impl Into<String>) {
        self.0.push(CellError {
            cell: cell_ref(col, row),
            message: message.into(),
        });
    }

    /// The text of a cell, or `None` after reporting an error value (`#N/A` and the like).
    fn text(&mut self, cells: &[Cell; NCOLS], col: usize, row: u32) -> Option<String> {
        match &cells[col] {
            Cell::Empty => Some(String::new()),
            Cell::Text(t) => Some(t.clone()),
            Cell::Error(e) => {
                self.push(col, row, format!("单元格是错误值 {e},请改为文字"));
                None
            }
        }
    }

    /// A drop-down column: required, one of the labels (or codes).
    fn choice(
        &mut self,
        cells: &[Cell; NCOLS],
        col: usize,
        row: u32,
        table: &[(&'static str, &'static str)],
        invalid: &str,
    ) -> Option<&'static str> {
        let text = self.text(cells, col, row)?;
        if text.is_empty() {
            self.push(col, row, format!("请选择{}", HEADERS[col]));
            return None;
        }
        let parsed = parse_choice(table, &text);
        if parsed.is_none() {
            self.push(col, row, invalid);
        }
        parsed
    }

    /// A free-text column: at most MAX_TEXT_CHARS characters, maybe required.
    fn long_text(&mut self, cells: &[Cell; NCOLS], col: usize, row: u32, required: bool) -> String {
        let Some(text) = self.text(cells, col, row) else {
            return String::new();
        };
        let name = HEADERS[col];
        let n = text.chars().count();
        if required && n == 0 {
            self.push(col, row, format!("请填写{name}"));
        } else if n > MAX_TEXT_CHARS {
            self.push(
                col,
                row,
                format!("{name}不能超过 {MAX_TEXT_CHARS} 字(现有 {n} 字)"),
            );
        }
        text
    }
}

fn validate(sheet: RawSheet, known_codes: &[String]) -> Result<Vec<UploadRow>, RoundTripError> {
    let mut errors = Errors::default();

    // A shifted column would silently put texts in the wrong fields: insist on the headers.
    for (col, expected) in HEADERS.iter().enumerate() {
        let found: String = sheet.headers[col]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if found != *expected {
            errors.push(
                col,
                HEADER_ROW + 1,
                format!("表头应为“{expected}”,请不要增删或移动列"),
            );
        }
    }

    let known: HashSet<&str> = known_codes.iter().map(|c| c.trim()).collect();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut out = Vec::new();
    for (row, cells) in &sheet.rows {
        let row = *row;
        if cells[COL_STATUS..].iter().all(|c| *c == Cell::Empty) {
            continue; // nothing to save
        }

        let code = errors.text(cells, COL_CODE, row);
        if let Some(code) = &code {
            if code.is_empty() {
                errors.push(COL_CODE, row, "编号为空:请不要删除或修改编号");
            } else if !known.contains(code.as_str()) {
                errors.push(
                    COL_CODE,
                    row,
                    format!("编号 {} 不是本单位本期的任务", shorten(code)),
                );
            } else if let Some(first) = seen.get(code) {
                errors.push(
                    COL_CODE,
                    row,
                    format!("编号 {code} 重复,第 {first} 行已填报"),
                );
            } else {
                seen.insert(code.clone(), row);
            }
        }
        let status = errors.choice(cells, COL_STATUS, row, &statuses(), STATUS_MESSAGE);
        let assessment = errors.choice(
            cells,
            COL_ASSESSMENT,
            row,
            &assessments(),
            ASSESSMENT_MESSAGE,
        );
        let work_done = errors.long_text(cells, COL_WORK_DONE, row, true);
        let problems = errors.long_text(cells, COL_PROBLEMS, row, false);
        let next_steps = errors.long_text(cells, COL_NEXT_STEPS, row, false);

        // A row with any error is dropped; the whole upload is refused below anyway.
        if let (Some(code), Some(status), Some(assessment)) = (code, status, assessment) {
            out.push(UploadRow {
                code,
                status: status.to_string(),
                self_assessment: assessment.to_string(),
                work_done,
                problems,
                next_steps,
                row,
            });
        }
    }

    if let Some(row) = sheet.overflow {
        errors.push(
            COL_CODE,
            row,
            format!(
                "最多 {MAX_ROWS} 行(第 4 行至第 {} 行),请删除多余的行",
                MAX_ROWS + 3
            ),
        );
    }

    if errors.0.is_empty() {
        Ok(out)
    } else {
        Err(RoundTripError::Cells(errors.0))
    }
}

/// A user-supplied value cut short for an error message.
fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        s.chars().take(40).chain("…".chars()).collect()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, SheetVisible};
    use std::io::{Read, Write};

    const PERIOD: &str = "2022-Q2";

    fn sample() -> Template {
        Template {
            unit: "公安部".into(),
            period_key: PERIOD.into(),
            period_label: "2022年第二季度".into(),
            rows: vec![
                TemplateRow {
                    code: "1.1".into(),
                    task_text: "推进“放管服”改革".into(),
                    role: "牵头".into(),
                    status: Some("in_progress".into()),
                    self_assessment: Some("on_track".into()),
                    work_done: "已完成调研。".into(),
                    problems: String::new(),
                    next_steps: "起草方案".into(),
                },
                TemplateRow {
                    code: "1.2".into(),
                    task_text: "完善社会治安防控体系".into(),
                    role: "配合".into(),
                    ..Default::default()
                },
                TemplateRow {
                    code: "2.1".into(),
                    task_text: "深化户籍制度改革".into(),
                    role: "牵头".into(),
                    ..Default::default()
                },
            ],
        }
    }

    fn codes(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn known() -> Vec<String> {
        codes(&["1.1", "1.2", "2.1", "3.1", "3.2"])
    }

    /// Every cell of a sheet as text (the way a test looks at a workbook).
    fn grid(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range(sheet).unwrap();
        let (h, w) = range.get_size();
        let mut out = vec![vec![String::new(); 8.max(w)]; h];
        for (r, c, v) in range.cells() {
            out[r][c] = match v {
                Data::Empty => String::new(),
                other => other.to_string(),
            };
        }
        out
    }

    /// A cell value a user may leave behind.
    #[derive(Clone, Debug)]
    enum V {
        S(String),
        N(f64),
        B(bool),
    }

    fn s(t: &str) -> V {
        V::S(t.to_string())
    }

    /// Writes a workbook laid out like the template (as a spreadsheet program saves a user's
    /// edit): title, note, headers, the given rows from row 4, and `meta` with the period.
    fn user_file(period: Option<&str>, rows: &[(u32, Vec<(usize, V)>)]) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(SHEET_NAME).unwrap();
        ws.write_string(0, 0, "公安部 2022年第二季度进展情况填报")
            .unwrap();
        ws.write_string(1, 0, NOTE).unwrap();
        for (c, h) in HEADERS.iter().enumerate() {
            ws.write_string(HEADER_ROW, c as u16, *h).unwrap();
        }
        for (excel_row, cells) in rows {
            for (col, v) in cells {
                let (r, c) = (excel_row - 1, *col as u16);
                match v {
                    V::S(t) => ws.write_string(r, c, t).unwrap(),
                    V::N(n) => ws.write_number(r, c, *n).unwrap(),
                    V::B(b) => ws.write_boolean(r, c, *b).unwrap(),
                };
            }
        }
        if let Some(p) = period {
            let meta = wb.add_worksheet();
            meta.set_name(META_SHEET).unwrap();
            meta.write_string(0, 0, p).unwrap();
            meta.write_string(1, 0, "公安部").unwrap();
            meta.set_hidden(true);
        }
        wb.save_to_buffer().unwrap()
    }

    /// A full data row: code, task, role, status, assessment, work done, problems, next steps.
    fn row(excel_row: u32, v: [&str; 8]) -> (u32, Vec<(usize, V)>) {
        (
            excel_row,
            v.iter()
                .enumerate()
                .filter(|(_, t)| !t.is_empty())
                .map(|(c, t)| (c, s(t)))
                .collect(),
        )
    }

    /// Rewrites a downloaded template with the user's edits: the grid of `进展填报` and `meta`
    /// read back with calamine, `edit` applied, and everything written out again.
    fn edit_template(template: &[u8], edit: impl FnOnce(&mut Vec<Vec<String>>)) -> Vec<u8> {
        let mut main = grid(template, SHEET_NAME);
        let meta = grid(template, META_SHEET);
        edit(&mut main);
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(SHEET_NAME).unwrap();
        for (r, cells) in main.iter().enumerate() {
            for (c, t) in cells.iter().enumerate() {
                if !t.is_empty() {
                    ws.write_string(r as u32, c as u16, t).unwrap();
                }
            }
        }
        let m = wb.add_worksheet();
        m.set_name(META_SHEET).unwrap();
        m.write_string(0, 0, &meta[0][0]).unwrap();
        m.write_string(1, 0, &meta[1][0]).unwrap();
        m.set_very_hidden(true);
        wb.save_to_buffer().unwrap()
    }

    fn zip_entry(bytes: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut out = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        out
    }

    fn cells_err(r: Result<Vec<UploadRow>, RoundTripError>) -> Vec<CellError> {
        match r {
            Err(RoundTripError::Cells(e)) => e,
            other => panic!("expected cell errors, got {other:?}"),
        }
    }

    fn cell_names(errors: &[CellError]) -> Vec<&str> {
        errors.iter().map(|e| e.cell.as_str()).collect()
    }

    // ---- download -------------------------------------------------------------------------

    #[test]
    fn template_layout() {
        let bytes = template_xlsx(&sample()).unwrap();
        let wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
        let sheets = wb.sheets_metadata().to_vec();
        assert_eq!(sheets.len(), 2);
        assert_eq!(sheets[0].name, SHEET_NAME);
        assert_eq!(sheets[0].visible, SheetVisible::Visible);
        assert_eq!(sheets[1].name, META_SHEET);
        assert_ne!(sheets[1].visible, SheetVisible::Visible);
        drop(wb);

        let g = grid(&bytes, SHEET_NAME);
        assert_eq!(g[0][0], "公安部 2022年第二季度进展情况填报");
        assert_eq!(g[1][0], NOTE);
        assert_eq!(g[2], HEADERS.map(String::from).to_vec());
        assert_eq!(
            g[3],
            [
                "1.1",
                "推进“放管服”改革",
                "牵头",
                "推进中",
                "正常推进",
                "已完成调研。",
                "",
                "起草方案"
            ]
            .map(String::from)
            .to_vec()
        );
        assert_eq!(
            g[4][0..3],
            ["1.2", "完善社会治安防控体系", "配合"].map(String::from)
        );
        assert!(g[4][3..].iter().all(String::is_empty));
        assert_eq!(g.len(), 6);

        let meta = grid(&bytes, META_SHEET);
        assert_eq!(meta[0][0], PERIOD);
        assert_eq!(meta[1][0], "公安部");

        let xml = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
        assert!(xml.contains(r#"<mergeCell ref="A1:H1"/>"#), "{xml}");
        assert!(xml.contains(r#"ySplit="3""#), "frozen header: {xml}");
        assert!(xml.contains(r#"sqref="D4:D6""#), "{xml}");
        assert!(xml.contains("\"未启动,推进中,已完成,滞后\""), "{xml}");
        assert!(xml.contains(r#"sqref="E4:E6""#), "{xml}");
        assert!(xml.contains("\"正常推进,存在风险,严重滞后\""), "{xml}");
        assert!(!xml.contains("sheetProtection"), "nothing locked");
        let styles = zip_entry(&bytes, "xl/styles.xml");
        assert!(styles.contains("FFFFF2CC"), "light yellow fill: {styles}");
        assert!(styles.contains(r#"wrapText="1""#));
    }

    #[test]
    fn template_without_rows_is_valid_and_reads_back_empty() {
        let t = Template {
            rows: vec![],
            ..sample()
        };
        let bytes = template_xlsx(&t).unwrap();
        assert_eq!(read_upload(&bytes, PERIOD, &known()), Ok(vec![]));
    }

    #[test]
    fn template_refuses_too_many_rows() {
        let t = Template {
            rows: vec![TemplateRow::default(); MAX_ROWS + 1],
            ..sample()
        };
        assert!(matches!(template_xlsx(&t), Err(RoundTripError::Write(_))));
    }

    #[test]
    fn formula_like_text_is_stored_as_text() {
        let evil = "=cmd|' /C calc'!A0";
        let mut t = sample();
        t.unit = "+单位".into();
        t.rows[0].task_text = evil.into();
        t.rows[0].work_done = evil.into();
        t.rows[1].code = "@1.2".into();
        t.rows[0].problems = "-1+1".into();
        let bytes = template_xlsx(&t).unwrap();

        // No formula anywhere: every cell is a (shared) string, styled with Excel's quote prefix.
        for sheet in ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"] {
            let xml = zip_entry(&bytes, sheet);
            assert!(
                !xml.contains("<f>") && !xml.contains("<f "),
                "{sheet}: {xml}"
            );
        }
        let strings = zip_entry(&bytes, "xl/sharedStrings.xml");
        assert!(strings.contains("<t>=cmd|' /C calc'!A0</t>"), "{strings}");
        let styles = zip_entry(&bytes, "xl/styles.xml");
        assert!(styles.contains(r#"quotePrefix="1""#), "{styles}");
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
        let formulas = wb.worksheet_formula(SHEET_NAME).unwrap();
        assert!(formulas.cells().all(|(_, _, f)| f.is_empty()));
        drop(wb);

        let g = grid(&bytes, SHEET_NAME);
        assert_eq!(g[0][0], "+单位 2022年第二季度进展情况填报");
        assert_eq!(g[3][1], evil);
        assert_eq!(g[3][5], evil);
        assert_eq!(g[4][0], "@1.2");
        assert_eq!(g[3][6], "-1+1");

        // And the text survives the round trip exactly.
        let rows = read_upload(&bytes, PERIOD, &known()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].work_done, evil);
        assert_eq!(rows[0].problems, "-1+1");
    }

    #[test]
    fn quote_prefix_rule() {
        for t in ["=1", "+1", "-1", "@a", "\tx", "＝1"] {
            assert!(needs_quote_prefix(t), "{t:?}");
        }
        for t in ["", "1", "推进中", " =1", "a=b"] {
            assert!(!needs_quote_prefix(t), "{t:?}");
        }
    }

    #[test]
    fn overlong_cell_text_is_cut_to_excel_limit() {
        let mut t = sample();
        t.rows[1].task_text = "长".repeat(40_000);
        let bytes = template_xlsx(&t).unwrap();
        let g = grid(&bytes, SHEET_NAME);
        assert_eq!(g[4][1].chars().count(), EXCEL_MAX_CELL_CHARS);
    }

    // ---- round trip -----------------------------------------------------------------------

    #[test]
    fn untouched_template_returns_only_prefilled_rows() {
        let bytes = template_xlsx(&sample()).unwrap();
        let rows = read_upload(&bytes, PERIOD, &known()).unwrap();
        assert_eq!(
            rows,
            vec![UploadRow {
                code: "1.1".into(),
                status: "in_progress".into(),
                self_assessment: "on_track".into(),
                work_done: "已完成调研。".into(),
                problems: String::new(),
                next_steps: "起草方案".into(),
                row: 4,
            }]
        );
    }

    #[test]
    fn round_trip_after_user_edit() {
        let template = template_xlsx(&sample()).unwrap();
        let upload = edit_template(&template, |g| {
            g[3][3] = "已完成".into();
            g[3][5] = "  已完成调研,形成报告。\n下发通知。 ".into();
            g[4][3] = "滞后".into();
            g[4][4] = "严重滞后".into();
            g[4][5] = "协调会议推迟".into();
            g[4][6] = "经费未落实".into();
            g[4][7] = "七月召开".into();
            g[5][3] = "not_started".into(); // codes are accepted too
            g[5][4] = " AT_RISK ".into();
            g[5][5] = "尚未启动,已列入计划".into();
        });
        let rows = read_upload(&upload, PERIOD, &known()).unwrap();
        let expected = vec![
            UploadRow {
                code: "1.1".into(),
                status: "done".into(),
                self_assessment: "on_track".into(),
                work_done: "已完成调研,形成报告。\n下发通知。".into(),
                problems: String::new(),
                next_steps: "起草方案".into(),
                row: 4,
            },
            UploadRow {
                code: "1.2".into(),
                status: "behind".into(),
                self_assessment: "off_track".into(),
                work_done: "协调会议推迟".into(),
                problems: "经费未落实".into(),
                next_steps: "七月召开".into(),
                row: 5,
            },
            UploadRow {
                code: "2.1".into(),
                status: "not_started".into(),
                self_assessment: "at_risk".into(),
                work_done: "尚未启动,已列入计划".into(),
                problems: String::new(),
                next_steps: String::new(),
                row: 6,
            },
        ];
        assert_eq!(rows, expected);
    }

    #[test]
    fn numbers_and_booleans_are_read_by_display_form() {
        let file = user_file(
            Some(PERIOD),
            &[
                (
                    4,
                    vec![
                        (0, V::N(11.0)),
                        (3, s("推进中")),
                        (4, s("正常推进")),
                        (5, V::N(3.5)),
                        (6, V::N(0.1 + 0.2)),
                        (7, V::B(true)),
                    ],
                ),
                (
                    5,
                    vec![
                        (0, s("1.2")),
                        (3, s("推进中")),
                        (4, s("正常推进")),
                        (5, V::N(-42.0)),
                    ],
                ),
            ],
        );
        let rows = read_upload(&file, PERIOD, &codes(&["11", "1.2"])).unwrap();
        assert_eq!(rows[0].code, "11");
        assert_eq!(rows[0].work_done, "3.5");
        assert_eq!(rows[0].problems, "0.3");
        assert_eq!(rows[0].next_steps, "TRUE");
        assert_eq!(rows[1].work_done, "-42");
    }

    /// A user's file with formulas: row 4 computes text, row 5 (if asked) ends in error values.
    fn file_with_formulas(with_errors: bool) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(SHEET_NAME).unwrap();
        for (c, h) in HEADERS.iter().enumerate() {
            ws.write_string(HEADER_ROW, c as u16, *h).unwrap();
        }
        let formula = |f: &str, result: &str| rust_xlsxwriter::Formula::new(f).set_result(result);
        ws.write_string(3, 0, "1.1").unwrap();
        ws.write_formula(3, 3, formula("=\"推进\"&\"中\"", "推进中"))
            .unwrap();
        ws.write_string(3, 4, "正常推进").unwrap();
        ws.write_formula(3, 5, formula("=\"进展\"", "进展"))
            .unwrap();
        if with_errors {
            ws.write_string(4, 0, "1.2").unwrap();
            ws.write_string(4, 3, "推进中").unwrap();
            ws.write_string(4, 4, "正常推进").unwrap();
            ws.write_formula(4, 5, formula("=NA()", "#N/A")).unwrap();
            ws.write_formula(4, 6, formula("=1/0", "#DIV/0!")).unwrap();
        }
        let meta = wb.add_worksheet();
        meta.set_name(META_SHEET).unwrap();
        meta.write_string(0, 0, PERIOD).unwrap();
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn formula_results_are_read_by_value() {
        let rows = read_upload(&file_with_formulas(false), PERIOD, &known()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].status, "in_progress");
        assert_eq!(rows[0].work_done, "进展");
    }

    #[test]
    fn error_values_are_named() {
        let errors = cells_err(read_upload(&file_with_formulas(true), PERIOD, &known()));
        assert_eq!(cell_names(&errors), ["F5", "G5"]);
        assert_eq!(errors[0].message, "单元格是错误值 #N/A,请改为文字");
        assert_eq!(errors[1].message, "单元格是错误值 #DIV/0!,请改为文字");
    }

    #[test]
    fn display_float_matches_general_format() {
        assert_eq!(display_float(3.0), "3");
        assert_eq!(display_float(-0.0), "0");
        assert_eq!(display_float(0.1 + 0.2), "0.3");
        assert_eq!(display_float(1.25), "1.25");
        assert_eq!(display_float(123456.789), "123456.789");
        assert_eq!(display_float(1e20), "100000000000000000000");
        assert_eq!(display_float(f64::NAN), "NaN");
    }

    #[test]
    fn literal_apostrophe_guard_is_dropped() {
        assert_eq!(clean_text("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(clean_text("'引号开头"), "'引号开头");
        assert_eq!(clean_text(" a\r\nb "), "a\nb");
    }

    // ---- refusals -------------------------------------------------------------------------

    #[test]
    fn bad_cells_are_named_and_all_collected() {
        let long = "字".repeat(5001);
        let file = user_file(
            Some(PERIOD),
            &[
                row(4, ["1.1", "", "", "进行中", "正常推进", "做了", "", ""]),
                row(5, ["9.9", "", "", "推进中", "正常推进", "做了", "", ""]),
                row(6, ["1.2", "", "", "推进中", "正常推进", "", "有问题", ""]),
                row(7, ["2.1", "", "", "已完成", "正常推进", "做了", "", &long]),
                row(8, ["1.1", "", "", "已完成", "正常推进", "做了", "", ""]),
                row(9, ["3.1", "", "", "", "", "只写了进展", "", ""]),
                row(10, ["", "", "", "推进中", "存在风险", "做了", "", ""]),
                row(11, ["3.2", "", "", "推进中", "有点风险", &long, &long, ""]),
                // untouched rows are skipped, whatever their code
                row(12, ["不存在的编号", "任务", "牵头", "", "", "", "", ""]),
            ],
        );
        let errors = cells_err(read_upload(&file, PERIOD, &known()));
        assert_eq!(
            cell_names(&errors),
            [
                "D4", "A5", "F6", "H7", "A8", "D9", "E9", "A10", "E11", "F11", "G11"
            ]
        );
        assert_eq!(
            errors[0].message,
            "进展状态只能是 未启动、推进中、已完成 或 滞后"
        );
        assert_eq!(errors[1].message, "编号 9.9 不是本单位本期的任务");
        assert_eq!(errors[2].message, "请填写工作进展及成效");
        assert_eq!(
            errors[3].message,
            "下一步计划不能超过 5000 字(现有 5001 字)"
        );
        assert_eq!(errors[4].message, "编号 1.1 重复,第 4 行已填报");
        assert_eq!(errors[5].message, "请选择进展状态");
        assert_eq!(errors[6].message, "请选择自评");
        assert_eq!(
            errors[8].message,
            "自评只能是 正常推进、存在风险 或 严重滞后"
        );
        let err = read_upload(&file, PERIOD, &known()).unwrap_err();
        assert_eq!(err.to_string(), "表格中有 11 处错误");
    }

    #[test]
    fn the_briefs_three_cells() {
        let file = user_file(
            Some(PERIOD),
            &[
                row(4, ["1.1", "", "", "差不多", "正常推进", "做了", "", ""]),
                row(5, ["8.8", "", "", "推进中", "正常推进", "做了", "", ""]),
                row(6, ["1.2", "", "", "推进中", "正常推进", "", "", ""]),
            ],
        );
        let errors = cells_err(read_upload(&file, PERIOD, &known()));
        assert_eq!(cell_names(&errors), ["D4", "A5", "F6"]);
    }

    #[test]
    fn five_thousand_chinese_chars_are_fine() {
        let text = "进".repeat(5000);
        let file = user_file(
            Some(PERIOD),
            &[row(
                4,
                ["1.1", "", "", "推进中", "正常推进", &text, &text, &text],
            )],
        );
        let rows = read_upload(&file, PERIOD, &known()).unwrap();
        assert_eq!(rows[0].work_done.chars().count(), 5000);
    }

    #[test]
    fn wrong_period_is_refused() {
        let file = user_file(
            Some("2022-Q1"),
            &[row(
                4,
                ["1.1", "", "", "推进中", "正常推进", "做了", "", ""],
            )],
        );
        let err = read_upload(&file, PERIOD, &known()).unwrap_err();
        assert_eq!(
            err,
            RoundTripError::WrongPeriod {
                found: "2022-Q1".into(),
                expected: PERIOD.into()
            }
        );
        assert_eq!(err.to_string(), "这是 2022-Q1 的模板,不是本期(2022-Q2)的");

        let template = template_xlsx(&sample()).unwrap();
        assert!(matches!(
            read_upload(&template, "2022-Q3", &known()),
            Err(RoundTripError::WrongPeriod { .. })
        ));
    }

    #[test]
    fn missing_sheets_are_refused() {
        // No meta sheet: not our template.
        let file = user_file(None, &[]);
        assert_eq!(
            read_upload(&file, PERIOD, &known()),
            Err(RoundTripError::NoSheet)
        );
        // A workbook without 进展填报.
        let mut wb = Workbook::new();
        wb.add_worksheet().write_string(0, 0, "x").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert_eq!(
            read_upload(&bytes, PERIOD, &known()),
            Err(RoundTripError::NoSheet)
        );
    }

    #[test]
    fn moved_columns_are_refused() {
        let template = template_xlsx(&sample()).unwrap();
        let upload = edit_template(&template, |g| {
            for r in g.iter_mut().skip(2) {
                r.swap(5, 6);
            }
        });
        let errors = cells_err(read_upload(&upload, PERIOD, &known()));
        // The header cells, then row 4 whose 工作进展及成效 now looks empty.
        assert_eq!(cell_names(&errors), ["F3", "G3", "F4"]);
        assert_eq!(
            errors[0].message,
            "表头应为“工作进展及成效”,请不要增删或移动列"
        );
    }

    #[test]
    fn too_many_rows_and_far_cells() {
        let mut rows = vec![row(
            4,
            ["1.1", "", "", "推进中", "正常推进", "做了", "", ""],
        )];
        // A cell far to the right is ignored; one far down is past the row limit. Neither
        // allocates a dense range.
        rows.push((1_048_576, vec![(16_383, s("远处")), (0, s("3.1"))]));
        rows.push((2500, vec![(5, s("多余"))]));
        let file = user_file(Some(PERIOD), &rows);
        let errors = cells_err(read_upload(&file, PERIOD, &known()));
        assert_eq!(cell_names(&errors), ["A2500"]);
        assert!(errors[0].message.contains("最多 2000 行"));

        // Exactly MAX_ROWS data rows are fine.
        let ok = user_file(
            Some(PERIOD),
            &[
                row(4, ["1.1", "", "", "推进中", "正常推进", "做了", "", ""]),
                (2003, vec![(0, s("9.9"))]),
            ],
        );
        assert_eq!(read_upload(&ok, PERIOD, &known()).unwrap().len(), 1);
    }

    #[test]
    fn too_large_is_refused_before_anything_else() {
        let bytes = vec![0u8; MAX_UPLOAD_BYTES + 1];
        assert_eq!(
            read_upload(&bytes, PERIOD, &known()),
            Err(RoundTripError::TooLarge)
        );
        assert_eq!(RoundTripError::TooLarge.to_string(), "文件超过 5 MB");
    }

    #[test]
    fn non_xlsx_is_refused() {
        let pdf =
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
        assert_eq!(
            read_upload(pdf, PERIOD, &known()),
            Err(RoundTripError::NotXlsx)
        );
        assert_eq!(
            read_upload(b"", PERIOD, &known()),
            Err(RoundTripError::NotXlsx)
        );
        assert_eq!(
            read_upload(b"PK\x03\x04", PERIOD, &known()),
            Err(RoundTripError::NotXlsx)
        );
        let csv = "编号,任务\n1.1,x\n".as_bytes();
        assert_eq!(
            read_upload(csv, PERIOD, &known()),
            Err(RoundTripError::NotXlsx)
        );

        // A valid ZIP that is not a workbook.
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("hello.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"hello").unwrap();
        let zip_bytes = w.finish().unwrap().into_inner();
        assert_eq!(
            read_upload(&zip_bytes, PERIOD, &known()),
            Err(RoundTripError::NotXlsx)
        );

        // A truncated workbook.
        let template = template_xlsx(&sample()).unwrap();
        let cut = &template[..template.len() / 2];
        assert_eq!(
            read_upload(cut, PERIOD, &known()),
            Err(RoundTripError::NotXlsx)
        );
    }

    /// A stored (uncompressed) ZIP whose entries declare `declared` uncompressed bytes each,
    /// with `data` as their content: the headers say what an attacker wants them to say.
    fn crafted_zip(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data, declared) in entries {
            let offset = out.len() as u32;
            let header = |sig: u32, central: bool| {
                let mut h = Vec::new();
                h.extend_from_slice(&sig.to_le_bytes());
                if central {
                    h.extend_from_slice(&20u16.to_le_bytes()); // made by
                }
                h.extend_from_slice(&20u16.to_le_bytes()); // version needed
                h.extend_from_slice(&0u16.to_le_bytes()); // flags
                h.extend_from_slice(&8u16.to_le_bytes()); // deflate
                h.extend_from_slice(&0u32.to_le_bytes()); // time, date
                h.extend_from_slice(&0u32.to_le_bytes()); // crc
                h.extend_from_slice(&(data.len() as u32).to_le_bytes());
                h.extend_from_slice(&declared.to_le_bytes());
                h.extend_from_slice(&(name.len() as u16).to_le_bytes());
                h.extend_from_slice(&0u16.to_le_bytes()); // extra
                if central {
                    h.extend_from_slice(&0u16.to_le_bytes()); // comment
                    h.extend_from_slice(&0u16.to_le_bytes()); // disk
                    h.extend_from_slice(&0u16.to_le_bytes()); // internal attrs
                    h.extend_from_slice(&0u32.to_le_bytes()); // external attrs
                    h.extend_from_slice(&offset.to_le_bytes());
                }
                h.extend_from_slice(name.as_bytes());
                h
            };
            out.extend(header(0x0403_4b50, false));
            out.extend_from_slice(data);
            central.extend(header(0x0201_4b50, true));
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    #[test]
    fn declared_zip_bomb_is_refused_without_unpacking() {
        // One entry declaring 4 GB.
        let bomb = crafted_zip(&[("xl/worksheets/sheet1.xml", b"\x03\x00", u32::MAX)]);
        assert!(bomb.len() < 200);
        assert_eq!(
            read_upload(&bomb, PERIOD, &known()),
            Err(RoundTripError::ZipBomb)
        );

        // Many entries each under the limit, together over it.
        let names: Vec<String> = (0..6)
            .map(|i| format!("xl/worksheets/sheet{i}.xml"))
            .collect();
        let entries: Vec<(&str, &[u8], u32)> = names
            .iter()
            .map(|n| (n.as_str(), &b"\x03\x00"[..], 10 * 1024 * 1024))
            .collect();
        let bomb = crafted_zip(&entries);
        assert_eq!(
            read_upload(&bomb, PERIOD, &known()),
            Err(RoundTripError::ZipBomb)
        );

        // Five of them (50 MB exactly) pass the size check and fail as a workbook.
        let ok = crafted_zip(&entries[..5]);
        assert_eq!(
            read_upload(&ok, PERIOD, &known()),
            Err(RoundTripError::NotXlsx)
        );
    }

    #[test]
    fn too_many_zip_entries_are_refused() {
        let names: Vec<String> = (0..1001).map(|i| format!("f{i}")).collect();
        let entries: Vec<(&str, &[u8], u32)> =
            names.iter().map(|n| (n.as_str(), &b""[..], 0)).collect();
        let many = crafted_zip(&entries);
        assert_eq!(
            read_upload(&many, PERIOD, &known()),
            Err(RoundTripError::ZipBomb)
        );
        let fewer = crafted_zip(&entries[..1000]);
        assert_eq!(
            read_upload(&fewer, PERIOD, &known()),
            Err(RoundTripError::NotXlsx)
        );
    }

    /// The template with `pads` extra entries of 1 MB of zeros each (deflated once, then
    /// copied raw), as a bomb would hide them inside a genuine workbook.
    fn padded_workbook(pads: usize) -> Vec<u8> {
        let template = template_xlsx(&sample()).unwrap();
        let mut pad = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(9));
        pad.start_file("pad", opts).unwrap();
        pad.write_all(&vec![0u8; 1024 * 1024]).unwrap();
        let mut pad = pad.finish_into_readable().unwrap();

        let mut src = zip::ZipArchive::new(Cursor::new(template)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..src.len() {
            out.raw_copy_file(src.by_index(i).unwrap()).unwrap();
        }
        for i in 0..pads {
            out.raw_copy_file_rename(pad.by_index(0).unwrap(), format!("xl/media/pad{i}.bin"))
                .unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    /// The template with the first `from` in its part `name` replaced by `to`.
    fn template_edited(name: &str, from: &str, to: &str) -> Vec<u8> {
        let template = template_xlsx(&sample()).unwrap();
        let mut src = zip::ZipArchive::new(Cursor::new(template)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..src.len() {
            let mut entry = src.by_index(i).unwrap();
            if entry.name().unwrap() != name {
                out.raw_copy_file(entry).unwrap();
                continue;
            }
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            assert!(text.contains(from), "{name} holds {from}");
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(text.replacen(from, to, 1).as_bytes())
                .unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn cell_references_past_the_sheet_are_refused_in_every_build() {
        // calamine's arithmetic overflows on these; with overflow checks (kept on for calamine
        // in release builds too, see Cargo.toml) that is a contained panic and a refusal,
        // never a cell wrapped round to another position.
        for (part, from, to) in [
            (
                "xl/worksheets/sheet1.xml",
                r#"r="A3""#,
                r#"r="A99999999999""#,
            ),
            (
                "xl/worksheets/sheet1.xml",
                r#"r="A3""#,
                r#"r="AAAAAAAAAA3""#,
            ),
            (
                "xl/worksheets/sheet2.xml",
                r#"r="A1""#,
                r#"r="A99999999999""#,
            ),
        ] {
            let bytes = template_edited(part, from, to);
            assert_eq!(
                read_upload(&bytes, PERIOD, &known()),
                Err(RoundTripError::NotXlsx),
                "{to} in {part}"
            );
        }
        // The same edit within the sheet's bounds reads normally.
        let fine = template_edited("xl/worksheets/sheet1.xml", r#"r="A3""#, r#"r="A3""#);
        assert!(read_upload(&fine, PERIOD, &known()).is_ok());
    }

    #[test]
    fn real_deflate_bomb_is_refused() {
        // 60 MB of zeros in well under 1 MB, inside a genuine workbook.
        let bomb = padded_workbook(60);
        assert!(bomb.len() < MAX_UPLOAD_BYTES / 10, "{}", bomb.len());
        assert_eq!(
            read_upload(&bomb, PERIOD, &known()),
            Err(RoundTripError::ZipBomb)
        );
        // The same workbook with 40 MB of padding is under the limit and reads normally.
        let fine = padded_workbook(40);
        assert_eq!(read_upload(&fine, PERIOD, &known()).unwrap().len(), 1);
    }

    #[test]
    fn random_and_mutated_input_never_panics() {
        let template = template_xlsx(&sample()).unwrap();
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for i in 0..300 {
            let bytes: Vec<u8> = if i % 3 == 0 {
                let len = (next() % 4096) as usize;
                let mut b: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                if i % 2 == 0 && b.len() >= 4 {
                    b[..4].copy_from_slice(b"PK\x03\x04");
                }
                b
            } else {
                let mut b = template.clone();
                for _ in 0..(1 + next() % 8) {
                    let at = (next() as usize) % b.len();
                    b[at] = next() as u8;
                }
                if i % 5 == 0 {
                    b.truncate((next() as usize) % b.len());
                }
                b
            };
            // Any answer is fine, as long as it is an answer.
            let _ = read_upload(&bytes, PERIOD, &known());
        }
    }
}

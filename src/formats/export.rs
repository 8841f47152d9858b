//! 台账 (ledger) export as XLSX and CSV.
//!
//! The module is pure: the caller gathers a [`Ledger`] (one [`TaskLedgerRow`] per task and one
//! [`LedgerRow`] per task and unit in plan order, plus one [`UnitSummaryRow`] per unit) and gets
//! the file's bytes back. Nothing here
//! touches the database, the file system or the clock, and nothing depends on the rest of the
//! crate; the same ledger always gives the same bytes.
//!
//! Every text value passes through [`neutralize`] before it is written, so that a value such as
//! `=HYPERLINK(...)` typed into a progress report is shown as text by Excel, WPS or LibreOffice
//! rather than run as a formula. In the XLSX file every text is also written as a string cell
//! (never a formula), and text longer than Excel's cell limit is cut short with a visible marker.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

mod instructions_sheet;
mod tasks_sheet;
pub use instructions_sheet::{INSTRUCTION_HEADERS, INSTRUCTIONS_SHEET, InstructionLedgerRow};
pub use tasks_sheet::{TASK_COLUMNS, TASK_HEADERS, TASKS_SHEET, TaskLedgerRow};

/// One row of the ledger: one task and one responsible unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerRow {
    /// The plan section, e.g. "一、扎实开展重点难点治理".
    pub section: String,
    /// The subsection, e.g. "(一)开展互联网领域治理".
    pub subsection: String,
    /// The task code, e.g. "1.1.1".
    pub code: String,
    /// The task text.
    pub text: String,
    /// The unit, e.g. "公安部" ("(待明确)" when the task has no unit yet).
    pub unit: String,
    /// "牵头" / "配合" / "".
    pub role: String,
    /// "2022年10月31日前" / "持续推进" ...
    pub deadline: String,
    /// "红灯" / "黄灯" / "绿灯" / "灰灯".
    pub light: String,
    /// "推进中" ...
    pub status: String,
    /// Date of the unit's latest progress report on the task, if any.
    pub latest_report_date: Option<NaiveDate>,
    /// Text of that report (empty when there is none).
    pub latest_report_text: String,
}

/// One row of the per-unit summary sheet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitSummaryRow {
    pub unit: String,
    /// Tasks the unit leads (牵头).
    pub led: u32,
    /// Tasks the unit cooperates on (配合).
    pub co: u32,
    /// Reports due so far (应报): on time, late, missing or returned.
    pub owed: u32,
    /// Reports submitted on time (按时报送).
    pub on_time: u32,
    /// Reports submitted late (逾期报送).
    pub late: u32,
    /// Reports missing (未报送).
    pub missing: u32,
    /// Reports returned (被退回).
    pub returned: u32,
    /// Red lights (红灯).
    pub red: u32,
    /// Yellow lights (黄灯).
    pub yellow: u32,
    /// Extensions asked (申请延期), of them approved (批准延期).
    pub extensions_asked: u32,
    pub extensions_approved: u32,
    /// Assignments acknowledged (已签收) and contested (申诉).
    pub acknowledged: u32,
    pub contested: u32,
    /// Reports its head signed off (经负责人签发) and returned to the liaison (负责人退回).
    pub signed_off: u32,
    pub sign_off_returned: u32,
}

/// The whole ledger of one plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger {
    /// The plan title; becomes the XLSX document title and the printed page header.
    pub title: String,
    /// The plan's document number (文号), empty when it has none.
    pub doc_number: String,
    /// The date the ledger describes.
    pub as_of: NaiveDate,
    /// 工作台账: one row per task, in plan order.
    pub tasks: Vec<TaskLedgerRow>,
    /// The detail: one row per task and unit.
    pub rows: Vec<LedgerRow>,
    pub units: Vec<UnitSummaryRow>,
    /// 领导批示 on the tasks, newest first.
    pub instructions: Vec<InstructionLedgerRow>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("生成 Excel 文件失败：{0}")]
    Xlsx(String),
}

/// Name of the second XLSX sheet (one row per task and unit, the detail; the CSV's layout).
pub const LEDGER_SHEET: &str = "台账明细";
/// Name of the second XLSX sheet (one row per unit).
pub const UNITS_SHEET: &str = "单位汇总";
/// Column headers of the ledger sheet and of the CSV file.
pub const LEDGER_HEADERS: [&str; 11] = [
    "部分",
    "小节",
    "编号",
    "任务",
    "责任单位",
    "职责",
    "办理时限",
    "红黄绿灯",
    "进展状态",
    "最新报告日期",
    "最新报告内容",
];
/// Column headers of the unit summary sheet.
pub const UNIT_HEADERS: [&str; 16] = [
    "单位",
    "牵头任务",
    "配合任务",
    "应报",
    "按时报送",
    "逾期报送",
    "未报送",
    "被退回",
    "红灯",
    "黄灯",
    "申请延期",
    "批准延期",
    "已签收",
    "申诉",
    "经负责人签发",
    "负责人退回",
];

/// Excel's limit on the text of one cell, in UTF-16 code units.
const MAX_CELL_UTF16: usize = 32_767;
/// Appended to a cell's text that had to be cut to fit [`MAX_CELL_UTF16`].
const TRUNCATION_MARK: &str = "…（内容过长，已截断）";
/// Widths of the ledger sheet's columns, in Excel's character units (a Chinese character is
/// about two); the last number says whether the column's text wraps.
const LEDGER_COLUMNS: [(f64, bool); 11] = [
    (16.0, true),  // 部分
    (18.0, true),  // 小节
    (9.0, false),  // 编号
    (60.0, true),  // 任务
    (16.0, true),  // 责任单位
    (8.0, false),  // 职责
    (16.0, true),  // 办理时限
    (11.0, false), // 红黄绿灯
    (11.0, true),  // 进展状态
    (15.0, false), // 最新报告日期
    (60.0, true),  // 最新报告内容
];
const DATE_COLUMN: u16 = 9;
const LIGHT_COLUMN: u16 = 7;
const HEADER_FILL: u32 = 0xDDE6F0;
const BORDER_COLOUR: u32 = 0xA6A6A6;

/// Neutralises a cell value that a spreadsheet would read as a formula: values beginning with
/// `=`, `+`, `-` or `@` or their full-width forms `＝＋－＠` (also after leading whitespace, and
/// tab/CR which Excel treats similarly) are prefixed with a single quote `'`.
///
/// "Leading whitespace" is any Unicode whitespace, the ideographic space `U+3000` included; a
/// value whose first non-space character is a tab or a carriage return is prefixed as well.
/// Anything else is returned unchanged and unallocated.
pub fn neutralize(value: &str) -> Cow<'_, str> {
    let rest = value.trim_start_matches(|c: char| c.is_whitespace() && c != '\t' && c != '\r');
    match rest.chars().next() {
        // Full-width ＝＋－＠ too: Excel and WPS read them as their ASCII forms at a cell's
        // start, and a Chinese input method types them by default.
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            Cow::Owned(format!("'{value}"))
        }
        _ => Cow::Borrowed(value),
    }
}

/// The ledger as an XLSX workbook: sheet `工作台账` (one row per task, under a title), sheet
/// `台账明细` (one row per task and unit, in the order given), sheet `单位汇总` (one row per
/// unit: its tasks and punctuality) and sheet `领导批示` (one row per instruction).
pub fn ledger_xlsx(ledger: &Ledger) -> Result<Vec<u8>, ExportError> {
    build_workbook(ledger).map_err(|e| ExportError::Xlsx(e.to_string()))
}

/// The ledger sheet's rows as CSV: UTF-8 with a byte-order mark (so that Excel opens it as
/// UTF-8), a Chinese header row, RFC 4180 quoting and CRLF line ends; dates as `YYYY-MM-DD`.
///
/// Each field is passed through [`neutralize`]. Unlike the XLSX file, no text is shortened.
pub fn ledger_csv(ledger: &Ledger) -> Vec<u8> {
    let mut out = String::with_capacity(
        64 + ledger
            .rows
            .iter()
            .map(|r| r.text.len() + r.latest_report_text.len() + 128)
            .sum::<usize>(),
    );
    out.push('\u{FEFF}');
    push_csv_record(&mut out, LEDGER_HEADERS.iter().copied());
    for row in &ledger.rows {
        let date = row.latest_report_date.map(iso_date).unwrap_or_default();
        push_csv_record(
            &mut out,
            [
                row.section.as_str(),
                &row.subsection,
                &row.code,
                &row.text,
                &row.unit,
                &row.role,
                &row.deadline,
                &row.light,
                &row.status,
                &date,
                &row.latest_report_text,
            ],
        );
    }
    out.into_bytes()
}

fn push_csv_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let field = neutralize(field);
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

fn iso_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The date as an Excel date, or `None` outside the years Excel can show (1900–9999).
fn excel_date(date: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(date.year()).ok()?;
    // Month and day always fit; the conversions cannot fail for a valid `NaiveDate`.
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// Prepares a text for an XLSX cell: neutralised, characters that XML cannot carry replaced,
/// and cut on a character boundary to Excel's 32,767-unit limit, with [`TRUNCATION_MARK`]
/// appended when it was cut.
fn cell_text(value: &str) -> Cow<'_, str> {
    let mut text = neutralize(value);
    if text.contains(['\u{FFFE}', '\u{FFFF}']) {
        text = Cow::Owned(text.replace(['\u{FFFE}', '\u{FFFF}'], "\u{FFFD}"));
    }
    // A UTF-8 string has at least as many bytes as UTF-16 units, so short texts need no count.
    if text.len() <= MAX_CELL_UTF16 || text.encode_utf16().count() <= MAX_CELL_UTF16 {
        return text;
    }
    let budget = MAX_CELL_UTF16 - TRUNCATION_MARK.encode_utf16().count();
    let mut used = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if used + c.len_utf16() > budget {
            break;
        }
        used += c.len_utf16();
        end = i + c.len_utf8();
    }
    let mut cut = String::with_capacity(end + TRUNCATION_MARK.len());
    cut.push_str(&text[..end]);
    cut.push_str(TRUNCATION_MARK);
    Cow::Owned(cut)
}

/// Text for the printed page header: no control characters, at most 80 characters, `&`
/// doubled (a single `&` starts a header code).
fn header_text(title: &str) -> String {
    let mut text: String = title.chars().filter(|c| !c.is_control()).take(80).collect();
    if title.chars().filter(|c| !c.is_control()).nth(80).is_some() {
        text.push('…');
    }
    text.replace('&', "&&")
}

struct Formats {
    header: Format,
    text: Format,
    wrapped: Format,
    centred: Format,
    date: Format,
    number: Format,
    red: Format,
    yellow: Format,
    green: Format,
    grey: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(BORDER_COLOUR))
            .set_align(FormatAlign::Top);
        let centred = base.clone().set_align(FormatAlign::Center);
        let light = |fill: u32, font: u32| {
            centred
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(fill))
                .set_font_color(Color::RGB(font))
        };
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(BORDER_COLOUR))
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            text: base.clone(),
            wrapped: base.clone().set_text_wrap(),
            date: centred.clone().set_num_format("yyyy-mm-dd"),
            number: base.clone().set_align(FormatAlign::Right),
            // The colours of the web pages' lights (static/style.css).
            red: light(0xC62828, 0xFFFFFF),
            yellow: light(0xF2C200, 0x000000),
            green: light(0x2E7D32, 0xFFFFFF),
            grey: light(0x6E7781, 0xFFFFFF),
            centred,
        }
    }

    fn light(&self, light: &str) -> &Format {
        match light.trim() {
            "红灯" => &self.red,
            "黄灯" => &self.yellow,
            "绿灯" => &self.green,
            "灰灯" => &self.grey,
            _ => &self.centred,
        }
    }
}

fn build_workbook(ledger: &Ledger) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();

    let mut properties = DocProperties::new()
        .set_title(ledger.title.as_str())
        .set_subject(format!("台账（截至 {}）", iso_date(ledger.as_of)))
        .set_custom_property("截至日期", iso_date(ledger.as_of).as_str());
    // A fixed creation time keeps the output a function of the input alone.
    if let Some(as_of) = excel_date(ledger.as_of) {
        properties = properties.set_creation_datetime(&as_of);
    }
    workbook.set_properties(&properties);

    let sheet = workbook.add_worksheet();
    tasks_sheet::write(sheet, ledger, &formats)?;
    let sheet = workbook.add_worksheet();
    write_ledger_sheet(sheet, ledger, &formats)?;
    let sheet = workbook.add_worksheet();
    write_units_sheet(sheet, ledger, &formats)?;
    let sheet = workbook.add_worksheet();
    instructions_sheet::write(sheet, ledger, &formats)?;

    workbook.save_to_buffer()
}

fn write_header(sheet: &mut Worksheet, headers: &[&str], format: &Format) -> Result<(), XlsxError> {
    for (col, header) in (0u16..).zip(headers) {
        sheet.write_string_with_format(0, col, *header, format)?;
    }
    let last_col = u16::try_from(headers.len() - 1).map_err(|_| XlsxError::RowColumnLimitError)?;
    sheet.set_row_height(0, 24)?;
    sheet.autofilter(0, 0, 0, last_col)?;
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

fn write_ledger_sheet(
    sheet: &mut Worksheet,
    ledger: &Ledger,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(LEDGER_SHEET)?;
    for (col, (width, _)) in (0u16..).zip(LEDGER_COLUMNS) {
        sheet.set_column_width(col, width)?;
    }
    write_header(sheet, &LEDGER_HEADERS, &f.header)?;
    sheet.set_freeze_panes(1, 3)?;
    page_setup(sheet, ledger);

    for (index, row) in ledger.rows.iter().enumerate() {
        let r = u32::try_from(index + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        let texts: [(u16, &str); 9] = [
            (0, &row.section),
            (1, &row.subsection),
            (2, &row.code),
            (3, &row.text),
            (4, &row.unit),
            (5, &row.role),
            (6, &row.deadline),
            (8, &row.status),
            (10, &row.latest_report_text),
        ];
        for (col, value) in texts {
            let format = match col {
                5 => &f.centred,
                c if LEDGER_COLUMNS[usize::from(c)].1 => &f.wrapped,
                _ => &f.text,
            };
            sheet.write_string_with_format(r, col, cell_text(value), format)?;
        }
        sheet.write_string_with_format(
            r,
            LIGHT_COLUMN,
            cell_text(&row.light),
            f.light(&row.light),
        )?;
        match row.latest_report_date {
            Some(date) => match excel_date(date) {
                Some(excel) => sheet.write_datetime_with_format(r, DATE_COLUMN, excel, &f.date)?,
                // Outside Excel's calendar: keep the date readable as text.
                None => sheet.write_string_with_format(
                    r,
                    DATE_COLUMN,
                    cell_text(&iso_date(date)),
                    &f.centred,
                )?,
            },
            None => sheet.write_blank(r, DATE_COLUMN, &f.date)?,
        };
    }
    Ok(())
}

fn page_setup(sheet: &mut Worksheet, ledger: &Ledger) {
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_header(format!(
        "&L{}&R截至 {}",
        header_text(&ledger.title),
        iso_date(ledger.as_of)
    ));
    sheet.set_footer("&C第 &P 页，共 &N 页");
}

fn write_units_sheet(sheet: &mut Worksheet, ledger: &Ledger, f: &Formats) -> Result<(), XlsxError> {
    sheet.set_name(UNITS_SHEET)?;
    sheet.set_column_width(0, 28)?;
    for col in 1..u16::try_from(UNIT_HEADERS.len()).unwrap_or(u16::MAX) {
        sheet.set_column_width(col, 11)?;
    }
    write_header(sheet, &UNIT_HEADERS, &f.header)?;
    sheet.set_freeze_panes(1, 1)?;
    sheet.set_print_fit_to_pages(1, 0);

    for (index, unit) in ledger.units.iter().enumerate() {
        let r = u32::try_from(index + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        sheet.write_string_with_format(r, 0, cell_text(&unit.unit), &f.wrapped)?;
        let numbers = [
            unit.led,
            unit.co,
            unit.owed,
            unit.on_time,
            unit.late,
            unit.missing,
            unit.returned,
            unit.red,
            unit.yellow,
            unit.extensions_asked,
            unit.extensions_approved,
            unit.acknowledged,
            unit.contested,
            unit.signed_off,
            unit.sign_off_returned,
        ];
        for (col, n) in (1u16..).zip(numbers) {
            sheet.write_number_with_format(r, col, f64::from(n), &f.number)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn row(code: &str, unit: &str) -> LedgerRow {
        LedgerRow {
            section: "一、扎实开展重点难点治理".into(),
            subsection: "(一)开展互联网领域治理".into(),
            code: code.into(),
            text: "依法打击网络违法犯罪活动,净化网络空间。".into(),
            unit: unit.into(),
            role: "牵头".into(),
            deadline: "2022年10月31日前".into(),
            light: "红灯".into(),
            status: "推进中".into(),
            latest_report_date: Some(date(2022, 7, 8)),
            latest_report_text: "已完成第一阶段工作。".into(),
        }
    }

    fn task(number: u32, code: &str) -> TaskLedgerRow {
        TaskLedgerRow {
            number,
            code: code.into(),
            text: "依法打击网络违法犯罪活动,净化网络空间。".into(),
            leads: "公安部".into(),
            cos: "网信办、工业和信息化部".into(),
            deadline: "2022年12月31日前（原定：2022年10月31日前）".into(),
            cycle: "每季度报送".into(),
            status: "推进中".into(),
            light: "红灯".into(),
            progress: "已完成第一阶段工作。\n（2022年第二季度，2022年7月8日报送）".into(),
            problems: "经费不足".into(),
            next_steps: "继续推进".into(),
            coordination: "请财政部支持".into(),
            review: "已采纳".into(),
            note: String::new(),
        }
    }

    fn sample() -> Ledger {
        let mut second = row("1.1.2", "（待明确）");
        second.role = String::new();
        second.light = "灰灯".into();
        second.latest_report_date = None;
        second.latest_report_text = String::new();
        let mut third = row("1.1.3", "网信办");
        third.role = "配合".into();
        third.light = "绿灯".into();
        third.latest_report_text = "=1+1".into();
        Ledger {
            title: "2022年督办工作方案 & 任务分工".into(),
            doc_number: "督办〔2022〕1号".into(),
            as_of: date(2022, 7, 8),
            tasks: vec![task(1, "1.1.1"), task(2, "1.1.2")],
            rows: vec![row("1.1.1", "公安部"), second, third],
            units: vec![
                UnitSummaryRow {
                    unit: "公安部".into(),
                    led: 3,
                    co: 1,
                    owed: 4,
                    on_time: 2,
                    late: 1,
                    missing: 0,
                    returned: 1,
                    red: 1,
                    yellow: 0,
                    extensions_asked: 2,
                    extensions_approved: 1,
                    acknowledged: 3,
                    contested: 1,
                    signed_off: 2,
                    sign_off_returned: 1,
                },
                UnitSummaryRow {
                    unit: "网信办".into(),
                    led: 0,
                    co: 2,
                    owed: 2,
                    on_time: 0,
                    late: 0,
                    missing: 2,
                    returned: 0,
                    red: 0,
                    yellow: 2,
                    ..UnitSummaryRow::default()
                },
            ],
            instructions: vec![InstructionLedgerRow {
                code: "1.1.1".into(),
                text: "=请抓紧推进".into(),
                leader: "张三".into(),
                written_on: "2022年7月1日".into(),
                answer_by: String::new(),
                units: "公安部、网信办".into(),
                state: "办理中".into(),
                answers: "公安部：已部署。\n网信办：待答复".into(),
                closed_on: String::new(),
            }],
        }
    }

    #[test]
    fn xlsx_instructions_are_text_one_row_each() {
        let mut book = open(ledger_xlsx(&sample()).unwrap());
        let sheet = book.worksheet_range(INSTRUCTIONS_SHEET).unwrap();
        let header: Vec<&str> = sheet.rows().next().unwrap().iter().map(text).collect();
        assert_eq!(header, INSTRUCTION_HEADERS);
        assert_eq!(sheet.height(), 2);
        assert_eq!(text(&sheet[(1, 1)]), "'=请抓紧推进");
        assert_eq!(text(&sheet[(1, 7)]), "公安部：已部署。\n网信办：待答复");
    }

    fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        Xlsx::new(Cursor::new(bytes)).expect("calamine opens the workbook")
    }

    fn text(data: &Data) -> &str {
        match data {
            Data::String(s) => s,
            other => panic!("expected a string cell, got {other:?}"),
        }
    }

    /// Excel's serial number of a date (days since 1899-12-30, valid after 1900-02-28).
    fn serial(d: NaiveDate) -> f64 {
        (d - date(1899, 12, 30)).num_days() as f64
    }

    fn csv_text(ledger: &Ledger) -> String {
        let bytes = ledger_csv(ledger);
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        String::from_utf8(bytes[3..].to_vec()).unwrap()
    }

    #[test]
    fn neutralize_prefixes_formula_starts() {
        for value in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\t=1+1",
            "\tabc",
            "\r=1",
            "  =1+1",
            "\u{3000}=1+1",
            "\n-2",
            "＝1+1",
            "＋1",
            "－1",
            "＠SUM(A1)",
            "\u{3000}＝HYPERLINK(\"x\")",
        ] {
            assert_eq!(neutralize(value), format!("'{value}"), "{value:?}");
        }
        assert_eq!(neutralize("=1+1"), "'=1+1");
    }

    #[test]
    fn neutralize_leaves_ordinary_text_alone() {
        for value in [
            "2022年",
            "",
            "   ",
            "公安部",
            "1.1.1",
            "a=b",
            "'=1",
            "2022-07-08",
            "（待明确）",
        ] {
            assert!(
                matches!(neutralize(value), Cow::Borrowed(v) if v == value),
                "{value:?}"
            );
        }
    }

    #[test]
    fn xlsx_has_both_sheets_with_headers() {
        let ledger = sample();
        let mut book = open(ledger_xlsx(&ledger).unwrap());
        assert_eq!(
            book.sheet_names(),
            vec!["工作台账", "台账明细", "单位汇总", "领导批示"]
        );

        let sheet = book.worksheet_range(LEDGER_SHEET).unwrap();
        assert_eq!(sheet.height(), ledger.rows.len() + 1);
        assert_eq!(sheet.width(), LEDGER_HEADERS.len());
        let header: Vec<&str> = sheet.rows().next().unwrap().iter().map(text).collect();
        assert_eq!(header, LEDGER_HEADERS);

        let units = book.worksheet_range("单位汇总").unwrap();
        assert_eq!(units.height(), ledger.units.len() + 1);
        let header: Vec<&str> = units.rows().next().unwrap().iter().map(text).collect();
        assert_eq!(header, UNIT_HEADERS);
    }

    #[test]
    fn xlsx_ledger_cells_round_trip() {
        let ledger = sample();
        let mut book = open(ledger_xlsx(&ledger).unwrap());
        let sheet = book.worksheet_range(LEDGER_SHEET).unwrap();

        assert_eq!(text(&sheet[(1, 0)]), "一、扎实开展重点难点治理");
        assert_eq!(text(&sheet[(1, 1)]), "(一)开展互联网领域治理");
        assert_eq!(text(&sheet[(1, 2)]), "1.1.1");
        assert_eq!(
            text(&sheet[(1, 3)]),
            "依法打击网络违法犯罪活动,净化网络空间。"
        );
        assert_eq!(text(&sheet[(1, 4)]), "公安部");
        assert_eq!(text(&sheet[(1, 5)]), "牵头");
        assert_eq!(text(&sheet[(1, 6)]), "2022年10月31日前");
        assert_eq!(text(&sheet[(1, 7)]), "红灯");
        assert_eq!(text(&sheet[(1, 8)]), "推进中");
        assert_eq!(text(&sheet[(1, 10)]), "已完成第一阶段工作。");
        assert_eq!(text(&sheet[(2, 4)]), "（待明确）");
        // An empty role and a missing report are empty cells.
        assert_eq!(sheet[(2, 5)], Data::Empty);
        assert_eq!(sheet[(2, 9)], Data::Empty);
        assert_eq!(sheet[(2, 10)], Data::Empty);
    }

    #[test]
    fn xlsx_report_date_is_a_real_date() {
        let mut book = open(ledger_xlsx(&sample()).unwrap());
        let sheet = book.worksheet_range(LEDGER_SHEET).unwrap();
        match &sheet[(1, 9)] {
            Data::DateTime(dt) => {
                assert!(dt.is_datetime());
                assert_eq!(dt.as_f64(), 44750.0);
                assert_eq!(dt.as_f64(), serial(date(2022, 7, 8)));
            }
            other => panic!("expected a date cell, got {other:?}"),
        }
    }

    #[test]
    fn xlsx_date_outside_excel_range_is_text() {
        let mut ledger = sample();
        ledger.rows[0].latest_report_date = Some(date(1800, 1, 2));
        let mut book = open(ledger_xlsx(&ledger).unwrap());
        let sheet = book.worksheet_range(LEDGER_SHEET).unwrap();
        assert_eq!(text(&sheet[(1, 9)]), "1800-01-02");
    }

    #[test]
    fn xlsx_unit_numbers_are_numbers() {
        let mut book = open(ledger_xlsx(&sample()).unwrap());
        let units = book.worksheet_range("单位汇总").unwrap();
        assert_eq!(text(&units[(1, 0)]), "公安部");
        assert_eq!(text(&units[(2, 0)]), "网信办");
        let first: Vec<&Data> = units.rows().nth(1).unwrap().iter().skip(1).collect();
        let expected = [
            3.0, 1.0, 4.0, 2.0, 1.0, 0.0, 1.0, 1.0, 0.0, 2.0, 1.0, 3.0, 1.0, 2.0, 1.0,
        ];
        assert_eq!(first.len(), expected.len());
        for (cell, want) in first.into_iter().zip(expected) {
            match cell {
                Data::Float(v) => assert_eq!(*v, want),
                Data::Int(v) => assert_eq!(*v as f64, want),
                other => panic!("expected a number, got {other:?}"),
            }
        }
        assert_eq!(units[(2, 9)], Data::Float(2.0));
    }

    #[test]
    fn xlsx_formula_values_are_stored_as_quoted_text() {
        let mut ledger = sample();
        ledger.rows[0].text = "+cmd".into();
        ledger.rows[0].unit = "@SUM(A1)".into();
        ledger.rows[0].status = "-5".into();
        ledger.rows[0].deadline = "\t=1".into();
        ledger.units[0].unit = "=HYPERLINK(\"http://x\")".into();
        let mut book = open(ledger_xlsx(&ledger).unwrap());

        let sheet = book.worksheet_range(LEDGER_SHEET).unwrap();
        assert_eq!(text(&sheet[(3, 10)]), "'=1+1");
        assert_eq!(text(&sheet[(1, 3)]), "'+cmd");
        assert_eq!(text(&sheet[(1, 4)]), "'@SUM(A1)");
        assert_eq!(text(&sheet[(1, 8)]), "'-5");
        assert_eq!(text(&sheet[(1, 6)]), "'\t=1");
        let formulas = book.worksheet_formula(LEDGER_SHEET).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));

        let units = book.worksheet_range("单位汇总").unwrap();
        assert_eq!(text(&units[(1, 0)]), "'=HYPERLINK(\"http://x\")");
        let formulas = book.worksheet_formula("单位汇总").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    }

    #[test]
    fn xlsx_empty_ledger_has_only_headers() {
        let ledger = Ledger {
            title: String::new(),
            doc_number: String::new(),
            as_of: date(2022, 7, 8),
            tasks: vec![],
            rows: vec![],
            units: vec![],
            instructions: vec![],
        };
        let mut book = open(ledger_xlsx(&ledger).unwrap());
        assert_eq!(
            book.sheet_names(),
            vec!["工作台账", "台账明细", "单位汇总", "领导批示"]
        );
        let sheet = book.worksheet_range(LEDGER_SHEET).unwrap();
        assert_eq!(sheet.height(), 1);
        let header: Vec<&str> = sheet.rows().next().unwrap().iter().map(text).collect();
        assert_eq!(header, LEDGER_HEADERS);
        let units = book.worksheet_range("单位汇总").unwrap();
        assert_eq!(units.height(), 1);

        assert_eq!(
            csv_text(&ledger),
            format!("{}\r\n", LEDGER_HEADERS.join(","))
        );
    }

    #[test]
    fn xlsx_overlong_text_is_truncated_on_a_char_boundary() {
        let mut ledger = sample();
        // 40,000 characters; the emoji take two UTF-16 units each, so a cut by `char` count
        // alone would still overflow Excel's limit.
        ledger.rows[0].text = "督办".repeat(10_000) + &"😀".repeat(20_000);
        ledger.rows[1].latest_report_text = "=".repeat(40_000);
        let bytes = ledger_xlsx(&ledger).expect("long text does not fail");
        let mut book = open(bytes);
        let sheet = book.worksheet_range(LEDGER_SHEET).unwrap();

        let cut = text(&sheet[(1, 3)]);
        assert!(cut.encode_utf16().count() <= MAX_CELL_UTF16);
        assert!(cut.encode_utf16().count() > MAX_CELL_UTF16 - 20);
        assert!(cut.ends_with(TRUNCATION_MARK));
        let kept = cut.strip_suffix(TRUNCATION_MARK).unwrap();
        assert!(ledger.rows[0].text.starts_with(kept));

        let cut = text(&sheet[(2, 10)]);
        assert!(cut.starts_with("'="));
        assert!(cut.ends_with(TRUNCATION_MARK));
        assert!(cut.encode_utf16().count() <= MAX_CELL_UTF16);

        // The CSV keeps the text whole.
        assert!(csv_text(&ledger).contains(&ledger.rows[0].text));
    }

    #[test]
    fn cell_text_keeps_text_at_the_limit() {
        let exact = "a".repeat(MAX_CELL_UTF16);
        assert!(matches!(cell_text(&exact), Cow::Borrowed(_)));
        let over = "a".repeat(MAX_CELL_UTF16 + 1);
        let cut = cell_text(&over);
        assert_eq!(cut.encode_utf16().count(), MAX_CELL_UTF16);
        assert!(cut.ends_with(TRUNCATION_MARK));
        assert_eq!(cell_text("a\u{FFFF}b"), "a\u{FFFD}b");
    }

    #[test]
    fn xlsx_control_characters_survive() {
        let mut ledger = sample();
        ledger.rows[0].text = "第一行\n第二行\u{1}<&>\"".into();
        let mut book = open(ledger_xlsx(&ledger).unwrap());
        let sheet = book.worksheet_range(LEDGER_SHEET).unwrap();
        assert_eq!(text(&sheet[(1, 3)]), "第一行\n第二行\u{1}<&>\"");
    }

    #[test]
    fn xlsx_first_sheet_is_the_task_ledger_under_its_title() {
        let ledger = sample();
        let mut book = open(ledger_xlsx(&ledger).unwrap());
        assert_eq!(book.sheet_names()[0], TASKS_SHEET);
        let sheet = book.worksheet_range(TASKS_SHEET).unwrap();
        assert_eq!(text(&sheet[(0, 0)]), "2022年督办工作方案 & 任务分工");
        assert_eq!(text(&sheet[(1, 0)]), "督办〔2022〕1号　　截至2022年7月8日");
        let header: Vec<&str> = sheet.rows().nth(2).unwrap().iter().map(text).collect();
        assert_eq!(header, TASK_HEADERS);
        assert_eq!(sheet.height(), 3 + 2);
        let first = &ledger.tasks[0];
        let row: Vec<&Data> = sheet.rows().nth(3).unwrap().iter().collect();
        assert_eq!(*row[0], Data::Float(1.0));
        let want = [
            &first.code,
            &first.text,
            &first.leads,
            &first.cos,
            &first.deadline,
            &first.cycle,
            &first.status,
            &first.light,
            &first.progress,
            &first.problems,
            &first.next_steps,
            &first.coordination,
            &first.review,
        ];
        for (cell, want) in row[1..14].iter().zip(want) {
            assert_eq!(text(cell), want);
        }
        assert_eq!(row[14], &Data::Empty);
    }

    #[test]
    fn xlsx_task_lights_are_filled_cells() {
        use std::io::Read;
        let bytes = ledger_xlsx(&sample()).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut styles = String::new();
        zip.by_name("xl/styles.xml")
            .unwrap()
            .read_to_string(&mut styles)
            .unwrap();
        // The red light's fill, as on the web pages.
        assert!(styles.contains(r#"<fgColor rgb="FFC62828"/>"#), "{styles}");
        let mut sheet = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut sheet)
            .unwrap();
        let red = sheet.split(r#"<c r="I4" "#).nth(1).unwrap();
        let style: usize = red
            .split("s=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let xfs = styles.split("<cellXfs").nth(1).unwrap();
        let xf = xfs.split("<xf ").nth(style + 1).unwrap();
        let fill: usize = xf
            .split("fillId=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let fills = styles.split("<fills").nth(1).unwrap();
        let fill = fills.split("<fill>").nth(fill + 1).unwrap();
        assert!(fill.contains("FFC62828"), "I4 (红灯) is filled red: {fill}");
    }

    #[test]
    fn task_columns_fit_a4_landscape_at_80_percent() {
        // Excel's pixel width of a column of `w` characters (Calibri 11): 7 per unit plus 5.
        let pixels: f64 = TASK_COLUMNS.iter().map(|w| w * 7.0 + 5.0).sum();
        // A4 landscape (11.69 in) less the 0.4-inch side margins, at 96 pixels an inch.
        let printable = (11.69 - 0.8) * 96.0;
        let scale = printable / pixels;
        assert!(scale >= 0.8, "fit to width needs {scale:.2}");
        assert!(scale < 1.0, "the columns use the page: {scale:.2}");
    }

    #[test]
    fn xlsx_is_deterministic() {
        let ledger = sample();
        assert_eq!(ledger_xlsx(&ledger).unwrap(), ledger_xlsx(&ledger).unwrap());
    }

    #[test]
    fn xlsx_sets_document_properties() {
        let mut book = open(ledger_xlsx(&sample()).unwrap());
        let props = book.workbook_properties().unwrap();
        assert_eq!(
            props.title.as_deref(),
            Some("2022年督办工作方案 & 任务分工")
        );
        assert_eq!(props.subject.as_deref(), Some("台账（截至 2022-07-08）"));
        assert_eq!(props.created.as_deref(), Some("2022-07-08T00:00:00Z"));
        assert_eq!(
            props.custom_properties.get("截至日期").map(String::as_str),
            Some("2022-07-08")
        );
    }

    #[test]
    fn csv_layout() {
        let ledger = sample();
        let csv = csv_text(&ledger);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        // Header, three rows and the empty piece after the final CRLF.
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[4], "");
        assert_eq!(lines[0], LEDGER_HEADERS.join(","));
        assert_eq!(
            lines[1],
            "一、扎实开展重点难点治理,(一)开展互联网领域治理,1.1.1,\
             \"依法打击网络违法犯罪活动,净化网络空间。\",公安部,牵头,2022年10月31日前,红灯,推进中,\
             2022-07-08,已完成第一阶段工作。"
        );
        assert_eq!(
            lines[2],
            "一、扎实开展重点难点治理,(一)开展互联网领域治理,1.1.2,\
             \"依法打击网络违法犯罪活动,净化网络空间。\",（待明确）,,2022年10月31日前,灰灯,推进中,,"
        );
        assert!(lines[3].ends_with(",2022-07-08,'=1+1"), "{}", lines[3]);
        assert!(!csv.contains("\n\n") && !csv.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn csv_quotes_commas_quotes_and_newlines() {
        let mut ledger = sample();
        ledger.rows.truncate(1);
        ledger.rows[0].code = "a,b".into();
        ledger.rows[0].text = "他说\"好\"".into();
        ledger.rows[0].unit = "第一行\n第二行".into();
        ledger.rows[0].role = "x\ry".into();
        ledger.rows[0].deadline = "plain".into();
        ledger.rows[0].status = "=\"a,b\"".into();
        let csv = csv_text(&ledger);
        let record = csv.split_once("\r\n").unwrap().1;
        assert!(record.contains(",\"a,b\","), "{record}");
        assert!(record.contains(",\"他说\"\"好\"\"\","), "{record}");
        assert!(record.contains(",\"第一行\n第二行\","), "{record}");
        assert!(record.contains(",\"x\ry\","), "{record}");
        assert!(record.contains(",plain,"), "{record}");
        assert!(record.contains(",\"'=\"\"a,b\"\"\","), "{record}");
    }

    #[test]
    fn csv_neutralises_every_field() {
        let mut ledger = sample();
        ledger.rows.truncate(1);
        ledger.rows[0].section = "+1".into();
        ledger.rows[0].code = "-1".into();
        ledger.rows[0].unit = "@x".into();
        ledger.rows[0].text = "\t=1".into();
        ledger.rows[0].deadline = "2022年".into();
        let csv = csv_text(&ledger);
        let record = csv.split_once("\r\n").unwrap().1;
        assert!(record.starts_with("'+1,"), "{record}");
        assert!(record.contains(",'-1,'\t=1,'@x,"), "{record}");
        assert!(record.contains(",2022年,"), "{record}");
    }
}

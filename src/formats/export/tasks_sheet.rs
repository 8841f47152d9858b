//! 工作台账: the first sheet, one row per task as an office keeps its ledger, under a title
//! row, sized to print on A4 landscape at 80% scale or more.

use super::{Formats, Ledger, cell_text, header_text};
use chrono::Datelike;
use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

/// One row of 工作台账: one task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskLedgerRow {
    /// 序号, from 1.
    pub number: u32,
    pub code: String,
    pub text: String,
    /// 牵头单位, joined with “、”.
    pub leads: String,
    /// 配合单位.
    pub cos: String,
    /// 办理时限 in force, with the original beside it where it was changed.
    pub deadline: String,
    /// 报送周期.
    pub cycle: String,
    pub status: String,
    /// "红灯" / "黄灯" / "绿灯" / "灰灯".
    pub light: String,
    /// 进展情况: the lead's latest accepted or submitted work, with its period and date.
    pub progress: String,
    /// 存在问题 of that report.
    pub problems: String,
    /// 下一步计划 of that report.
    pub next_steps: String,
    /// 需协调事项 that went out with that report.
    pub coordination: String,
    /// 审核状态 of that report.
    pub review: String,
    /// 备注.
    pub note: String,
}

/// Name of the first sheet.
pub const TASKS_SHEET: &str = "工作台账";
/// Its column headers.
pub const TASK_HEADERS: [&str; 15] = [
    "序号",
    "任务编号",
    "任务内容",
    "牵头单位",
    "配合单位",
    "办理时限",
    "报送周期",
    "状态",
    "红黄绿灯",
    "进展情况",
    "存在问题",
    "下一步计划",
    "需协调事项",
    "审核状态",
    "备注",
];
/// Widths in Excel's character units (a Chinese character is about two); together about
/// 167 units, about 1,250 pixels: A4 landscape with 0.4-inch side margins is 1,045 pixels
/// wide, so fitting the width needs a scale of about 84%.
pub const TASK_COLUMNS: [f64; 15] = [
    5.0, 8.0, 26.0, 10.0, 10.0, 11.0, 8.0, 7.0, 6.0, 26.0, 12.0, 12.0, 10.0, 8.0, 8.0,
];
/// Rows above the data: title, 文号 and date, headers.
const HEADER_ROWS: u32 = 3;
const LIGHT_COLUMN: u16 = 8;

pub(super) fn write(sheet: &mut Worksheet, ledger: &Ledger, f: &Formats) -> Result<(), XlsxError> {
    sheet.set_name(TASKS_SHEET)?;
    for (col, width) in (0u16..).zip(TASK_COLUMNS) {
        sheet.set_column_width(col, width)?;
    }
    let last_col = u16::try_from(TASK_HEADERS.len() - 1).unwrap_or(0);
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let subtitle = Format::new().set_align(FormatAlign::Center);
    sheet.merge_range(0, 0, 0, last_col, &cell_text(&ledger.title), &title)?;
    sheet.set_row_height(0, 30)?;
    let as_of = format!(
        "截至{}年{}月{}日",
        ledger.as_of.year(),
        ledger.as_of.month(),
        ledger.as_of.day()
    );
    let line = if ledger.doc_number.trim().is_empty() {
        as_of
    } else {
        format!("{}　　{as_of}", ledger.doc_number.trim())
    };
    sheet.merge_range(1, 0, 1, last_col, &cell_text(&line), &subtitle)?;
    let h = HEADER_ROWS - 1;
    for (col, header) in (0u16..).zip(TASK_HEADERS) {
        sheet.write_string_with_format(h, col, header, &f.header)?;
    }
    sheet.set_row_height(h, 24)?;
    sheet.autofilter(h, 0, h, last_col)?;
    sheet.set_repeat_rows(h, h)?;
    sheet.set_freeze_panes(HEADER_ROWS, 3)?;

    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_header(format!(
        "&L{}&R截至 {}",
        header_text(&ledger.title),
        super::iso_date(ledger.as_of)
    ));
    sheet.set_footer("&C第 &P 页，共 &N 页");

    for (index, t) in ledger.tasks.iter().enumerate() {
        let r = u32::try_from(index)
            .ok()
            .and_then(|i| i.checked_add(HEADER_ROWS))
            .ok_or(XlsxError::RowColumnLimitError)?;
        sheet.write_number_with_format(r, 0, f64::from(t.number), &f.centred)?;
        let texts: [(u16, &str); 13] = [
            (1, &t.code),
            (2, &t.text),
            (3, &t.leads),
            (4, &t.cos),
            (5, &t.deadline),
            (6, &t.cycle),
            (7, &t.status),
            (9, &t.progress),
            (10, &t.problems),
            (11, &t.next_steps),
            (12, &t.coordination),
            (13, &t.review),
            (14, &t.note),
        ];
        for (col, value) in texts {
            let format = if col == 1 { &f.text } else { &f.wrapped };
            sheet.write_string_with_format(r, col, cell_text(value), format)?;
        }
        sheet.write_string_with_format(r, LIGHT_COLUMN, cell_text(&t.light), f.light(&t.light))?;
        let lines = texts
            .iter()
            .map(|(col, value)| lines(value, TASK_COLUMNS[usize::from(*col)]))
            .max()
            .unwrap_or(1);
        sheet.set_row_height(r, row_height(lines))?;
    }
    Ok(())
}

/// The height of a row of `lines` lines of 11-point text, in points, within Excel's 409.
/// Set on every row because LibreOffice keeps an unset height at one line when it prints,
/// and Excel does not always fit the wrapped rows either.
fn row_height(lines: usize) -> f64 {
    (f64::from(u32::try_from(lines).unwrap_or(u32::MAX)) * LINE_POINTS + 4.0).min(409.0)
}

/// Points per line of 11-point text with Chinese characters.
const LINE_POINTS: f64 = 15.0;

/// How many lines `text` takes wrapped in a column `width` characters wide: a Chinese
/// (full-width) character takes two, others one; each paragraph starts a line.
fn lines(text: &str, width: f64) -> usize {
    // The cell's padding takes about one character.
    let per_line = (width - 1.0).max(1.0);
    text.split('\n')
        .map(|line| {
            let units: f64 = line
                .chars()
                .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
                .sum();
            // `units / per_line` is small and positive: the cast cannot truncate.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let n = (units / per_line).ceil() as usize;
            n.max(1)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_chinese_as_two_and_paragraphs_apart() {
        assert_eq!(lines("", 10.0), 1);
        assert_eq!(lines("abcdefghi", 10.0), 1);
        assert_eq!(lines("abcdefghij", 10.0), 2);
        // Nine units a line: four Chinese characters and a half.
        assert_eq!(lines("督办督办", 10.0), 1);
        assert_eq!(lines("督办督办督", 10.0), 2);
        assert_eq!(lines("督\n办", 10.0), 2);
        assert_eq!(row_height(2), 34.0);
        assert_eq!(row_height(1000), 409.0);
    }
}

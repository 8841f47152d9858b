//! The download: the pre-filled template workbook (填报模板) of one unit for one period.

use super::*;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Workbook,
    Worksheet,
};

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
pub(super) fn needs_quote_prefix(text: &str) -> bool {
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
            "任务超过 {MAX_ROWS} 项，无法生成模板"
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
        write_text(ws, row, 8, &r.coordination, &f.editable)?;
    }

    if !t.rows.is_empty() {
        let last = FIRST_DATA_ROW + t.rows.len() as u32 - 1;
        let status = DataValidation::new()
            .allow_list_strings(&statuses().map(|(_, label)| label))?
            .set_error_style(DataValidationErrorStyle::Stop)
            .set_error_title("进展状态")?
            .set_error_message("请从下拉列表选择：未启动、推进中、已完成 或 滞后")?;
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
            .set_error_message("请从下拉列表选择：正常推进、存在风险 或 严重滞后")?;
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

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;

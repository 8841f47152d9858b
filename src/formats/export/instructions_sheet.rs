//! 领导批示: the ledger's fourth sheet, one row per instruction on the tasks selected, with the
//! units it was relayed to and their answers as far as the reader may read them.

use super::{Formats, Ledger, cell_text, write_header};
use rust_xlsxwriter::{Worksheet, XlsxError};

/// Name of the sheet.
pub const INSTRUCTIONS_SHEET: &str = "领导批示";
/// Its column headers.
pub const INSTRUCTION_HEADERS: [&str; 9] = [
    "编号",
    "批示内容",
    "批示领导",
    "批示日期",
    "答复期限",
    "承办单位",
    "状态",
    "答复情况",
    "办结日期",
];
const WIDTHS: [f64; 9] = [9.0, 40.0, 10.0, 14.0, 14.0, 20.0, 9.0, 50.0, 14.0];

/// One instruction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstructionLedgerRow {
    /// The task's code.
    pub code: String,
    pub text: String,
    pub leader: String,
    /// `2022年9月20日`.
    pub written_on: String,
    pub answer_by: String,
    /// The units relayed to, joined with “、”.
    pub units: String,
    /// 待转办 / 办理中 / 待办结 / 已办结.
    pub state: String,
    /// `公安部：…` a line per unit (`已答复` where the reader may not read the answer).
    pub answers: String,
    pub closed_on: String,
}

pub(super) fn write(sheet: &mut Worksheet, ledger: &Ledger, f: &Formats) -> Result<(), XlsxError> {
    sheet.set_name(INSTRUCTIONS_SHEET)?;
    for (col, w) in (0u16..).zip(WIDTHS) {
        sheet.set_column_width(col, w)?;
    }
    write_header(sheet, &INSTRUCTION_HEADERS, &f.header)?;
    sheet.set_freeze_panes(1, 1)?;
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    for (index, i) in ledger.instructions.iter().enumerate() {
        let r = u32::try_from(index + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        let cells = [
            &i.code,
            &i.text,
            &i.leader,
            &i.written_on,
            &i.answer_by,
            &i.units,
            &i.state,
            &i.answers,
            &i.closed_on,
        ];
        for (col, value) in (0u16..).zip(cells) {
            sheet.write_string_with_format(r, col, cell_text(value), &f.wrapped)?;
        }
    }
    Ok(())
}

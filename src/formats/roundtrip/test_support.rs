//! What the round-trip tests share: a sample template, the known codes, and workbooks written
//! the way a user's spreadsheet program would save them.

use super::*;
use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::Workbook;
use std::io::{Cursor, Read};

pub(super) const PERIOD: &str = "2022-Q2";

pub(super) fn sample() -> Template {
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
                coordination: String::new(),
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

pub(super) fn codes(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

pub(super) fn known() -> Vec<String> {
    codes(&["1.1", "1.2", "2.1", "3.1", "3.2"])
}

/// Every cell of a sheet as text (the way a test looks at a workbook).
pub(super) fn grid(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
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
pub(super) enum V {
    S(String),
    N(f64),
    B(bool),
}

pub(super) fn s(t: &str) -> V {
    V::S(t.to_string())
}

/// Writes a workbook laid out like the template (as a spreadsheet program saves a user's
/// edit): title, note, headers, the given rows from row 4, and `meta` with the period.
pub(super) fn user_file(period: Option<&str>, rows: &[(u32, Vec<(usize, V)>)]) -> Vec<u8> {
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
pub(super) fn row(excel_row: u32, v: [&str; 8]) -> (u32, Vec<(usize, V)>) {
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
pub(super) fn edit_template(template: &[u8], edit: impl FnOnce(&mut Vec<Vec<String>>)) -> Vec<u8> {
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

pub(super) fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    out
}

pub(super) fn cells_err(r: Result<Vec<UploadRow>, RoundTripError>) -> Vec<CellError> {
    match r {
        Err(RoundTripError::Cells(e)) => e,
        other => panic!("expected cell errors, got {other:?}"),
    }
}

pub(super) fn cell_names(errors: &[CellError]) -> Vec<&str> {
    errors.iter().map(|e| e.cell.as_str()).collect()
}

//! The rows of an upload checked: headers, codes, drop-down choices and text lengths, every
//! error named by its cell.

use super::*;
use std::collections::{HashMap, HashSet};

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
                self.push(col, row, format!("单元格是错误值 {e}，请改为文字"));
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
                format!("{name}不能超过 {MAX_TEXT_CHARS} 字（现有 {n} 字）"),
            );
        } else if let Err(m) = crate::rules::input::check_text(name, &text) {
            self.push(col, row, m);
        }
        text
    }
}

pub(super) fn validate(
    sheet: RawSheet,
    known_codes: &[String],
) -> Result<Vec<UploadRow>, RoundTripError> {
    let mut errors = Errors::default();

    // A shifted column would silently put texts in the wrong fields: insist on the headers.
    // Only 需协调事项 may be missing: a template downloaded before it existed.
    let mut has_coordination = true;
    for (col, expected) in HEADERS.iter().enumerate() {
        let found: String = sheet.headers[col]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if col == COL_COORDINATION && found.is_empty() {
            has_coordination = false;
        } else if found != *expected {
            errors.push(
                col,
                HEADER_ROW + 1,
                format!("表头应为“{expected}”，请不要增删或移动列"),
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
                errors.push(COL_CODE, row, "编号为空：请不要删除或修改编号");
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
                    format!("编号 {code} 重复，第 {first} 行已填报"),
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
        let coordination = has_coordination.then(|| {
            errors
                .long_text(cells, COL_COORDINATION, row, false)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        });

        // A row with any error is dropped; the whole upload is refused below anyway.
        if let (Some(code), Some(status), Some(assessment)) = (code, status, assessment) {
            out.push(UploadRow {
                code,
                status: status.to_string(),
                self_assessment: assessment.to_string(),
                work_done,
                problems,
                next_steps,
                coordination,
                row,
            });
        }
    }

    if let Some(row) = sheet.overflow {
        errors.push(
            COL_CODE,
            row,
            format!(
                "最多 {MAX_ROWS} 行（第 4 行至第 {} 行），请删除多余的行",
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
#[path = "validation_tests.rs"]
mod tests;

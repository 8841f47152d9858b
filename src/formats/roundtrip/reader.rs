//! The upload taken apart: size and ZIP checks, then the cells of the sheet read as text.

use super::template::needs_quote_prefix;
use super::validation::validate;
use super::*;
use calamine::{DataRef, Reader, Xlsx};
use std::collections::BTreeMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Reads an uploaded template. `known_codes` are the task codes the unit may report on this
/// period; `expected_period` the current period key. Rows whose status, assessment and three
/// texts are all empty are skipped (nothing to save). For the others: the code must be known
/// (and not repeated), status and self-assessment must be one of the labels (also accept the
/// codes like in_progress), 工作进展及成效 is required and at most `MAX_TEXT_CHARS` chars, 存在问题/下一步计划
/// at most `MAX_TEXT_CHARS`; every error names its cell (A1 notation) and all errors are collected (not just
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

#[cfg(test)]
#[path = "reader_tests.rs"]
mod tests;

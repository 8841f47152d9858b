//! Reader tests: values read by their display form, and the refusals of hostile files
//! (too large, not a workbook, zip bombs, cell references past the sheet, random bytes).

use super::*;
use crate::formats::roundtrip::template_xlsx;
use crate::formats::roundtrip::test_support::*;
use rust_xlsxwriter::Workbook;
use std::io::{Read, Write};

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
            coordination: Some(Vec::new()),
            row: 4,
        }]
    );
}

#[test]
fn round_trip_after_user_edit() {
    let template = template_xlsx(&sample()).unwrap();
    let upload = edit_template(&template, |g| {
        g[3][3] = "已完成".into();
        g[3][5] = "  已完成调研，形成报告。\n下发通知。 ".into();
        g[4][3] = "滞后".into();
        g[4][4] = "严重滞后".into();
        g[4][5] = "协调会议推迟".into();
        g[4][6] = "经费未落实".into();
        g[4][7] = "七月召开".into();
        g[5][3] = "not_started".into(); // codes are accepted too
        g[5][4] = " AT_RISK ".into();
        g[5][5] = "尚未启动，已列入计划".into();
    });
    let rows = read_upload(&upload, PERIOD, &known()).unwrap();
    let expected = vec![
        UploadRow {
            code: "1.1".into(),
            status: "done".into(),
            self_assessment: "on_track".into(),
            work_done: "已完成调研，形成报告。\n下发通知。".into(),
            problems: String::new(),
            next_steps: "起草方案".into(),
            coordination: Some(Vec::new()),
            row: 4,
        },
        UploadRow {
            code: "1.2".into(),
            status: "behind".into(),
            self_assessment: "off_track".into(),
            work_done: "协调会议推迟".into(),
            problems: "经费未落实".into(),
            next_steps: "七月召开".into(),
            coordination: Some(Vec::new()),
            row: 5,
        },
        UploadRow {
            code: "2.1".into(),
            status: "not_started".into(),
            self_assessment: "at_risk".into(),
            work_done: "尚未启动，已列入计划".into(),
            problems: String::new(),
            next_steps: String::new(),
            coordination: Some(Vec::new()),
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
    assert_eq!(errors[0].message, "单元格是错误值 #N/A，请改为文字");
    assert_eq!(errors[1].message, "单元格是错误值 #DIV/0!，请改为文字");
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
    assert_eq!(
        err.to_string(),
        "这是2022年第一季度的模板，不是本期（2022年第二季度）的"
    );

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
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
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

#[test]
fn coordination_requests_go_out_and_come_back_one_per_line() {
    let mut t = sample();
    t.rows[0].coordination = "请海关提供数据\n请明确分工".into();
    let bytes = template_xlsx(&t).unwrap();
    let g = grid(&bytes, SHEET_NAME);
    assert_eq!(g[2][COL_COORDINATION], "需协调事项");
    assert_eq!(g[3][COL_COORDINATION], "请海关提供数据\n请明确分工");
    let upload = edit_template(&bytes, |g| {
        g[3][COL_COORDINATION] = " 请海关提供数据 \n\n请财政部保障经费".into();
        g[4][3] = "推进中".into();
        g[4][4] = "正常推进".into();
        g[4][5] = "已部署".into();
    });
    let rows = read_upload(&upload, PERIOD, &known()).unwrap();
    assert_eq!(
        rows[0].coordination,
        Some(vec![
            "请海关提供数据".to_string(),
            "请财政部保障经费".to_string()
        ])
    );
    // A row without requests clears them (the column was sent, empty).
    assert_eq!(rows[1].coordination, Some(Vec::new()));
}

#[test]
fn a_template_without_the_coordination_column_leaves_requests_as_they_are() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_NAME).unwrap();
    for (c, h) in HEADERS[..COL_COORDINATION].iter().enumerate() {
        ws.write_string(HEADER_ROW, c as u16, *h).unwrap();
    }
    for (c, v) in ["1.1", "", "", "推进中", "正常推进", "旧模板填写"]
        .iter()
        .enumerate()
    {
        ws.write_string(3, c as u16, *v).unwrap();
    }
    let meta = wb.add_worksheet();
    meta.set_name(META_SHEET).unwrap();
    meta.write_string(0, 0, PERIOD).unwrap();
    let rows = read_upload(&wb.save_to_buffer().unwrap(), PERIOD, &known()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].work_done, "旧模板填写");
    assert_eq!(rows[0].coordination, None);
}

#[test]
fn a_wrong_header_in_the_coordination_column_is_refused() {
    let bytes = template_xlsx(&sample()).unwrap();
    let upload = edit_template(&bytes, |g| g[2][COL_COORDINATION] = "备注".into());
    match read_upload(&upload, PERIOD, &known()) {
        Err(RoundTripError::Cells(cells)) => assert_eq!(cells[0].cell, "I3"),
        other => panic!("{other:?}"),
    }
}

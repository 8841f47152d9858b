//! Template tests: the layout of the download, formula-like text, Excel's cell limit.

use super::*;
use crate::formats::roundtrip::read_upload;
use crate::formats::roundtrip::test_support::*;
use calamine::{Reader, SheetVisible, Xlsx};
use std::io::Cursor;

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
            "起草方案",
            ""
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
    assert!(xml.contains(r#"<mergeCell ref="A1:I1"/>"#), "{xml}");
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

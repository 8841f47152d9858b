//! Validation tests: bad cells named and all collected, headers, codes, row limits.

use crate::formats::roundtrip::read_upload;
use crate::formats::roundtrip::template_xlsx;
use crate::formats::roundtrip::test_support::*;

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
        "下一步计划不能超过 5000 字（现有 5001 字）"
    );
    assert_eq!(errors[4].message, "编号 1.1 重复，第 4 行已填报");
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
        "表头应为“工作进展及成效”，请不要增删或移动列"
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

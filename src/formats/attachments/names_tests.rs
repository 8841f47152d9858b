//! Tests of file names: paths, invisible and illegal characters, device names, length, headers.

use super::*;
use crate::formats::attachments::samples::Rng;

// --- safe_file_name ----------------------------------------------------------------------

#[test]
fn paths_are_stripped() {
    assert_eq!(safe_file_name("../../etc/passwd").as_deref(), Ok("passwd"));
    assert_eq!(
        safe_file_name("C:\\x\\报告.docx").as_deref(),
        Ok("报告.docx")
    );
    assert_eq!(safe_file_name("/home/u/a b.pdf").as_deref(), Ok("a b.pdf"));
    assert_eq!(
        safe_file_name("..\\..\\boot.ini").as_deref(),
        Ok("boot.ini")
    );
    assert_eq!(safe_file_name(".."), Err(AttachmentError::BadName));
    assert_eq!(safe_file_name("dir/"), Err(AttachmentError::BadName));
}

#[test]
fn control_invisible_and_illegal_characters_are_removed() {
    assert_eq!(
        safe_file_name("报\u{0}告\r\n\t.pdf").as_deref(),
        Ok("报告 .pdf")
    );
    assert_eq!(
        safe_file_name("a\u{7F}\u{9B}b.pdf").as_deref(),
        Ok("ab.pdf")
    );
    // Right-to-left override used to disguise an extension.
    assert_eq!(
        safe_file_name("发票\u{202E}fdp.exe").as_deref(),
        Ok("发票fdp.exe")
    );
    assert_eq!(
        safe_file_name("\u{FEFF}a\u{200B}b.docx").as_deref(),
        Ok("ab.docx")
    );
    assert_eq!(
        safe_file_name("<季度>:\"汇总\"|?*.xlsx").as_deref(),
        Ok("季度汇总.xlsx")
    );
}

#[test]
fn whitespace_and_dots() {
    assert_eq!(
        safe_file_name("  2024年   工作\u{3000}\u{3000}计划 .docx  ").as_deref(),
        Ok("2024年 工作 计划 .docx")
    );
    assert_eq!(safe_file_name(".hidden").as_deref(), Ok("hidden"));
    assert_eq!(safe_file_name("...  .bashrc").as_deref(), Ok("bashrc"));
    assert_eq!(safe_file_name("报告.pdf. . ").as_deref(), Ok("报告.pdf"));
    assert_eq!(safe_file_name(""), Err(AttachmentError::BadName));
    assert_eq!(safe_file_name("   "), Err(AttachmentError::BadName));
    assert_eq!(safe_file_name("\u{1}\u{2}"), Err(AttachmentError::BadName));
    assert_eq!(safe_file_name("???"), Err(AttachmentError::BadName));
}

#[test]
fn windows_device_names_are_guarded() {
    assert_eq!(safe_file_name("CON.pdf").as_deref(), Ok("_CON.pdf"));
    assert_eq!(safe_file_name("nul").as_deref(), Ok("_nul"));
    assert_eq!(safe_file_name("com1.docx").as_deref(), Ok("_com1.docx"));
    assert_eq!(safe_file_name("console.pdf").as_deref(), Ok("console.pdf"));
    assert_eq!(safe_file_name("COM10.pdf").as_deref(), Ok("COM10.pdf"));
}

#[test]
fn long_names_are_capped_keeping_the_extension() {
    let raw = format!("{}.docx", "a".repeat(300));
    let safe = safe_file_name(&raw).unwrap();
    assert_eq!(safe.chars().count(), 100);
    assert_eq!(safe, format!("{}.docx", "a".repeat(95)));

    let raw = format!("{}.xlsx", "统计表".repeat(100));
    let safe = safe_file_name(&raw).unwrap();
    assert_eq!(safe.chars().count(), 100);
    assert!(safe.ends_with(".xlsx"));

    let raw = "字".repeat(300);
    assert_eq!(safe_file_name(&raw).unwrap(), "字".repeat(100));
    // A cut that lands on a space does not leave it before the dot.
    let raw = format!("{} b.pdf", "a".repeat(95));
    assert_eq!(
        safe_file_name(&raw).unwrap(),
        format!("{}.pdf", "a".repeat(95))
    );
    // Exactly 100 is kept as it is.
    let raw = format!("{}.pdf", "a".repeat(96));
    assert_eq!(safe_file_name(&raw).unwrap(), raw);
}

#[test]
fn random_names_come_out_safe() {
    let mut rng = Rng(42);
    let pool: Vec<char> = "ab.. /\\:*?\"<>|\u{0}\u{1F}\u{7F}\u{202E}\u{3000}\t\n报告表é😀-_"
        .chars()
        .collect();
    for _ in 0..3000 {
        let len = rng.below(160);
        let raw: String = (0..len).map(|_| pool[rng.below(pool.len())]).collect();
        let header = content_disposition(&raw);
        assert!(
            header.bytes().all(|b| (0x20..0x7F).contains(&b)),
            "{header:?}"
        );
        let Ok(safe) = safe_file_name(&raw) else {
            continue;
        };
        assert!(!safe.is_empty() && safe.chars().count() <= 100, "{safe:?}");
        assert!(
            !safe.starts_with(['.', ' ']) && !safe.ends_with(['.', ' ']),
            "{safe:?}"
        );
        assert!(!safe.contains("  "), "{safe:?}");
        assert!(
            !safe.chars().any(|c| c.is_control()
                || is_invisible(c)
                || is_windows_illegal(c)
                || (c.is_whitespace() && c != ' ')),
            "{safe:?}"
        );
        assert_eq!(
            safe_file_name(&safe).as_deref(),
            Ok(safe.as_str()),
            "idempotent"
        );
    }
}

// --- content_disposition -----------------------------------------------------------------

#[test]
fn content_disposition_for_chinese_names() {
    assert_eq!(
        content_disposition("工作报告.docx"),
        "attachment; filename=\"attachment.docx\"; \
         filename*=UTF-8''%E5%B7%A5%E4%BD%9C%E6%8A%A5%E5%91%8A.docx"
    );
    assert_eq!(
        content_disposition("2024年 第一季度.pdf"),
        "attachment; filename=\"2024_ _.pdf\"; \
         filename*=UTF-8''2024%E5%B9%B4%20%E7%AC%AC%E4%B8%80%E5%AD%A3%E5%BA%A6.pdf"
    );
    assert_eq!(
        content_disposition("report-v2_final.xlsx"),
        "attachment; filename=\"report-v2_final.xlsx\"; filename*=UTF-8''report-v2_final.xlsx"
    );
    assert_eq!(
        content_disposition("报告"),
        "attachment; filename=\"attachment\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A"
    );
}

#[test]
fn content_disposition_cannot_break_the_header() {
    let header = content_disposition("a\"b\\c%d;\r\nSet-Cookie: x=1.pdf");
    assert!(!header.contains('\r') && !header.contains('\n'));
    assert!(header.starts_with("attachment; filename=\"a_b_c_d;_Set-Cookie: x=1.pdf\"; "));
    assert!(header.ends_with("filename*=UTF-8''a%22b%5Cc%25d%3B%0D%0ASet-Cookie%3A%20x%3D1.pdf"));
    assert_eq!(
        content_disposition(""),
        "attachment; filename=\"attachment\"; filename*=UTF-8''"
    );
}

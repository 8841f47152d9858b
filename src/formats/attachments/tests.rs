//! Tests of the upload rules: every kind detected, names that must fit the content, limits.

use super::samples::*;
use super::*;

#[test]
fn every_kind_is_detected() {
    for (kind, bytes) in samples() {
        assert_eq!(sniff(&bytes), Some(kind), "{kind:?}");
        let name = format!("样本.{}", kind.extension());
        assert_eq!(check_upload(&name, &bytes), Ok((name.clone(), kind)));
    }
}

#[test]
fn kind_metadata() {
    assert_eq!(Kind::Pdf.mime(), "application/pdf");
    assert_eq!(
        Kind::Docx.mime(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert_eq!(Kind::Doc.mime(), "application/msword");
    assert_eq!(Kind::Xls.mime(), "application/vnd.ms-excel");
    assert_eq!(
        Kind::Xlsx.mime(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(Kind::Webp.mime(), "image/webp");
    assert_eq!(Kind::Jpeg.extension(), "jpg");
    assert_eq!(Kind::Xlsx.extension(), "xlsx");
    assert_eq!(Kind::Pdf.label(), "PDF 文档");
    assert_eq!(Kind::Doc.label(), "Word 文档");
    assert_eq!(Kind::Docx.label(), "Word 文档");
    assert_eq!(Kind::Xls.label(), "Excel 表格");
    assert_eq!(Kind::Gif.label(), "图片");
    for kind in Kind::ALL {
        assert_eq!(Kind::from_mime(kind.mime()), Some(kind));
    }
    assert_eq!(Kind::from_mime("text/html"), None);
}

// --- check_upload ------------------------------------------------------------------------

#[test]
fn png_named_pdf_is_a_mismatch() {
    let err = check_upload("扫描件.pdf", &png()).unwrap_err();
    assert_eq!(
        err,
        AttachmentError::Mismatch {
            actual: "PNG 图片",
            extension: "pdf".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "文件内容与扩展名不符：内容是PNG 图片，扩展名却是 .pdf"
    );
}

#[test]
fn office_generations_must_match() {
    assert_eq!(
        check_upload("方案.doc", &docx()),
        Err(AttachmentError::Mismatch {
            actual: "Word 文档（.docx）",
            extension: "doc".into()
        })
    );
    assert_eq!(
        check_upload("方案.docx", &doc()),
        Err(AttachmentError::Mismatch {
            actual: "Word 文档（.doc）",
            extension: "docx".into()
        })
    );
    assert!(matches!(
        check_upload("台账.xls", &doc()),
        Err(AttachmentError::Mismatch { .. })
    ));
    assert!(matches!(
        check_upload("台账.xlsx", &docx()),
        Err(AttachmentError::Mismatch { .. })
    ));
    // An unknown extension is a mismatch too.
    assert_eq!(
        check_upload("说明.TXT", &pdf()),
        Err(AttachmentError::Mismatch {
            actual: "PDF 文档",
            extension: "txt".into()
        })
    );
}

#[test]
fn jpeg_extensions_and_case() {
    for name in ["a.jpg", "a.jpeg", "a.JPG", "a.Jpeg", "a.jfif"] {
        assert_eq!(check_upload(name, &jpeg()), Ok((name.into(), Kind::Jpeg)));
    }
    assert_eq!(
        check_upload("REPORT.PDF", &pdf()),
        Ok(("REPORT.PDF".into(), Kind::Pdf))
    );
}

#[test]
fn missing_extension_is_appended() {
    assert_eq!(
        check_upload("工作进展报告", &docx()),
        Ok(("工作进展报告.docx".into(), Kind::Docx))
    );
    assert_eq!(
        check_upload("photo", &jpeg()),
        Ok(("photo.jpg".into(), Kind::Jpeg))
    );
    // A dot followed by digits or Chinese is not an extension.
    assert_eq!(
        check_upload("方案 v1.2", &pdf()),
        Ok(("方案 v1.2.pdf".into(), Kind::Pdf))
    );
    assert_eq!(
        check_upload("第3.5版", &xls()),
        Ok(("第3.5版.xls".into(), Kind::Xls))
    );
    // Appending never breaks the length cap.
    let (name, _) = check_upload(&"长".repeat(150), &pdf()).unwrap();
    assert_eq!(name.chars().count(), MAX_NAME_CHARS);
    assert!(name.ends_with("长.pdf"));
}

#[test]
fn sizes_and_order_of_checks() {
    assert_eq!(check_upload("a.pdf", b""), Err(AttachmentError::Empty));
    let mut big = pdf();
    big.resize(MAX_FILE_BYTES, b' ');
    assert_eq!(check_upload("a.pdf", &big), Ok(("a.pdf".into(), Kind::Pdf)));
    big.push(b' ');
    assert_eq!(check_upload("a.pdf", &big), Err(AttachmentError::TooLarge));
    assert_eq!(check_upload("", &pdf()), Err(AttachmentError::BadName));
    assert_eq!(check_upload("../", &pdf()), Err(AttachmentError::BadName));
}

#[test]
fn error_messages() {
    assert_eq!(AttachmentError::Empty.to_string(), "文件为空");
    assert_eq!(AttachmentError::TooLarge.to_string(), "文件超过 20 MB");
    assert_eq!(AttachmentError::BadName.to_string(), "文件名无效");
    assert!(AttachmentError::Unsupported.to_string().contains("WebP"));
}

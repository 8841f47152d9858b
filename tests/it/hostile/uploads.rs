//! Uploads: attachments whose content does not match their name, over the limit, named with a
//! path; workbooks that are zip bombs, malformed, or from elsewhere. Beyond what
//! tests/it/progress.rs and tests/it/roundtrip.rs already cover.

use super::{Case, Expect, Who, World, run};
use axum::http::Method;
use sqlx::PgPool;
use std::io::{Cursor, Write};

fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "HOSTILEx7";
    let mut body = Vec::new();
    for (name, file, bytes) in fields {
        let file = file.map_or(String::new(), |f| format!("; filename=\"{f}\""));
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

/// A ZIP with `entries` (name, content), deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(content).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A workbook-looking ZIP that unpacks to 64 MB: one deflated megabyte of zeros, copied
/// under 64 names without being compressed again.
fn zip_bomb() -> Vec<u8> {
    let one = zip_of(&[("xl/worksheets/sheet1.xml", &vec![0u8; 1024 * 1024])]);
    let mut src = zip::ZipArchive::new(Cursor::new(one)).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file(
        "[Content_Types].xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    w.write_all(b"<Types/>").unwrap();
    for i in 0..64 {
        let entry = src.by_index_raw(0).unwrap();
        w.raw_copy_file_rename(entry, format!("xl/worksheets/sheet{i}.xml"))
            .unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A tiny ZIP whose central directory claims a 4 GB entry.
fn lying_zip() -> Vec<u8> {
    let mut bytes = zip_of(&[("xl/workbook.xml", b"<workbook/>")]);
    let cd = bytes
        .windows(4)
        .position(|w| w == b"PK\x01\x02")
        .expect("central directory");
    bytes[cd + 24..cd + 28].copy_from_slice(&0xFFFF_FFF0_u32.to_le_bytes());
    bytes
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn attachments_that_lie_or_overflow(pool: PgPool) {
    let w = World::new(pool).await;
    let uri = format!("/reports/{}/attachments", w.draft);
    let up = |what: &str, name: &str, bytes: &[u8], status: u16, e: Expect| {
        let (ct, body) = multipart(&[("file", Some(name), bytes)]);
        Case::new(what, Who::Liaison, Method::POST, uri.clone())
            .body(&ct, body)
            .expect(status, e)
    };
    use Expect::{Beside, Page};
    let docx = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", b"<w/>"),
    ]);
    let html = b"<html><script>alert(1)</script></html>";
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
    let mismatch = "文件内容与扩展名不符";
    let unsupported = "不支持的文件类型";
    let cases = vec![
        up(
            "a PDF named .png",
            "scan.png",
            PDF,
            422,
            Beside(
                "e-file",
                "文件内容与扩展名不符：内容是PDF 文档，扩展名却是 .png",
            ),
        ),
        up(
            "a PNG named .jpg",
            "photo.jpg",
            PNG,
            422,
            Beside("e-file", mismatch),
        ),
        up(
            "a Word file named .xlsx",
            "table.xlsx",
            &docx,
            422,
            Beside("e-file", mismatch),
        ),
        up(
            "a PDF named .exe",
            "setup.exe",
            PDF,
            422,
            Beside("e-file", mismatch),
        ),
        up(
            "a PDF with a double extension",
            "report.pdf.exe",
            PDF,
            422,
            Beside("e-file", mismatch),
        ),
        up(
            "an executable named .pdf",
            "report.pdf",
            b"MZ\x90\0\x03\0\0\0\x04\0",
            422,
            Beside("e-file", unsupported),
        ),
        up(
            "a script named .pdf",
            "a.pdf",
            b"#!/bin/sh\nrm -rf /\n",
            422,
            Beside("e-file", unsupported),
        ),
        up(
            "HTML named .png",
            "x.png",
            html,
            422,
            Beside("e-file", unsupported),
        ),
        up(
            "SVG with a script named .png",
            "x.png",
            svg,
            422,
            Beside("e-file", unsupported),
        ),
        up(
            "SVG named .svg",
            "x.svg",
            svg,
            422,
            Beside("e-file", unsupported),
        ),
        up(
            "an empty file",
            "empty.pdf",
            b"",
            422,
            Beside("e-file", "文件为空"),
        ),
        up(
            "a name that is only a path",
            "../../",
            PDF,
            422,
            Beside("e-file", "文件名无效"),
        ),
        up(
            "a name that is dots",
            "..",
            PDF,
            422,
            Beside("e-file", "文件名无效"),
        ),
        up(
            "just over 20 MB",
            "big.pdf",
            &[PDF, &vec![b' '; 20 * 1024 * 1024]].concat(),
            422,
            Beside("e-file", "文件超过 20 MB"),
        ),
        up(
            "far over 20 MB",
            "huge.pdf",
            &vec![b'%'; 21 * 1024 * 1024],
            413,
            Page("提交的内容过大"),
        ),
    ];
    let mut n = run(&w, &cases).await;
    // Paths and markup in the name: the file is kept under its last component, made safe.
    let names = [
        "../../etc/passwd.pdf",
        "..\\..\\windows\\system32\\a.pdf",
        "/etc/cron.d/b.pdf",
        "C:\\Users\\c.pdf",
        "<script>alert(1)<%2Fscript>.pdf",
    ];
    for name in names {
        let (ct, body) = multipart(&[("file", Some(name), PDF)]);
        let c = Case::new(name, Who::Liaison, Method::POST, uri.clone()).body(&ct, body);
        let r = w
            .liaison_a
            .request(
                axum::http::Request::post(c.uri.as_str())
                    .header("content-type", ct)
                    .header("sec-fetch-site", "same-origin")
                    .body(axum::body::Body::from(c.body))
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status.as_u16(), 303, "{name}: {}", r.body);
        let stored: String = sqlx::query_scalar(
            "SELECT file_name FROM attachments WHERE report_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(w.draft)
        .fetch_one(&w.pool)
        .await
        .unwrap();
        assert!(
            !stored.contains('/') && !stored.contains('\\') && !stored.starts_with('.'),
            "{name} stored as {stored}"
        );
        assert!(stored.ends_with(".pdf"), "{stored}");
        sqlx::query("DELETE FROM attachments WHERE report_id = $1")
            .bind(w.draft)
            .execute(&w.pool)
            .await
            .unwrap();
        n += 1;
    }
    super::record("attachments", n);
}

/// `workbook` with the first `from` in its part `name` replaced by `to`.
fn with_part_edited(workbook: &[u8], name: &str, from: &str, to: &str) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(Cursor::new(workbook)).unwrap();
    let mut parts = Vec::new();
    for i in 0..src.len() {
        let mut entry = src.by_index(i).unwrap();
        let part = entry.name().unwrap().to_string();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
        if part == name {
            let text = String::from_utf8(content).unwrap();
            assert!(text.contains(from), "{name} holds {from}");
            content = text.replacen(from, to, 1).into_bytes();
        }
        parts.push((part, content));
    }
    let parts: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    zip_of(&parts)
}

#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn workbooks_that_are_bombs_or_broken(pool: PgPool) {
    let w = World::new(pool).await;
    let up = |what: &str, bytes: &[u8], status: u16, e: Expect| {
        let (ct, body) = multipart(&[
            ("period", None, b"2022-Q2"),
            ("file", Some("t.xlsx"), bytes),
        ]);
        Case::new(what, Who::Liaison, Method::POST, "/my/upload")
            .body(&ct, body)
            .expect(status, e)
    };
    let beside = |m| Expect::Beside("upload-error", m);
    let not_xlsx = "不是有效的 Excel（.xlsx）文件";
    let bomb = "文件解压后过大，疑似压缩炸弹，已拒绝";
    let many: Vec<(String, Vec<u8>)> = (0..1001).map(|i| (format!("x/{i}.xml"), vec![])).collect();
    let many: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let (_, _, template) = super::get_bytes(&w.liaison_a, "/my/template.xlsx?period=2022-Q2").await;
    assert!(template.starts_with(b"PK"), "the template downloads");
    let cases = vec![
        up(
            "a zip bomb (64 MB unpacked)",
            &zip_bomb(),
            422,
            beside(bomb),
        ),
        up(
            "a zip that lies about its size",
            &lying_zip(),
            422,
            beside(bomb),
        ),
        up("a zip of 1001 entries", &zip_of(&many), 422, beside(bomb)),
        up(
            "an empty file",
            b"",
            422,
            beside("请选择要上传的 Excel 文件"),
        ),
        // calamine's cell arithmetic overflows on these; the reader refuses the file.
        up(
            "a cell beyond the last row",
            &with_part_edited(
                &template,
                "xl/worksheets/sheet1.xml",
                r#"r="A3""#,
                r#"r="A99999999999""#,
            ),
            422,
            beside(not_xlsx),
        ),
        up(
            "a cell beyond the last column",
            &with_part_edited(
                &template,
                "xl/worksheets/sheet2.xml",
                r#"r="A1""#,
                r#"r="AAAAAAAAAA1""#,
            ),
            422,
            beside(not_xlsx),
        ),
        up("only a zip signature", b"PK\x03\x04", 422, beside(not_xlsx)),
        up(
            "the template cut in half",
            &template[..template.len() / 2],
            422,
            beside(not_xlsx),
        ),
        up(
            "the template with its end cut off",
            &template[..template.len() - 30],
            422,
            beside(not_xlsx),
        ),
        up(
            "a zip without workbook parts",
            &zip_of(&[("a.txt", b"hello")]),
            422,
            beside(not_xlsx),
        ),
        up(
            "a workbook of garbage XML",
            &zip_of(&[
                ("[Content_Types].xml", b"<<<\xFF"),
                ("xl/workbook.xml", b"<workbook><sheets><sheet name="),
            ]),
            422,
            beside(not_xlsx),
        ),
        up(
            "a Word file",
            &zip_of(&[
                ("[Content_Types].xml", b"<Types/>"),
                ("word/document.xml", b"<w/>"),
            ]),
            422,
            beside(not_xlsx),
        ),
        up(
            "a legacy .xls",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0",
            422,
            beside(not_xlsx),
        ),
        up(
            "CSV text",
            "编号,进展\n1.1.1,=cmd|' /C calc'!A0\n".as_bytes(),
            422,
            beside(not_xlsx),
        ),
        up(
            "just over 5 MB",
            &[b"PK\x03\x04".as_slice(), &vec![0u8; 5 * 1024 * 1024]].concat(),
            422,
            beside("文件超过 5 MB"),
        ),
        up(
            "far over 5 MB",
            &vec![0u8; 6 * 1024 * 1024],
            413,
            Expect::Page("提交的内容过大"),
        ),
    ];
    let n = run(&w, &cases).await;
    let saved = crate::common::probe::count(&w.pool, "reports").await;
    // The world's two, and the one waiting for its unit head.
    assert_eq!(saved, 3, "nothing saved from a refused workbook");
    super::record("workbooks", n);
}

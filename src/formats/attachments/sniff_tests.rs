//! Tests of content sniffing: foreign and hostile ZIPs, truncated and random bytes, look-alikes.

use super::*;
use crate::formats::attachments::samples::*;
use crate::formats::attachments::{AttachmentError, check_upload};

#[test]
fn plain_and_foreign_zips_are_unsupported() {
    assert_eq!(sniff(&zip(&["readme.txt", "photos/a.jpg"])), None);
    assert_eq!(
        check_upload("资料.docx", &zip(&["readme.txt"])),
        Err(AttachmentError::Unsupported)
    );
    // Word parts without [Content_Types].xml are not an OOXML package.
    assert_eq!(sniff(&zip(&["word/document.xml"])), None);
    // PowerPoint and OpenDocument are not on the list.
    assert_eq!(
        sniff(&zip(&["[Content_Types].xml", "ppt/presentation.xml"])),
        None
    );
    assert_eq!(
        sniff(&zip(&["mimetype", "content.xml", "META-INF/manifest.xml"])),
        None
    );
    // Both main parts: ambiguous.
    assert_eq!(
        sniff(&zip(&[
            "[Content_Types].xml",
            "word/document.xml",
            "xl/workbook.xml"
        ])),
        None
    );
    // No entries at all.
    assert_eq!(sniff(&zip(&[])), None);
}

#[test]
fn macro_enabled_office_files_are_unsupported() {
    let docm = zip(&[
        "[Content_Types].xml",
        "word/document.xml",
        "word/vbaProject.bin",
    ]);
    assert_eq!(sniff(&docm), None);
    let xlsm = zip(&[
        "[Content_Types].xml",
        "xl/workbook.xml",
        "xl/vbaProject.bin",
    ]);
    assert_eq!(sniff(&xlsm), None);
}

#[test]
fn ooxml_part_names_are_case_insensitive() {
    let bytes = zip(&["[content_types].XML", "Word/Document.xml"]);
    assert_eq!(sniff(&bytes), Some(Kind::Docx));
}

#[test]
fn zip_bomb_is_judged_by_names_only() {
    let garbage = [0xAAu8; 64];
    let bomb = zip_claiming(
        &[
            ("[Content_Types].xml", &garbage),
            ("xl/workbook.xml", &garbage),
            ("xl/worksheets/sheet1.xml", &garbage),
        ],
        u32::MAX,
        false,
    );
    assert_eq!(sniff(&bomb), Some(Kind::Xlsx));
    assert_eq!(
        check_upload("巨型.xlsx", &bomb).map(|(_, k)| k),
        Ok(Kind::Xlsx)
    );
}

#[test]
fn zip64_central_directory_is_read() {
    let entries: [(&str, &[u8]); 2] = [
        ("[Content_Types].xml", b"<x/>"),
        ("word/document.xml", b"<x/>"),
    ];
    let bytes = zip_claiming(&entries, u32::MAX, true);
    assert_eq!(sniff(&bytes), Some(Kind::Docx));
    // A broken locator is refused, not guessed at.
    let locator = bytes.len() - ZIP_EOCD_LEN - 20;
    let mut broken = bytes.clone();
    broken[locator] = b'X';
    assert_eq!(sniff(&broken), None);
}

#[test]
fn zip_with_trailing_junk_or_comment_still_works() {
    let mut bytes = docx();
    bytes.extend_from_slice(b"some trailing junk");
    assert_eq!(sniff(&bytes), Some(Kind::Docx));
    // A comment that itself contains an EOCD signature.
    let mut commented = docx();
    let n = commented.len();
    let comment = b"PK\x05\x06 not the real one, really";
    commented[n - 2..].copy_from_slice(&(comment.len() as u16).to_le_bytes());
    commented.extend_from_slice(comment);
    assert_eq!(sniff(&commented), Some(Kind::Docx));
}

#[test]
fn corrupt_central_directory_is_refused() {
    let good = docx();
    let eocd = good.len() - ZIP_EOCD_LEN;
    // Directory offset past the end.
    let mut far = good.clone();
    far[eocd + 16..eocd + 20].copy_from_slice(&u32::MAX.wrapping_sub(1).to_le_bytes());
    assert_eq!(sniff(&far), None);
    // More entries claimed than the directory holds.
    let mut many = good.clone();
    many[eocd + 10..eocd + 12].copy_from_slice(&500u16.to_le_bytes());
    assert_eq!(sniff(&many), None);
    // A bad entry signature.
    let cd = u32::from_le_bytes(good[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    let mut bad = good.clone();
    bad[cd] = b'Q';
    assert_eq!(sniff(&bad), None);
    // Only the local header magic.
    assert_eq!(sniff(b"PK\x03\x04"), None);
}

#[test]
fn truncated_samples_never_panic() {
    for (kind, bytes) in samples() {
        for len in 0..bytes.len() {
            let got = sniff(&bytes[..len]);
            // A prefix is either refused or recognised as the same kind.
            assert!(got.is_none() || got == Some(kind), "{kind:?} cut at {len}");
        }
    }
    // A ZIP cut anywhere loses its central directory.
    let d = docx();
    for len in 0..d.len() {
        assert_eq!(sniff(&d[..len]), None, "docx cut at {len}");
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let prefixes: [&[u8]; 8] = [
        b"",
        ZIP_LOCAL_HEADER,
        OLE2_MAGIC,
        b"%PDF-",
        b"RIFF\0\0\0\0WEBP",
        PNG_MAGIC,
        b"\xFF\xD8",
        b"GIF8",
    ];
    for _ in 0..4000 {
        let mut bytes = prefixes[rng.below(prefixes.len())].to_vec();
        let len = rng.below(1200);
        bytes.extend(rng.bytes(len));
        let _ = sniff(&bytes);
        let _ = check_upload("随机.bin", &bytes);
    }
    // Random corruption of valid samples exercises the deep parsing paths.
    let samples = samples();
    for _ in 0..4000 {
        let (_, base) = &samples[rng.below(samples.len())];
        let mut bytes = base.clone();
        for _ in 0..1 + rng.below(8) {
            let at = rng.below(bytes.len());
            bytes[at] = rng.next() as u8;
        }
        if rng.below(4) == 0 {
            bytes.truncate(rng.below(bytes.len() + 1));
        }
        let _ = sniff(&bytes);
    }
    // Random 32-bit values planted in the OLE2 header and directory fields.
    let base = doc();
    let fields = [
        44usize,
        48,
        60,
        68,
        72,
        76,
        512,
        516,
        1024 + 64,
        1024 + 68,
        1024 + 76,
    ];
    for _ in 0..4000 {
        let mut bytes = base.clone();
        let at = fields[rng.below(fields.len())];
        let value = match rng.below(3) {
            0 => rng.next() as u32,
            1 => u32::MAX - rng.below(8) as u32,
            _ => rng.below(16) as u32,
        };
        bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
        let _ = sniff(&bytes);
    }
}

#[test]
fn look_alikes_are_unsupported() {
    let html = b"<!DOCTYPE html><html><body>%PDF-1.4 <script>alert(1)</script></body></html>";
    assert_eq!(sniff(html), None);
    assert_eq!(
        check_upload("通知.pdf", html),
        Err(AttachmentError::Unsupported)
    );
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00This program cannot be run in DOS mode.";
    assert_eq!(
        check_upload("报告.docx", exe),
        Err(AttachmentError::Unsupported)
    );
    assert_eq!(sniff(b"RIFF\x24\0\0\0WAVEfmt "), None);
    assert_eq!(sniff(b"GIF90a"), None);
    assert_eq!(sniff(b"\x89PNG"), None);
    assert_eq!(sniff(b"plain text"), None);
    assert_eq!(sniff(b""), None);
}

/// A classic End Of Central Directory record.
fn eocd_record(entries: u16, size: u32, offset: u32, comment_len: u16) -> Vec<u8> {
    let mut out = b"PK\x05\x06".to_vec();
    push32(&mut out, 0); // disk numbers
    push16(&mut out, entries);
    push16(&mut out, entries);
    push32(&mut out, size);
    push32(&mut out, offset);
    push16(&mut out, comment_len);
    out
}

/// (entry count, directory size, directory offset) of a sample's own end record.
fn eocd_fields(bytes: &[u8]) -> (u16, usize, usize) {
    let eocd = bytes.len() - ZIP_EOCD_LEN;
    let field = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    (
        u16::from_le_bytes([bytes[eocd + 10], bytes[eocd + 11]]),
        field(eocd + 12),
        field(eocd + 16),
    )
}

#[test]
fn directory_overrunning_its_declared_size_is_refused() {
    let good = docx();
    let eocd = good.len() - ZIP_EOCD_LEN;
    let (_, size, _) = eocd_fields(&good);
    assert_eq!(sniff(&good), Some(Kind::Docx));
    // The last header runs past the declared size (a reader bounded by it misses entries).
    for shrink in [1, 20, 46] {
        let mut short = good.clone();
        short[eocd + 12..eocd + 16].copy_from_slice(&((size - shrink) as u32).to_le_bytes());
        assert_eq!(sniff(&short), None, "size - {shrink}");
    }
    // The declared directory runs into the end record.
    let mut long = good.clone();
    long[eocd + 12..eocd + 16].copy_from_slice(&((size + 1) as u32).to_le_bytes());
    assert_eq!(sniff(&long), None);
    // ZIP64: the declared size is checked against the ZIP64 record.
    let entries: [(&str, &[u8]); 2] = [
        ("[Content_Types].xml", b"<x/>"),
        ("word/document.xml", b"<x/>"),
    ];
    let zip64 = zip_claiming(&entries, 4, true);
    assert_eq!(sniff(&zip64), Some(Kind::Docx));
    let record = zip64.len() - ZIP_EOCD_LEN - 20 - 56;
    let mut short64 = zip64.clone();
    let size64 = u64::from_le_bytes(short64[record + 40..record + 48].try_into().unwrap());
    short64[record + 40..record + 48].copy_from_slice(&(size64 - 1).to_le_bytes());
    assert_eq!(sniff(&short64), None);
}

#[test]
fn fake_end_record_in_the_comment_cannot_hide_a_macro_part() {
    // The directory the real end record (closing the file) points at lists a macro part.
    let docm = zip(&[
        "[Content_Types].xml",
        "word/document.xml",
        "word/vbaProject.bin",
    ]);
    assert_eq!(sniff(&docm), None);
    // Appends `planted` (a directory of `count` entries, or none: it is at `at`) after the
    // directory of `base`, then `base`'s end record whose comment holds a record pointing at
    // it. The planted record stops 2 bytes short of the end of the file: only the real one
    // closes the file, as Office requires.
    let hostile = |base: &[u8], planted: &[u8], at: Option<usize>, count: u16, len: usize| {
        let (entries, size, offset) = eocd_fields(base);
        let mut out = base[..base.len() - ZIP_EOCD_LEN].to_vec();
        let fake = at.unwrap_or(out.len());
        out.extend_from_slice(planted);
        let record = eocd_record(count, len as u32, fake as u32, 0);
        let comment_len = (record.len() + 2) as u16;
        out.extend(eocd_record(
            entries,
            size as u32,
            offset as u32,
            comment_len,
        ));
        out.extend(record);
        out.extend_from_slice(b"!!");
        out
    };
    let (entries, size, offset) = eocd_fields(&docm);
    // A second directory, as many entries but no macro part, planted after the real one.
    let clean = zip(&[
        "[Content_Types].xml",
        "word/document.xml",
        "word/styles.xml",
    ]);
    let (_, clean_size, clean_offset) = eocd_fields(&clean);
    let clean_dir = &clean[clean_offset..clean_offset + clean_size];
    let second = hostile(&docm, clean_dir, None, entries, clean_size);
    assert_eq!(sniff(&second), None);
    assert_eq!(
        check_upload("报告.docx", &second),
        Err(AttachmentError::Unsupported)
    );
    // The real directory's first two headers, read as a directory of two.
    let prefix = 2 * 46 + "[Content_Types].xml".len() + "word/document.xml".len();
    assert_eq!(sniff(&hostile(&docm, &[], Some(offset), 2, prefix)), None);
    // The clean directory hidden in the first header's comment, inside the real directory.
    let ct = offset + 46 + "[Content_Types].xml".len();
    let mut inner = docm[..ct].to_vec();
    inner[offset + 32..offset + 34].copy_from_slice(&(clean_size as u16).to_le_bytes());
    inner.extend_from_slice(clean_dir);
    inner.extend_from_slice(&docm[ct..docm.len() - ZIP_EOCD_LEN]);
    inner.extend(eocd_record(
        entries,
        (size + clean_size) as u32,
        offset as u32,
        0,
    ));
    assert_eq!(sniff(&inner), None);
    assert_eq!(
        sniff(&hostile(&inner, &[], Some(ct), entries, clean_size)),
        None
    );
    // A planted record that repeats the real one changes nothing: the package is read.
    let mut commented = clean.clone();
    let n = commented.len();
    let (e, s, o) = eocd_fields(&clean);
    let planted = eocd_record(e, s as u32, o as u32, 0);
    commented[n - 2..].copy_from_slice(&((planted.len() + 2) as u16).to_le_bytes());
    commented.extend(planted);
    commented.extend_from_slice(b"!!");
    assert_eq!(sniff(&commented), Some(Kind::Docx));
}

//! Tests of the OLE2 reader: sector sizes, old and odd stream names, embedded objects, loops.

use super::*;
use crate::formats::attachments::samples::*;
use crate::formats::attachments::{AttachmentError, check_upload, sniff};

#[test]
fn ole2_with_4096_byte_sectors() {
    let bytes = ole2_with_shift(
        &[
            ("Root Entry", OLE_ROOT, N, N, 1),
            ("WordDocument", OLE_STREAM, N, N, N),
        ],
        12,
    );
    assert_eq!(sniff(&bytes), Some(Kind::Doc));
}

#[test]
fn ole2_old_excel_book_stream_and_case_insensitive_names() {
    let bytes = ole2(&[
        ("Root Entry", OLE_ROOT, N, N, 1),
        ("BOOK", OLE_STREAM, N, N, N),
    ]);
    assert_eq!(sniff(&bytes), Some(Kind::Xls));
}

#[test]
fn ole2_embedded_workbook_in_word_is_still_doc() {
    // A Word file with an embedded Excel chart: the Workbook stream is in a sub-storage.
    let bytes = ole2(&[
        ("Root Entry", OLE_ROOT, N, N, 1),
        ("WordDocument", OLE_STREAM, N, 2, N),
        ("ObjectPool", OLE_STORAGE, N, N, 3),
        ("_1234567", OLE_STORAGE, N, N, 4),
        ("Workbook", OLE_STREAM, N, N, N),
    ]);
    assert_eq!(sniff(&bytes), Some(Kind::Doc));
}

#[test]
fn ole2_without_office_stream_or_with_both_is_unsupported() {
    // Password-protected docx: an OLE2 wrapper around an encrypted package.
    let encrypted = ole2(&[
        ("Root Entry", OLE_ROOT, N, N, 1),
        ("EncryptionInfo", OLE_STREAM, N, 2, N),
        ("EncryptedPackage", OLE_STREAM, N, N, N),
    ]);
    assert_eq!(sniff(&encrypted), None);
    let both = ole2(&[
        ("Root Entry", OLE_ROOT, N, N, 1),
        ("WordDocument", OLE_STREAM, N, 2, N),
        ("Workbook", OLE_STREAM, N, N, N),
    ]);
    assert_eq!(sniff(&both), None);
    assert_eq!(sniff(OLE2_MAGIC), None);
    assert_eq!(
        check_upload("旧表.xls", &encrypted),
        Err(AttachmentError::Unsupported)
    );
}

#[test]
fn ole2_cyclic_links_terminate() {
    // Sibling links that point back at each other, and at the root, must not loop.
    let bytes = ole2(&[
        ("Root Entry", OLE_ROOT, N, N, 1),
        ("Workbook", OLE_STREAM, 2, 0, 1),
        ("x", OLE_STREAM, 1, 2, 1),
    ]);
    assert_eq!(sniff(&bytes), Some(Kind::Xls));
    // A directory chain whose FAT entry points at itself.
    let mut looped = xls();
    looped[512 + 4..512 + 8].copy_from_slice(&1u32.to_le_bytes());
    assert_eq!(sniff(&looped), None);
}

#[test]
fn ole2_fat_beyond_the_header_is_found_through_the_difat() {
    // 110 FAT sectors: 109 listed in the header, the 110th (id 110) in a DIFAT sector
    // (id 109). The directory sits in sector 109 * 128 = 13952, which only the 110th
    // FAT sector describes.
    const SS: usize = 512;
    const PER_FAT: u32 = 128;
    let dir_sector = 109 * PER_FAT;
    let mut out = vec![0u8; (dir_sector as usize + 2) * SS];
    let mut header = Vec::new();
    header.extend_from_slice(OLE2_MAGIC);
    header.resize(24, 0);
    push16(&mut header, 0x3E);
    push16(&mut header, 3);
    push16(&mut header, 0xFFFE);
    push16(&mut header, 9);
    push16(&mut header, 6);
    header.resize(44, 0);
    push32(&mut header, 110);
    push32(&mut header, dir_sector);
    push32(&mut header, 0);
    push32(&mut header, 4096);
    push32(&mut header, END_OF_CHAIN);
    push32(&mut header, 0);
    push32(&mut header, 109); // first DIFAT sector
    push32(&mut header, 1);
    for id in 0..109 {
        push32(&mut header, id);
    }
    out[..512].copy_from_slice(&header);
    let put = |out: &mut Vec<u8>, at: usize, v: u32| {
        out[at..at + 4].copy_from_slice(&v.to_le_bytes());
    };
    // DIFAT sector 109: one entry (FAT sector 110), the rest free, then end of chain.
    let difat = (109 + 1) * SS;
    put(&mut out, difat, 110);
    for i in 1..127 {
        put(&mut out, difat + 4 * i, NO_STREAM);
    }
    put(&mut out, difat + 4 * 127, END_OF_CHAIN);
    // FAT sector 110, entry 0 describes sector 13952: end of the directory chain.
    put(&mut out, (110 + 1) * SS, END_OF_CHAIN);
    let mut dir = Vec::new();
    dir_entry(&mut dir, ("Root Entry", OLE_ROOT, N, N, 1));
    dir_entry(&mut dir, ("WordDocument", OLE_STREAM, N, N, N));
    let at = (dir_sector as usize + 1) * SS;
    out[at..at + dir.len()].copy_from_slice(&dir);
    assert_eq!(sniff(&out), Some(Kind::Doc));
    // Drop the DIFAT link and the directory can no longer be found.
    put(&mut out, 68, END_OF_CHAIN);
    assert_eq!(sniff(&out), None);
}

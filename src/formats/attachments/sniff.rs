//! Content sniffing (内容识别): the kind of an upload from its bytes, never from its name.

use super::Kind;
use super::ole2::sniff_ole2;
use std::io::Cursor;
use zip::ZipArchive;
use zip::read::{ArchiveOffset, Config};

pub(super) const ZIP_LOCAL_HEADER: &[u8] = b"PK\x03\x04";
pub(super) const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
pub(super) const PNG_MAGIC: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Detects the type from the bytes; `None` for anything not allowed.
///
/// * PDF: `%PDF-` at offset 0 (no leading junk is tolerated, so an HTML page that merely
///   mentions `%PDF-` is not a PDF).
/// * PNG, JPEG (`FF D8 FF`), GIF (`GIF87a`/`GIF89a`), WebP (`RIFF....WEBPVP8`): magic numbers.
/// * docx/xlsx: a ZIP (local header at offset 0) whose central directory lists
///   `[Content_Types].xml` and exactly one of the main parts `word/document.xml` or
///   `xl/workbook.xml`. A macro project (`vbaProject.bin`, i.e. docm/xlsm) is refused. Only
///   entry names are read; sizes and data are ignored.
/// * doc/xls: an OLE2 compound file whose root storage holds a `WordDocument` stream (doc)
///   or a `Workbook`/`Book` stream (xls), but not both. Embedded objects live in sub-storages
///   and are not looked at. Encrypted OOXML (an OLE2 file with `EncryptedPackage`) is refused.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"%PDF-") {
        Some(Kind::Pdf)
    } else if bytes.starts_with(PNG_MAGIC) {
        Some(Kind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(Kind::Gif)
    } else if bytes.len() >= 15
        && bytes.starts_with(b"RIFF")
        && &bytes[8..12] == b"WEBP"
        && &bytes[12..15] == b"VP8"
    {
        Some(Kind::Webp)
    } else if bytes.starts_with(ZIP_LOCAL_HEADER) {
        sniff_ooxml(bytes)
    } else if bytes.starts_with(OLE2_MAGIC) {
        sniff_ole2(bytes)
    } else {
        None
    }
}

pub(super) fn le_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let end = at.checked_add(2)?;
    let b = bytes.get(at..end)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

pub(super) fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let end = at.checked_add(4)?;
    let b = bytes.get(at..end)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

// --- ZIP / OOXML -----------------------------------------------------------------------------

/// Fixed part of a central directory header; the name follows it.
const ZIP_CENTRAL_LEN: usize = 46;

/// The name of every entry in the ZIP central directory, as its header spells it; `None` if
/// the directory is missing or malformed.
///
/// The `zip` crate finds the End Of Central Directory record (past a comment or trailing
/// junk), follows ZIP64, and walks the directory checking every header's signature and the
/// entry count; `ZipArchive::with_config` reads no entry data, so declared sizes (a zip bomb)
/// cost nothing. The archive offset is pinned to 0: the crate would otherwise guess a shift
/// when the directory is not where the record says, and read a directory we would not.
///
/// Looser than the reader this replaced, on malformed files only: the crate ignores the
/// directory size the record declares (it reads the declared number of headers, each with its
/// signature), and if a directory fails to read it tries an earlier record that does not
/// close the file. Either way every name seen is a real central directory header.
fn zip_entry_names(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let config = Config {
        archive_offset: ArchiveOffset::Known(0),
    };
    let archive = ZipArchive::with_config(config, Cursor::new(bytes)).ok()?;
    // Kept strict: the crate keeps one entry per name, so a second entry (say a macro part
    // renamed by an extra field) could hide behind the first. OPC forbids equal part names.
    if archive.has_duplicate_names() {
        return None;
    }
    (0..archive.len())
        .map(|i| {
            let start =
                usize::try_from(archive.by_index_data(i).ok()?.central_header_start()).ok()?;
            // Kept hand-written: the crate renames an entry after its Info-ZIP Unicode Path
            // extra field, which Office ignores; the header's own name is what Word and Excel
            // open, so that is the name judged.
            let len = usize::from(le_u16(bytes, start.checked_add(28)?)?);
            let name_start = start.checked_add(ZIP_CENTRAL_LEN)?;
            bytes.get(name_start..name_start.checked_add(len)?)
        })
        .collect()
}

fn sniff_ooxml(bytes: &[u8]) -> Option<Kind> {
    let (mut content_types, mut word, mut excel, mut macros) = (false, false, false, false);
    for name in zip_entry_names(bytes)? {
        // Part names in OPC packages are ASCII case-insensitive.
        if name.eq_ignore_ascii_case(b"[Content_Types].xml") {
            content_types = true;
        } else if name.eq_ignore_ascii_case(b"word/document.xml") {
            word = true;
        } else if name.eq_ignore_ascii_case(b"xl/workbook.xml") {
            excel = true;
        }
        let suffix = b"vbaProject.bin";
        if name.len() >= suffix.len()
            && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
        {
            macros = true;
        }
    }
    match (content_types && !macros, word, excel) {
        (true, true, false) => Some(Kind::Docx),
        (true, false, true) => Some(Kind::Xlsx),
        _ => None,
    }
}

#[cfg(test)]
#[path = "sniff_tests.rs"]
mod tests;

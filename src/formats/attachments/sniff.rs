//! Content sniffing (内容识别): the kind of an upload from its bytes, never from its name.

use super::Kind;
use super::bytes::{le_u16, le_u32, le_u64};
pub(super) use super::ole2::OLE2_MAGIC;
use super::ole2::sniff_ole2;
use std::io::Cursor;
use zip::ZipArchive;
use zip::read::{ArchiveOffset, Config};

pub(super) const ZIP_LOCAL_HEADER: &[u8] = b"PK\x03\x04";
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

// --- ZIP / OOXML -----------------------------------------------------------------------------

const ZIP_EOCD_SIG: u32 = 0x0605_4b50;
pub(super) const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
pub(super) const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
pub(super) const ZIP_EOCD_LEN: usize = 22;
/// Fixed part of a central directory header; the name follows it.
const ZIP_CENTRAL_LEN: usize = 46;

/// The central directory as Office finds it: (offset, end, entry count).
///
/// The End Of Central Directory record is the last `PK\5\6` in the final 64 KiB + 22 bytes
/// whose comment reaches exactly to the end of the file, or failing that (junk after the
/// archive) the last one whose comment fits; never an earlier one because a directory failed
/// to read. ZIP64 is followed when a field says so (the locator sits right before the
/// record). The directory must end by the record (the ZIP64 one if any).
fn declared_directory(bytes: &[u8]) -> Option<(usize, usize, u64)> {
    let last = bytes.len().checked_sub(ZIP_EOCD_LEN)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    let candidates = || {
        (first..=last)
            .rev()
            .filter(|&pos| le_u32(bytes, pos) == Some(ZIP_EOCD_SIG))
    };
    let comment_end =
        |pos: usize| le_u16(bytes, pos + 20).map(|len| pos + ZIP_EOCD_LEN + usize::from(len));
    let eocd = candidates()
        .find(|&pos| comment_end(pos) == Some(bytes.len()))
        .or_else(|| candidates().find(|&pos| comment_end(pos).is_some_and(|e| e <= bytes.len())))?;
    let entries = le_u16(bytes, eocd + 10)?;
    let size = le_u32(bytes, eocd + 12)?;
    let offset = le_u32(bytes, eocd + 16)?;
    let (entries, size, offset, limit) =
        if entries == u16::MAX || size == u32::MAX || offset == u32::MAX {
            let locator = eocd.checked_sub(20)?;
            if le_u32(bytes, locator)? != ZIP64_LOCATOR_SIG {
                return None;
            }
            let record = usize::try_from(le_u64(bytes, locator + 8)?).ok()?;
            if record > locator || le_u32(bytes, record)? != ZIP64_EOCD_SIG {
                return None;
            }
            (
                le_u64(bytes, record.checked_add(32)?)?,
                le_u64(bytes, record.checked_add(40)?)?,
                le_u64(bytes, record.checked_add(48)?)?,
                record,
            )
        } else {
            (u64::from(entries), u64::from(size), u64::from(offset), eocd)
        };
    let offset = usize::try_from(offset).ok()?;
    let end = offset.checked_add(usize::try_from(size).ok()?)?;
    (end <= limit).then_some((offset, end, entries))
}

/// The name of every entry in the ZIP central directory, as its header spells it; `None` if
/// the directory is missing or malformed.
///
/// The `zip` crate follows ZIP64 and walks the directory checking every header's signature
/// and the entry count; `ZipArchive::with_config` reads no entry data, so declared sizes (a
/// zip bomb) cost nothing. The archive offset is pinned to 0: the crate would otherwise guess
/// a shift when the directory is not where the record says, and read a directory we would not.
///
/// Kept hand-written ([`declared_directory`]): which End Of Central Directory record counts,
/// and the directory size it declares. The crate takes the last record that merely fits
/// (so a fake one planted in the archive comment wins over the one closing the file), falls
/// back to an earlier record when a directory fails to read, and reads the declared number of
/// headers wherever they end. Any of these could show it a directory Office does not read, say
/// one without the macro part; so the crate's directory must start where the record Office
/// uses says, hold its entry count, and every header must end within the declared size.
fn zip_entry_names(bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let (offset, end, entries) = declared_directory(bytes)?;
    let config = Config {
        archive_offset: ArchiveOffset::Known(0),
    };
    let archive = ZipArchive::with_config(config, Cursor::new(bytes)).ok()?;
    // Kept strict: the crate keeps one entry per name, so a second entry (say a macro part
    // renamed by an extra field) could hide behind the first. OPC forbids equal part names.
    if archive.has_duplicate_names()
        || usize::try_from(archive.central_directory_start()).ok()? != offset
        || u64::try_from(archive.len()).ok()? != entries
    {
        return None;
    }
    (0..archive.len())
        .map(|i| {
            let start =
                usize::try_from(archive.by_index_data(i).ok()?.central_header_start()).ok()?;
            let field = |at: usize| Some(usize::from(le_u16(bytes, start.checked_add(at)?)?));
            let (len, extra, comment) = (field(28)?, field(30)?, field(32)?);
            let name_start = start.checked_add(ZIP_CENTRAL_LEN)?;
            // The header must end within the directory's declared size.
            if name_start + len + extra + comment > end {
                return None;
            }
            // Kept hand-written: the crate renames an entry after its Info-ZIP Unicode Path
            // extra field, which Office ignores; the header's own name is what Word and Excel
            // open, so that is the name judged.
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

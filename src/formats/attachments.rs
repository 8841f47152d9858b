//! Attachments on progress reports: what may be uploaded, and how its name is made safe.
//!
//! Pure functions only (no I/O, no database). The type of a file is decided by its content
//! ([`sniff`]), never by its name; the name only has to agree with the content
//! ([`check_upload`]). Office Open XML files (docx/xlsx) are told apart by the entry names in
//! the ZIP central directory, and legacy Office files (doc/xls) by the stream names in the root
//! storage of the OLE2 compound file. Nothing is ever decompressed, so a zip bomb costs
//! nothing, and every read is bounds-checked, so no input can make these functions panic.

/// At most this many attachments on one progress report.
pub const MAX_FILES_PER_REPORT: usize = 5;
/// At most this many bytes in one attachment (20 MB).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// A safe file name has at most this many characters (not bytes).
const MAX_NAME_CHARS: usize = 100;

/// The kinds of file that may be attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Doc,
    Docx,
    Xls,
    Xlsx,
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl Kind {
    /// Every kind, in a stable order.
    pub const ALL: [Kind; 9] = [
        Kind::Pdf,
        Kind::Doc,
        Kind::Docx,
        Kind::Xls,
        Kind::Xlsx,
        Kind::Png,
        Kind::Jpeg,
        Kind::Gif,
        Kind::Webp,
    ];

    /// The MIME type to store and to send as `Content-Type`.
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Doc => "application/msword",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xls => "application/vnd.ms-excel",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
        }
    }

    /// The kind whose [`Kind::mime`] is `mime` (exact match), e.g. to read a stored row back.
    pub fn from_mime(mime: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.mime() == mime)
    }

    /// The canonical extension, without the dot (appended to names that have none).
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Doc => "doc",
            Kind::Docx => "docx",
            Kind::Xls => "xls",
            Kind::Xlsx => "xlsx",
            Kind::Png => "png",
            Kind::Jpeg => "jpg",
            Kind::Gif => "gif",
            Kind::Webp => "webp",
        }
    }

    /// A short Chinese label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF 文档",
            Kind::Doc | Kind::Docx => "Word 文档",
            Kind::Xls | Kind::Xlsx => "Excel 表格",
            Kind::Png | Kind::Jpeg | Kind::Gif | Kind::Webp => "图片",
        }
    }

    /// A precise Chinese description, used in [`AttachmentError::Mismatch`] where the label
    /// alone ("Word 文档") would not explain why `.doc` is wrong for a docx file.
    fn description(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF 文档",
            Kind::Doc => "Word 文档(.doc)",
            Kind::Docx => "Word 文档(.docx)",
            Kind::Xls => "Excel 表格(.xls)",
            Kind::Xlsx => "Excel 表格(.xlsx)",
            Kind::Png => "PNG 图片",
            Kind::Jpeg => "JPEG 图片",
            Kind::Gif => "GIF 图片",
            Kind::Webp => "WebP 图片",
        }
    }

    /// Whether a name ending in `.{ext}` (ASCII case-insensitive) may hold this kind.
    fn accepts_extension(self, ext: &str) -> bool {
        let ext = ext.to_ascii_lowercase();
        match self {
            Kind::Jpeg => matches!(ext.as_str(), "jpg" | "jpeg" | "jfif"),
            other => ext == other.extension(),
        }
    }
}

/// Why an upload was refused; the messages are shown to users as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("文件为空")]
    Empty,
    #[error("文件超过 20 MB")]
    TooLarge,
    #[error("不支持的文件类型:只接受 PDF、Word、Excel 和图片(PNG、JPEG、GIF、WebP)")]
    Unsupported,
    #[error("文件内容与扩展名不符:内容是{actual},扩展名却是 .{extension}")]
    Mismatch {
        actual: &'static str,
        extension: String,
    },
    #[error("文件名无效")]
    BadName,
    #[error("每份报告最多 5 个附件")]
    TooMany,
}

/// Checks that a report which already has `existing` attachments may take `adding` more.
pub fn check_count(existing: usize, adding: usize) -> Result<(), AttachmentError> {
    match existing.checked_add(adding) {
        Some(total) if total <= MAX_FILES_PER_REPORT => Ok(()),
        _ => Err(AttachmentError::TooMany),
    }
}

// ---------------------------------------------------------------------------------------------
// Content sniffing
// ---------------------------------------------------------------------------------------------

const ZIP_LOCAL_HEADER: &[u8] = b"PK\x03\x04";
const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const PNG_MAGIC: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

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

fn le_u16(bytes: &[u8], at: usize) -> Option<u16> {
    let end = at.checked_add(2)?;
    let b = bytes.get(at..end)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let end = at.checked_add(4)?;
    let b = bytes.get(at..end)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn le_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let end = at.checked_add(8)?;
    let b = bytes.get(at..end)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Some(u64::from_le_bytes(a))
}

// --- ZIP / OOXML -----------------------------------------------------------------------------

const ZIP_EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const ZIP_CENTRAL_SIG: u32 = 0x0201_4b50;
const ZIP_EOCD_LEN: usize = 22;
const ZIP_CENTRAL_LEN: usize = 46;

/// Where the central directory is: (offset, size, entry count).
struct CentralDirectory {
    offset: usize,
    size: usize,
    entries: u64,
}

/// Finds the End Of Central Directory record: the last `PK\5\6` in the final 64 KiB + 22
/// bytes whose comment reaches exactly to the end of the file, or failing that (junk after
/// the archive) the last one whose comment fits.
fn find_eocd(bytes: &[u8]) -> Option<usize> {
    let last = bytes.len().checked_sub(ZIP_EOCD_LEN)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    let candidates = || {
        (first..=last)
            .rev()
            .filter(|&pos| le_u32(bytes, pos) == Some(ZIP_EOCD_SIG))
    };
    let comment_end =
        |pos: usize| le_u16(bytes, pos + 20).map(|len| pos + ZIP_EOCD_LEN + usize::from(len));
    candidates()
        .find(|&pos| comment_end(pos) == Some(bytes.len()))
        .or_else(|| candidates().find(|&pos| comment_end(pos).is_some_and(|e| e <= bytes.len())))
}

fn central_directory(bytes: &[u8]) -> Option<CentralDirectory> {
    let eocd = find_eocd(bytes)?;
    let entries = le_u16(bytes, eocd + 10)?;
    let size = le_u32(bytes, eocd + 12)?;
    let offset = le_u32(bytes, eocd + 16)?;
    let (entries, size, offset, limit) =
        if entries == u16::MAX || size == u32::MAX || offset == u32::MAX {
            // ZIP64: the locator sits right before the classic record.
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
    let size = usize::try_from(size).ok()?;
    if offset.checked_add(size)? > limit {
        return None;
    }
    Some(CentralDirectory {
        offset,
        size,
        entries,
    })
}

/// Calls `visit` with the name of every entry listed in the central directory. Returns
/// `None` if the directory is missing or malformed.
fn for_each_zip_entry_name(bytes: &[u8], mut visit: impl FnMut(&[u8])) -> Option<()> {
    let cd = central_directory(bytes)?;
    let dir = bytes.get(cd.offset..cd.offset + cd.size)?;
    let mut pos = 0usize;
    let mut seen = 0u64;
    while seen < cd.entries {
        if le_u32(dir, pos)? != ZIP_CENTRAL_SIG {
            return None;
        }
        let name_len = usize::from(le_u16(dir, pos + 28)?);
        let extra_len = usize::from(le_u16(dir, pos + 30)?);
        let comment_len = usize::from(le_u16(dir, pos + 32)?);
        let name_start = pos + ZIP_CENTRAL_LEN;
        visit(dir.get(name_start..name_start + name_len)?);
        pos = name_start + name_len + extra_len + comment_len;
        seen += 1;
    }
    Some(())
}

fn sniff_ooxml(bytes: &[u8]) -> Option<Kind> {
    let (mut content_types, mut word, mut excel, mut macros) = (false, false, false, false);
    for_each_zip_entry_name(bytes, |name| {
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
    })?;
    match (content_types && !macros, word, excel) {
        (true, true, false) => Some(Kind::Docx),
        (true, false, true) => Some(Kind::Xlsx),
        _ => None,
    }
}

// --- OLE2 compound files (doc / xls) ---------------------------------------------------------

const MAX_REG_SECT: u32 = 0xFFFF_FFFA;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const NO_STREAM: u32 = 0xFFFF_FFFF;
const DIR_ENTRY_LEN: usize = 128;
const OLE_STREAM: u8 = 2;
const OLE_ROOT: u8 = 5;

struct Ole2<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    /// Sector ids of the FAT sectors, in order.
    fat_sectors: Vec<u32>,
    /// No chain can be longer than the number of sectors the file holds.
    max_sectors: usize,
}

impl<'a> Ole2<'a> {
    fn parse(bytes: &'a [u8]) -> Option<Self> {
        if !bytes.starts_with(OLE2_MAGIC) || le_u16(bytes, 28)? != 0xFFFE {
            return None;
        }
        let sector_size = match le_u16(bytes, 30)? {
            9 => 512,
            12 => 4096,
            _ => return None,
        };
        let max_sectors = bytes.len() / sector_size + 1;
        let fat_count = usize::try_from(le_u32(bytes, 44)?).ok()?;
        if fat_count > max_sectors {
            return None;
        }
        let mut ole = Ole2 {
            bytes,
            sector_size,
            fat_sectors: Vec::with_capacity(fat_count),
            max_sectors,
        };
        // The first 109 FAT sector ids are in the header, the rest in the DIFAT chain.
        for i in 0..fat_count.min(109) {
            ole.fat_sectors.push(le_u32(bytes, 76 + 4 * i)?);
        }
        let mut difat = le_u32(bytes, 68)?;
        let per_difat = sector_size / 4 - 1;
        let mut hops = 0;
        while ole.fat_sectors.len() < fat_count {
            hops += 1;
            if difat > MAX_REG_SECT || hops > max_sectors {
                return None;
            }
            let sector = ole.sector(difat)?;
            for i in 0..per_difat {
                if ole.fat_sectors.len() == fat_count {
                    break;
                }
                ole.fat_sectors.push(le_u32(sector, 4 * i)?);
            }
            difat = le_u32(sector, 4 * per_difat)?;
        }
        Some(ole)
    }

    /// The bytes of sector `id`; a final sector cut short by a writer that did not pad the
    /// file is returned as far as it goes.
    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        if id > MAX_REG_SECT {
            return None;
        }
        let start = (usize::try_from(id).ok()?.checked_add(1)?).checked_mul(self.sector_size)?;
        if start >= self.bytes.len() {
            return None;
        }
        let end = start.saturating_add(self.sector_size).min(self.bytes.len());
        Some(&self.bytes[start..end])
    }

    fn next_sector(&self, id: u32) -> Option<u32> {
        let per_fat = self.sector_size / 4;
        let id = usize::try_from(id).ok()?;
        let fat_sector = *self.fat_sectors.get(id / per_fat)?;
        le_u32(self.sector(fat_sector)?, (id % per_fat) * 4)
    }

    /// All directory entries, following the directory chain from the header.
    fn directory(&self) -> Option<Vec<DirEntry>> {
        let mut entries = Vec::new();
        let mut id = le_u32(self.bytes, 48)?;
        let mut hops = 0;
        while id != END_OF_CHAIN {
            hops += 1;
            if hops > self.max_sectors {
                return None;
            }
            let sector = self.sector(id)?;
            entries.extend(
                sector
                    .chunks_exact(DIR_ENTRY_LEN)
                    .filter_map(DirEntry::parse),
            );
            id = self.next_sector(id)?;
        }
        Some(entries)
    }
}

struct DirEntry {
    name: String,
    kind: u8,
    left: u32,
    right: u32,
    child: u32,
}

impl DirEntry {
    fn parse(raw: &[u8]) -> Option<Self> {
        let name_bytes = usize::from(le_u16(raw, 64)?);
        // The length counts the terminating NUL; at most 32 UTF-16 units in 64 bytes.
        let units = (name_bytes / 2).saturating_sub(1).min(31);
        let utf16 = (0..units).map(|i| le_u16(raw, 2 * i).unwrap_or(0));
        let name = char::decode_utf16(utf16)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        Some(DirEntry {
            name,
            kind: *raw.get(66)?,
            left: le_u32(raw, 68)?,
            right: le_u32(raw, 72)?,
            child: le_u32(raw, 76)?,
        })
    }
}

fn sniff_ole2(bytes: &[u8]) -> Option<Kind> {
    let ole = Ole2::parse(bytes)?;
    let entries = ole.directory()?;
    let root = entries.first()?;
    if root.kind != OLE_ROOT {
        return None;
    }
    // The children of a storage form a tree through their left/right sibling links.
    let (mut word, mut excel) = (false, false);
    let mut visited = vec![false; entries.len()];
    let mut stack = vec![root.child];
    while let Some(id) = stack.pop() {
        if id == NO_STREAM {
            continue;
        }
        let Ok(index) = usize::try_from(id) else {
            continue;
        };
        let Some(entry) = entries.get(index) else {
            continue;
        };
        if std::mem::replace(&mut visited[index], true) {
            continue;
        }
        stack.push(entry.left);
        stack.push(entry.right);
        if entry.kind == OLE_STREAM {
            let name = entry.name.as_str();
            if name.eq_ignore_ascii_case("WordDocument") {
                word = true;
            } else if name.eq_ignore_ascii_case("Workbook") || name.eq_ignore_ascii_case("Book") {
                excel = true;
            }
        }
        // Sub-storages (embedded objects such as a chart's workbook) are not entered.
    }
    match (word, excel) {
        (true, false) => Some(Kind::Doc),
        (false, true) => Some(Kind::Xls),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// File names
// ---------------------------------------------------------------------------------------------

/// Invisible characters that can disguise a name (bidi overrides such as U+202E turn
/// `报告\u{202E}fdp.exe` into what looks like `报告exe.pdf`) or vanish in a file system.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

fn is_windows_illegal(c: char) -> bool {
    matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*')
}

/// Splits `name` into stem and extension (without the dot). Something after the last dot
/// counts as an extension only if it looks like one: 1 to 10 ASCII letters or digits with
/// at least one letter, so `第3.5版` and `v1.2` have none.
fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rfind('.') {
        Some(dot) if dot > 0 => {
            let ext = &name[dot + 1..];
            let looks_like_one = (1..=10).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
                && ext.bytes().any(|b| b.is_ascii_alphabetic());
            if looks_like_one {
                (&name[..dot], Some(ext))
            } else {
                (name, None)
            }
        }
        _ => (name, None),
    }
}

fn trim_name_end(s: &str) -> &str {
    s.trim_end_matches(['.', ' '])
}

/// Joins `stem` and `ext` so that the result has at most [`MAX_NAME_CHARS`] characters,
/// shortening the stem.
fn join_capped(stem: &str, ext: Option<&str>) -> String {
    let ext_chars = ext.map_or(0, |e| e.chars().count() + 1);
    let keep = MAX_NAME_CHARS.saturating_sub(ext_chars);
    let stem = match stem.char_indices().nth(keep) {
        Some((cut, _)) => trim_name_end(&stem[..cut]),
        None => stem,
    };
    match ext {
        Some(ext) => format!("{stem}.{ext}"),
        None => stem.to_owned(),
    }
}

fn is_windows_reserved(stem: &str) -> bool {
    let base = stem.split('.').next().unwrap_or(stem).trim_end();
    let upper = base.to_ascii_uppercase();
    match upper.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$" => true,
        _ => {
            let b = upper.as_bytes();
            b.len() == 4
                && (upper.starts_with("COM") || upper.starts_with("LPT"))
                && b[3].is_ascii_digit()
        }
    }
}

/// Makes an uploaded file name safe: keeps only what follows the last `/` or `\`, drops
/// control and invisible formatting characters and the characters Windows forbids
/// (`<>:"/\|?*`), turns every run of whitespace (including the ideographic space) into one
/// space, strips leading dots and spaces and trailing dots and spaces, prefixes Windows
/// device names (`CON`, `NUL`, `COM1`…) with `_`, and caps the result at 100 characters,
/// shortening the stem and keeping the extension. Chinese and other letters are kept.
pub fn safe_file_name(raw: &str) -> Result<String, AttachmentError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let mut cleaned = String::with_capacity(base.len());
    let mut pending_space = false;
    for c in base.chars() {
        if c.is_whitespace() {
            pending_space = true;
        } else if !(c.is_control() || is_invisible(c) || is_windows_illegal(c)) {
            if pending_space && !cleaned.is_empty() {
                cleaned.push(' ');
            }
            pending_space = false;
            cleaned.push(c);
        }
    }
    let trimmed = trim_name_end(cleaned.trim_start_matches(['.', ' ']));
    if trimmed.is_empty() {
        return Err(AttachmentError::BadName);
    }
    let guarded;
    let name = if is_windows_reserved(trimmed) {
        guarded = format!("_{trimmed}");
        guarded.as_str()
    } else {
        trimmed
    };
    let (stem, ext) = split_extension(name);
    let capped = join_capped(stem, ext);
    if capped.is_empty() {
        return Err(AttachmentError::BadName);
    }
    Ok(capped)
}

/// Validates one upload and returns its safe name and kind.
///
/// In order: size (empty → [`AttachmentError::Empty`], over [`MAX_FILE_BYTES`] →
/// [`AttachmentError::TooLarge`]), content ([`sniff`]; `None` →
/// [`AttachmentError::Unsupported`]), name ([`safe_file_name`]), then the name's extension
/// must fit the content: `.jpg`, `.jpeg` and `.jfif` all fit JPEG, but docx content named
/// `.doc` (or `.pdf`, `.txt`, …) is a [`AttachmentError::Mismatch`]. A name without an
/// extension gets the kind's own one appended.
pub fn check_upload(raw_name: &str, bytes: &[u8]) -> Result<(String, Kind), AttachmentError> {
    if bytes.is_empty() {
        return Err(AttachmentError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AttachmentError::TooLarge);
    }
    let kind = sniff(bytes).ok_or(AttachmentError::Unsupported)?;
    let name = safe_file_name(raw_name)?;
    match split_extension(&name) {
        (_, Some(ext)) if kind.accepts_extension(ext) => Ok((name, kind)),
        (_, Some(ext)) => Err(AttachmentError::Mismatch {
            actual: kind.description(),
            extension: ext.to_ascii_lowercase(),
        }),
        (stem, None) => Ok((join_capped(stem, Some(kind.extension())), kind)),
    }
}

// ---------------------------------------------------------------------------------------------
// Download header
// ---------------------------------------------------------------------------------------------

/// The value of a `Content-Disposition` header that makes the browser download `name`:
/// `attachment; filename="ascii-fallback"; filename*=UTF-8''percent-encoded` (RFC 6266 /
/// RFC 8187). The result is printable ASCII only, so it is always a valid header value,
/// whatever `name` holds.
pub fn content_disposition(name: &str) -> String {
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_fallback(name),
        percent_encode(name)
    )
}

/// Printable ASCII with `"`, `\` and `%` (which some browsers decode) replaced, each run of
/// other characters becoming one `_`; a stem with no letter or digit left becomes
/// `attachment`.
fn ascii_fallback(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let keep = (c.is_ascii_graphic() || c == ' ') && !matches!(c, '"' | '\\' | '%');
        if keep {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let (stem, ext) = split_extension(&out);
    if stem.bytes().any(|b| b.is_ascii_alphanumeric()) {
        out
    } else {
        match ext {
            Some(ext) => format!("attachment.{ext}"),
            None => "attachment".to_owned(),
        }
    }
}

/// Percent-encodes everything outside RFC 8187's `attr-char`.
fn percent_encode(name: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        let attr_char = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        if attr_char {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0F)]));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const OLE_STORAGE: u8 = 1;

    // --- sample builders ---------------------------------------------------------------------

    fn push16(v: &mut Vec<u8>, x: u16) {
        v.extend_from_slice(&x.to_le_bytes());
    }
    fn push32(v: &mut Vec<u8>, x: u32) {
        v.extend_from_slice(&x.to_le_bytes());
    }
    fn push64(v: &mut Vec<u8>, x: u64) {
        v.extend_from_slice(&x.to_le_bytes());
    }

    /// A ZIP built by hand: each entry is stored with the given bytes as data, but the
    /// headers claim `claimed_size` as the uncompressed size and deflate as the method,
    /// so a reader that trusted them would try to inflate garbage into a huge buffer.
    fn zip_claiming(entries: &[(&str, &[u8])], claimed_size: u32, zip64: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut offsets = Vec::new();
        for (name, data) in entries {
            offsets.push(out.len() as u32);
            out.extend_from_slice(b"PK\x03\x04");
            push16(&mut out, 20); // version needed
            push16(&mut out, 0); // flags
            push16(&mut out, 8); // method: deflate
            push16(&mut out, 0); // time
            push16(&mut out, 0x21); // date
            push32(&mut out, 0); // crc
            push32(&mut out, data.len() as u32);
            push32(&mut out, claimed_size);
            push16(&mut out, name.len() as u16);
            push16(&mut out, 0);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
        }
        let cd_start = out.len();
        for ((name, data), offset) in entries.iter().zip(&offsets) {
            out.extend_from_slice(b"PK\x01\x02");
            push16(&mut out, 20); // version made by
            push16(&mut out, 20); // version needed
            push16(&mut out, 0);
            push16(&mut out, 8);
            push16(&mut out, 0);
            push16(&mut out, 0x21);
            push32(&mut out, 0);
            push32(&mut out, data.len() as u32);
            push32(&mut out, claimed_size);
            push16(&mut out, name.len() as u16);
            push16(&mut out, 0); // extra
            push16(&mut out, 0); // comment
            push16(&mut out, 0); // disk
            push16(&mut out, 0); // internal attrs
            push32(&mut out, 0); // external attrs
            push32(&mut out, *offset);
            out.extend_from_slice(name.as_bytes());
        }
        let cd_size = out.len() - cd_start;
        if zip64 {
            let record = out.len();
            push32(&mut out, ZIP64_EOCD_SIG);
            push64(&mut out, 44);
            push16(&mut out, 45);
            push16(&mut out, 45);
            push32(&mut out, 0);
            push32(&mut out, 0);
            push64(&mut out, entries.len() as u64);
            push64(&mut out, entries.len() as u64);
            push64(&mut out, cd_size as u64);
            push64(&mut out, cd_start as u64);
            push32(&mut out, ZIP64_LOCATOR_SIG);
            push32(&mut out, 0);
            push64(&mut out, record as u64);
            push32(&mut out, 1);
        }
        out.extend_from_slice(b"PK\x05\x06");
        push16(&mut out, 0);
        push16(&mut out, 0);
        let (count, size, offset) = if zip64 {
            (u16::MAX, u32::MAX, u32::MAX)
        } else {
            (entries.len() as u16, cd_size as u32, cd_start as u32)
        };
        push16(&mut out, count);
        push16(&mut out, count);
        push32(&mut out, size);
        push32(&mut out, offset);
        push16(&mut out, 0); // comment length
        out
    }

    fn zip(names: &[&str]) -> Vec<u8> {
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (*n, &b"<x/>"[..])).collect();
        zip_claiming(&entries, 4, false)
    }

    fn docx() -> Vec<u8> {
        zip(&[
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/styles.xml",
            "docProps/core.xml",
        ])
    }

    fn xlsx() -> Vec<u8> {
        zip(&[
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/worksheets/sheet1.xml",
            "xl/sharedStrings.xml",
        ])
    }

    /// (name, object type, left, right, child)
    type Entry<'a> = (&'a str, u8, u32, u32, u32);

    fn dir_entry(out: &mut Vec<u8>, (name, kind, left, right, child): Entry) {
        let start = out.len();
        let units: Vec<u16> = name.encode_utf16().collect();
        for u in &units {
            push16(out, *u);
        }
        out.resize(start + 64, 0);
        push16(out, ((units.len() + 1) * 2) as u16);
        out.push(kind);
        out.push(1); // colour: black
        push32(out, left);
        push32(out, right);
        push32(out, child);
        out.resize(start + DIR_ENTRY_LEN, 0);
    }

    /// A minimal compound file: header, one FAT sector (id 0), one directory sector (id 1).
    fn ole2_with_shift(entries: &[Entry], shift: u16) -> Vec<u8> {
        let ss = 1usize << shift;
        let mut out = Vec::new();
        out.extend_from_slice(OLE2_MAGIC);
        out.resize(24, 0);
        push16(&mut out, 0x3E); // minor version
        push16(&mut out, if shift == 9 { 3 } else { 4 });
        push16(&mut out, 0xFFFE);
        push16(&mut out, shift);
        push16(&mut out, 6); // mini sector shift
        out.resize(44, 0);
        push32(&mut out, 1); // FAT sectors
        push32(&mut out, 1); // first directory sector
        push32(&mut out, 0); // transaction
        push32(&mut out, 4096); // mini stream cutoff
        push32(&mut out, END_OF_CHAIN); // mini FAT
        push32(&mut out, 0);
        push32(&mut out, END_OF_CHAIN); // DIFAT
        push32(&mut out, 0);
        push32(&mut out, 0); // DIFAT[0] = sector 0 holds the FAT
        while out.len() < 512 {
            push32(&mut out, NO_STREAM);
        }
        out.resize(ss, 0);
        // sector 0: FAT
        push32(&mut out, 0xFFFF_FFFD); // sector 0 is a FAT sector
        push32(&mut out, END_OF_CHAIN); // directory chain ends at sector 1
        while out.len() < 2 * ss {
            push32(&mut out, NO_STREAM);
        }
        // sector 1: directory
        for e in entries {
            dir_entry(&mut out, *e);
        }
        while out.len() < 3 * ss {
            dir_entry(&mut out, ("", 0, NO_STREAM, NO_STREAM, NO_STREAM));
        }
        out
    }

    fn ole2(entries: &[Entry]) -> Vec<u8> {
        ole2_with_shift(entries, 9)
    }

    const N: u32 = NO_STREAM;

    fn doc() -> Vec<u8> {
        ole2(&[
            ("Root Entry", OLE_ROOT, N, N, 2),
            ("1Table", OLE_STREAM, N, N, N),
            ("WordDocument", OLE_STREAM, 1, 3, N),
            ("\u{5}SummaryInformation", OLE_STREAM, N, N, N),
        ])
    }

    fn xls() -> Vec<u8> {
        ole2(&[
            ("Root Entry", OLE_ROOT, N, N, 1),
            ("Workbook", OLE_STREAM, N, 2, N),
            ("\u{5}DocumentSummaryInformation", OLE_STREAM, N, N, N),
        ])
    }

    fn pdf() -> Vec<u8> {
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec()
    }
    fn png() -> Vec<u8> {
        let mut v = PNG_MAGIC.to_vec();
        v.extend_from_slice(b"\0\0\0\x0DIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0");
        v
    }
    fn jpeg() -> Vec<u8> {
        b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xD9".to_vec()
    }
    fn gif() -> Vec<u8> {
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xFF\xFF\xFF\x00\x00\x00!\xF9\x04\x01;".to_vec()
    }
    fn webp() -> Vec<u8> {
        b"RIFF\x1A\x00\x00\x00WEBPVP8L\x0D\x00\x00\x00\x2F\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xFE\x07\x00"
            .to_vec()
    }

    fn samples() -> Vec<(Kind, Vec<u8>)> {
        vec![
            (Kind::Pdf, pdf()),
            (Kind::Doc, doc()),
            (Kind::Docx, docx()),
            (Kind::Xls, xls()),
            (Kind::Xlsx, xlsx()),
            (Kind::Png, png()),
            (Kind::Jpeg, jpeg()),
            (Kind::Gif, gif()),
            (Kind::Webp, webp()),
        ]
    }

    /// xorshift64*: deterministic, good enough to throw bytes at a parser.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn bytes(&mut self, n: usize) -> Vec<u8> {
            (0..n).map(|_| self.next() as u8).collect()
        }
    }

    // --- sniffing ----------------------------------------------------------------------------

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
            "文件内容与扩展名不符:内容是PNG 图片,扩展名却是 .pdf"
        );
    }

    #[test]
    fn office_generations_must_match() {
        assert_eq!(
            check_upload("方案.doc", &docx()),
            Err(AttachmentError::Mismatch {
                actual: "Word 文档(.docx)",
                extension: "doc".into()
            })
        );
        assert_eq!(
            check_upload("方案.docx", &doc()),
            Err(AttachmentError::Mismatch {
                actual: "Word 文档(.doc)",
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
    fn count_limit() {
        assert_eq!(check_count(0, 5), Ok(()));
        assert_eq!(check_count(4, 1), Ok(()));
        assert_eq!(check_count(4, 2), Err(AttachmentError::TooMany));
        assert_eq!(check_count(5, 0), Ok(()));
        assert_eq!(check_count(usize::MAX, 1), Err(AttachmentError::TooMany));
        assert_eq!(
            AttachmentError::TooMany.to_string(),
            "每份报告最多 5 个附件"
        );
    }

    #[test]
    fn error_messages() {
        assert_eq!(AttachmentError::Empty.to_string(), "文件为空");
        assert_eq!(AttachmentError::TooLarge.to_string(), "文件超过 20 MB");
        assert_eq!(AttachmentError::BadName.to_string(), "文件名无效");
        assert!(AttachmentError::Unsupported.to_string().contains("WebP"));
    }

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
        assert!(
            header.ends_with("filename*=UTF-8''a%22b%5Cc%25d%3B%0D%0ASet-Cookie%3A%20x%3D1.pdf")
        );
        assert_eq!(
            content_disposition(""),
            "attachment; filename=\"attachment\"; filename*=UTF-8''"
        );
    }
}

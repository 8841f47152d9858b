//! Attachments on progress reports (进展报告附件): what may be uploaded, and how its name is made
//! safe.
//!
//! Pure functions only (no I/O, no database). The type of a file is decided by its content
//! ([`sniff`]), never by its name; the name only has to agree with the content
//! ([`check_upload`]). Office Open XML files (docx/xlsx) are told apart by the entry names in
//! the ZIP central directory, and legacy Office files (doc/xls) by the stream names in the root
//! storage of the OLE2 compound file. Nothing is ever decompressed, so a zip bomb costs
//! nothing, and every read is bounds-checked, so no input can make these functions panic.
//!
//! * [`sniff`] (in `sniff.rs`): magic numbers, and the ZIP central directory for docx/xlsx;
//! * `ole2.rs`: the OLE2 compound file reader for doc/xls;
//! * [`safe_file_name`] and [`content_disposition`] (in `names.rs`): file names in and out.

mod bytes;
mod names;
mod ole2;
mod size;
mod sniff;

pub use names::{content_disposition, safe_file_name};
pub use size::size_label;
pub use sniff::sniff;

use names::{join_capped, split_extension};

/// At most this many attachments on one progress report.
pub const MAX_FILES_PER_REPORT: usize = 5;
/// At most this many megabytes (MiB) in one attachment.
pub const MAX_FILE_MB: usize = 20;
/// At most this many bytes in one attachment.
pub const MAX_FILE_BYTES: usize = MAX_FILE_MB * 1024 * 1024;
/// A safe file name has at most this many characters (not bytes).
pub(super) const MAX_NAME_CHARS: usize = 100;

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
            Kind::Doc => "Word 文档（.doc）",
            Kind::Docx => "Word 文档（.docx）",
            Kind::Xls => "Excel 表格（.xls）",
            Kind::Xlsx => "Excel 表格（.xlsx）",
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
    #[error("文件超过 {MAX_FILE_MB} MB")]
    TooLarge,
    #[error("不支持的文件类型：只接受 PDF、Word、Excel 和图片（PNG、JPEG、GIF、WebP）")]
    Unsupported,
    #[error("文件内容与扩展名不符：内容是{actual}，扩展名却是 .{extension}")]
    Mismatch {
        actual: &'static str,
        extension: String,
    },
    #[error("文件名无效")]
    BadName,
    #[error("每份报告最多 {MAX_FILES_PER_REPORT} 个附件")]
    TooMany,
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
#[cfg(test)]
mod samples;

#[cfg(test)]
mod tests;

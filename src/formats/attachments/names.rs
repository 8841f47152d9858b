//! File names (文件名): the safe name an upload is stored under, and the `Content-Disposition`
//! header it is downloaded with.

use super::{AttachmentError, MAX_NAME_CHARS};

/// Invisible characters that can disguise a name (bidi overrides such as U+202E turn
/// `报告\u{202E}fdp.exe` into what looks like `报告exe.pdf`) or vanish in a file system.
pub(super) fn is_invisible(c: char) -> bool {
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

pub(super) fn is_windows_illegal(c: char) -> bool {
    matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*')
}

/// Splits `name` into stem and extension (without the dot). Something after the last dot
/// counts as an extension only if it looks like one: 1 to 10 ASCII letters or digits with
/// at least one letter, so `第3.5版` and `v1.2` have none.
pub(super) fn split_extension(name: &str) -> (&str, Option<&str>) {
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
pub(super) fn join_capped(stem: &str, ext: Option<&str>) -> String {
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
#[cfg(test)]
#[path = "names_tests.rs"]
mod tests;

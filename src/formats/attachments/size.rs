//! A file's size as people read it: bytes below 1 KB, then KB and MB with one decimal
//! (a 594-byte file is “594 字节”, never “0 KB”).

/// The size label of `bytes`: `594 字节`, `1.5 KB`, `2.0 MB`.
pub fn size_label(bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * 1024;
    let bytes = bytes.max(0);
    if bytes < KB {
        format!("{bytes} 字节")
    } else if bytes < MB {
        format!("{:.1} KB", bytes as f64 / KB as f64)
    } else {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::size_label;

    #[test]
    fn small_files_in_bytes_then_kb_and_mb_with_one_decimal() {
        assert_eq!(size_label(0), "0 字节");
        assert_eq!(size_label(594), "594 字节");
        assert_eq!(size_label(1023), "1023 字节");
        assert_eq!(size_label(1024), "1.0 KB");
        assert_eq!(size_label(1536), "1.5 KB");
        assert_eq!(size_label(1024 * 1024 - 1), "1024.0 KB");
        assert_eq!(size_label(1024 * 1024), "1.0 MB");
        assert_eq!(size_label(20 * 1024 * 1024), "20.0 MB");
    }
}

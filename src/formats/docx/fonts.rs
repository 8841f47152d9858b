//! The font table (`word/fontTable.xml`): each font an official document names, with the name
//! Word and LibreOffice fall back to where it is not installed (`w:altName`) and its GB2312
//! character set. docx-rs writes a fixed table of three Latin fonts and has no way to declare
//! others, so this part is written here.

use super::layout::{FANGSONG, HEITI, KAITI, SONGTI, XIAOBIAOSONG};

/// `(font, fallback, family)`: the GB/T 9704 fonts first, then the fallbacks themselves under
/// their Windows names, so a machine with either finds one.
pub const FONTS: &[(&str, &str, &str)] = &[
    (FANGSONG, "仿宋", "modern"),
    (XIAOBIAOSONG, "宋体", "script"),
    (HEITI, "SimHei", "modern"),
    (KAITI, "楷体", "modern"),
    (SONGTI, "SimSun", "auto"),
    ("仿宋", "FangSong", "modern"),
    ("楷体", "KaiTi", "modern"),
    ("Times New Roman", "Times New Roman", "roman"),
];

/// GB2312 (`w:charset` 86) for the Chinese fonts, ANSI for Times New Roman.
fn charset(name: &str) -> &'static str {
    if name.is_ascii() { "00" } else { "86" }
}

pub fn font_table() -> Vec<u8> {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
    );
    for (name, alt, family) in FONTS {
        // The names are constants above: no escaping is needed, and none may hold markup.
        debug_assert!(!name.contains(['<', '&', '"']) && !alt.contains(['<', '&', '"']));
        x.push_str(&format!(
            r#"<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="{}"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>"#,
            charset(name)
        ));
    }
    x.push_str("</w:fonts>");
    x.into_bytes()
}

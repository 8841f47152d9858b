//! GB/T 9704-2012 (党政机关公文格式) in Word's units: the page, the type area, the grid of 22
//! lines of 28 characters, and the fonts and sizes of each kind of text.

/// Twips (1/20 pt) in a millimetre.
const TWIPS_PER_MM: f64 = 1440.0 / 25.4;

pub const fn mm(v: u32) -> i32 {
    // 1 mm = 56.6929 twips; rounded to the nearest twip.
    ((v as f64) * TWIPS_PER_MM + 0.5) as i32
}

/// A4, 210 × 297 mm.
pub const PAGE_WIDTH: i32 = 11906;
pub const PAGE_HEIGHT: i32 = 16838;
/// 天头 37 mm, 订口 28 mm; the type area 156 × 225 mm leaves 26 mm on the right and 35 mm below.
pub const MARGIN_TOP: i32 = mm(37);
pub const MARGIN_LEFT: i32 = mm(28);
pub const MARGIN_RIGHT: i32 = PAGE_WIDTH - MARGIN_LEFT - TYPE_WIDTH;
pub const MARGIN_BOTTOM: i32 = PAGE_HEIGHT - MARGIN_TOP - TYPE_HEIGHT;
pub const TYPE_WIDTH: i32 = mm(156);
pub const TYPE_HEIGHT: i32 = mm(225);
/// The header (草稿) 15 mm from the top edge.
pub const HEADER: i32 = mm(15);
/// The page number's line: its top 7 mm below the type area (一字线上距版心下边缘7mm), so its
/// foot about 23 mm above the page's edge.
pub const FOOTER: i32 = mm(23);

/// 22 lines to the type area: the line pitch of the document grid, and the exact line height
/// of the body.
pub const LINES_PER_PAGE: i32 = 22;
pub const LINE_PITCH: i32 = TYPE_HEIGHT / LINES_PER_PAGE;
/// 28 characters to the line: each character is set this many twentieths of a point closer
/// than its 16 pt (`w:spacing`), so that 28 fill 156 mm. Word's character grid
/// (`linesAndChars` with `charSpace`) would do it in Word alone: LibreOffice lays that grid out
/// at about 19 a line, while spacing reads alike in both; the grid keeps the 22 lines.
pub const CHARS_PER_LINE: i32 = 28;
pub const CHAR_SPACING: i32 = TYPE_WIDTH / CHARS_PER_LINE - BODY_PT as i32 * 20;

/// 3号 (16 pt): the body, headings and the number; in half-points, as Word counts sizes.
pub const BODY_PT: u32 = 16;
pub const SIZE_3: usize = 32;
/// 2号 (22 pt): the title.
pub const SIZE_2: usize = 44;
/// 4号 (14 pt): the page numbers, 抄送 and 印发, tables.
pub const SIZE_4: usize = 28;
/// 5号 (10.5 pt): a table of many columns (the unit brief).
pub const SIZE_5: usize = 21;
/// 小初 (36 pt) would not fit the office's 17-character name on one line: 24 pt does, with room
/// to spare in LibreOffice and Word (26 pt fills the 156 mm exactly and wraps).
pub const SIZE_MARK: usize = 48;

/// The fonts as Chinese offices have them installed, each with the fallback Word and
/// LibreOffice take where it is missing (declared in the font table, `fonts.rs`).
pub const FANGSONG: &str = "仿宋_GB2312";
pub const XIAOBIAOSONG: &str = "方正小标宋简体";
pub const HEITI: &str = "黑体";
pub const KAITI: &str = "楷体_GB2312";
pub const SONGTI: &str = "宋体";

/// 发文机关标志 and the rule under the number: red.
pub const RED: &str = "FF0000";

/// The issuing office's name in the mark.
pub const ISSUER: &str = "全国打击侵权假冒工作领导小组办公室";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_gb_t_9704() {
        assert_eq!(MARGIN_TOP, 2098);
        assert_eq!(MARGIN_LEFT, 1587);
        assert_eq!(TYPE_WIDTH, 8844);
        assert_eq!(TYPE_HEIGHT, 12756);
        // 26 mm and 35 mm, to the twip.
        assert_eq!(MARGIN_RIGHT, 1475);
        assert_eq!(MARGIN_BOTTOM, 1984);
        assert_eq!(LINE_PITCH, 579);
        assert_eq!(CHAR_SPACING, -5);
        // 28 characters fit, 29 do not.
        let pitch = BODY_PT as i32 * 20 + CHAR_SPACING;
        assert!(pitch * 28 <= TYPE_WIDTH);
        assert!(pitch * 29 > TYPE_WIDTH);
    }
}

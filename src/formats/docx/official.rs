//! An official document (公文) in the GB/T 9704 layout, built a block at a time over docx-rs:
//! the red mark and number, the title, headings of three levels, body paragraphs, tables,
//! the signature and the closing block (版记), with page numbers `— 1 —` outside the type area
//! and 草稿 in the header of a draft.
//!
//! Every text goes in as text: docx-rs escapes it, and [`clean`] drops the characters XML cannot
//! hold, so nothing a unit or the office typed can become document structure.

use super::layout::*;
use docx_rs::{
    AlignmentType, BorderType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer,
    Header, InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph,
    ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType,
    Tab, TabValueType, Table, TableAlignmentType, TableCell, TableLayoutType, TableRow, VAlignType,
    VertAlignType, WidthType,
};

/// A piece of a body paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    /// 仿宋 bold: a third-level heading run in (1. …) or a label.
    Bold(String),
    /// A superscript `[n]`: the sentence before it is row `n` of the sources appendix.
    Source(usize),
}

/// The document being built.
pub struct Official {
    docx: Docx,
    /// Paragraph ids, given in order so that the same content gives the same bytes (docx-rs
    /// counts them per thread otherwise).
    next_id: u32,
}

/// Drops what XML 1.0 cannot carry (control characters but tab and line breaks, lone
/// surrogates cannot occur in a `str`, U+FFFE and U+FFFF); line breaks become spaces.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if (c as u32) < 0x20 || c == '\u{7f}' => None,
            '\u{FFFE}' | '\u{FFFF}' => None,
            c => Some(c),
        })
        .collect()
}

fn fonts(name: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(name)
        .ascii(name)
        .hi_ansi(name)
        .cs(name)
}

/// A run of `text` in `font` at `size` (half-points).
pub fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new()
        .add_text(clean(text))
        .fonts(fonts(font))
        .size(size)
}

fn exact(line: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(line)
        .before(0)
        .after(0)
}

fn border(position: ParagraphBorderPosition, size: usize, color: &str) -> ParagraphBorder {
    ParagraphBorder::new(position)
        .val(BorderType::Single)
        .size(size)
        .space(1)
        .color(color)
}

/// Only these rules on a paragraph: docx-rs's own default draws a box round it.
fn rules(borders: &[ParagraphBorder]) -> ParagraphBorders {
    borders
        .iter()
        .cloned()
        .fold(ParagraphBorders::with_empty(), ParagraphBorders::set)
}

impl Official {
    /// An empty document on the GB/T 9704 page; `draft`: 草稿 in the header.
    pub fn new(draft: bool) -> Official {
        let mut o = Official {
            docx: Docx::new(),
            next_id: 1,
        };
        let odd = o.page_number(AlignmentType::Right);
        let even = o.page_number(AlignmentType::Left);
        let mut docx = std::mem::take(&mut o.docx)
            .page_size(PAGE_WIDTH as u32, PAGE_HEIGHT as u32)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN_TOP)
                    .bottom(MARGIN_BOTTOM)
                    .left(MARGIN_LEFT)
                    .right(MARGIN_RIGHT)
                    .header(HEADER)
                    .footer(FOOTER)
                    .gutter(0),
            )
            .default_size(SIZE_3)
            .default_spacing(CHAR_SPACING)
            .default_fonts(fonts(FANGSONG))
            .footer(Footer::new().add_paragraph(odd))
            .even_footer(Footer::new().add_paragraph(even))
            // The creation date is the document's own: none is written (1970 in docProps).
            .created_at("1970-01-01T00:00:00Z")
            .updated_at("1970-01-01T00:00:00Z");
        docx.document = docx.document.doc_grid(
            DocGrid::new()
                .grid_type(DocGridType::Lines)
                .line_pitch(LINE_PITCH as usize),
        );
        if draft {
            let p = o
                .paragraph()
                .align(AlignmentType::Right)
                .add_run(run("草稿", HEITI, SIZE_4).color(RED))
                .add_run(run("（未经签发，不作为正式文件）", SONGTI, 21));
            docx = docx.header(Header::new().add_paragraph(p));
        }
        o.docx = docx;
        o
    }

    fn paragraph(&mut self) -> Paragraph {
        let mut p = Paragraph::new();
        p.id = format!("{:08X}", self.next_id);
        self.next_id += 1;
        p
    }

    /// `— 1 —` in 宋体 4号, 空一字 from the outer edge: odd pages right, even pages left.
    fn page_number(&mut self, align: AlignmentType) -> Paragraph {
        let dash = |t: &str| run(t, SONGTI, SIZE_4);
        let field = |r: Run| r.fonts(fonts(SONGTI)).size(SIZE_4);
        let one_char = (SIZE_4 * 10) as i32;
        let p = self.paragraph().align(align);
        let p = match align {
            AlignmentType::Right => p.indent(None, None, Some(one_char), None),
            _ => p.indent(Some(one_char), None, None, None),
        };
        p.add_run(dash("— "))
            .add_run(field(
                Run::new().add_field_char(FieldCharType::Begin, false),
            ))
            .add_run(field(
                Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new())),
            ))
            .add_run(field(
                Run::new().add_field_char(FieldCharType::Separate, false),
            ))
            .add_run(dash("1"))
            .add_run(field(Run::new().add_field_char(FieldCharType::End, false)))
            .add_run(dash(" —"))
    }

    fn push(mut self, p: Paragraph) -> Self {
        self.docx = self.docx.add_paragraph(p);
        self
    }

    /// 发文机关标志: the office's name in red 小标宋, centred, then an empty line.
    pub fn mark(mut self, issuer: &str, color: &str) -> Self {
        let p = self
            .paragraph()
            .align(AlignmentType::Center)
            .line_spacing(exact(LINE_PITCH * 2))
            .snap_to_grid(false)
            .add_run(run(issuer, XIAOBIAOSONG, SIZE_MARK).color(color));
        let gap = self.paragraph().line_spacing(exact(LINE_PITCH));
        self.push(p).push(gap)
    }

    /// 发文字号 centred under the mark (`None`: a draft, its number left blank), with
    /// `label` (三色督办) before it, and the rule under both in `color`; then an empty line.
    pub fn number(mut self, number: Option<&str>, label: Option<&str>, color: &str) -> Self {
        let mut p = self
            .paragraph()
            .align(AlignmentType::Center)
            .line_spacing(exact(LINE_PITCH));
        if let Some(l) = label {
            p = p.add_run(run(&format!("【{l}】　"), HEITI, SIZE_3).color(color));
        }
        p = p.add_run(run(number.unwrap_or("〔　　〕号"), FANGSONG, SIZE_3));
        p.property =
            p.property
                .set_borders(rules(&[border(ParagraphBorderPosition::Bottom, 12, color)]));
        let gap = self.paragraph().line_spacing(exact(LINE_PITCH));
        self.push(p).push(gap)
    }

    /// 标题: 方正小标宋简体 2号, centred, one empty line below.
    pub fn title(mut self, text: &str) -> Self {
        let p = self
            .paragraph()
            .align(AlignmentType::Center)
            .line_spacing(exact(LINE_PITCH * 3 / 2))
            .add_run(run(text, XIAOBIAOSONG, SIZE_2));
        let gap = self.paragraph().line_spacing(exact(LINE_PITCH));
        self.push(p).push(gap)
    }

    /// 主送机关: flush left, full-width colon included by the caller.
    pub fn addressee(mut self, text: &str) -> Self {
        let p = self
            .paragraph()
            .line_spacing(exact(LINE_PITCH))
            .add_run(run(text, FANGSONG, SIZE_3));
        self.push(p)
    }

    /// A heading: level 1 (一、) in 黑体, 2 ((一)) in 楷体_GB2312, 3 (1.) in 仿宋 bold; each
    /// indented two characters like the body and kept with what follows.
    pub fn heading(mut self, level: u8, text: &str) -> Self {
        let r = match level {
            1 => run(text, HEITI, SIZE_3),
            2 => run(text, KAITI, SIZE_3),
            _ => run(text, FANGSONG, SIZE_3).bold(),
        };
        let p = self.body_paragraph().keep_next(true).add_run(r);
        let p = p.outline_lvl(usize::from(level.clamp(1, 3)) - 1);
        self.push(p)
    }

    fn body_paragraph(&mut self) -> Paragraph {
        self.paragraph()
            .align(AlignmentType::Both)
            .line_spacing(exact(LINE_PITCH))
            .indent(
                None,
                Some(SpecialIndentType::FirstLine((SIZE_3 * 20) as i32)),
                None,
                None,
            )
            .first_line_chars(200)
    }

    /// A body paragraph: 仿宋_GB2312 3号, indented two characters, justified.
    pub fn para(mut self, inlines: &[Inline]) -> Self {
        let mut p = self.body_paragraph();
        for i in inlines {
            p = p.add_run(match i {
                Inline::Text(t) => run(t, FANGSONG, SIZE_3),
                Inline::Bold(t) => run(t, FANGSONG, SIZE_3).bold(),
                Inline::Source(n) => {
                    let mut r = run(&format!("[{n}]"), FANGSONG, SIZE_3 * 2 / 3);
                    r.run_property = r.run_property.vert_align(VertAlignType::SuperScript);
                    r
                }
            });
        }
        self.push(p)
    }

    /// A body paragraph of one text.
    pub fn text(self, t: &str) -> Self {
        self.para(&[Inline::Text(t.to_string())])
    }

    /// An empty line of the grid.
    pub fn gap(mut self) -> Self {
        let p = self.paragraph().line_spacing(exact(LINE_PITCH));
        self.push(p)
    }

    /// 落款: the issuer and the date, right-aligned four characters in from the edge.
    pub fn signature(self, issuer: &str, date: &str) -> Self {
        let four = (SIZE_3 * 10 * 4) as i32;
        let mut out = self.gap();
        for line in [issuer, date] {
            let p = out
                .paragraph()
                .align(AlignmentType::Right)
                .line_spacing(exact(LINE_PITCH))
                .indent(None, None, Some(four), None)
                .add_run(run(line, FANGSONG, SIZE_3));
            out = out.push(p);
        }
        out
    }

    pub fn page_break(mut self) -> Self {
        let p = self
            .paragraph()
            .add_run(Run::new().add_break(BreakType::Page));
        self.push(p)
    }

    /// 附件 heading: 黑体 3号, flush left, on a new page.
    pub fn appendix(mut self, label: &str, title: &str) -> Self {
        let head = self
            .paragraph()
            .line_spacing(exact(LINE_PITCH))
            .page_break_before(true)
            .add_run(run(label, HEITI, SIZE_3));
        let t = self
            .paragraph()
            .align(AlignmentType::Center)
            .line_spacing(exact(LINE_PITCH * 3 / 2))
            .add_run(run(title, XIAOBIAOSONG, SIZE_2));
        self.push(head).push(t)
    }

    /// A table across the type area: a header row in 黑体, then `rows` in 仿宋, each cell's
    /// text as text; `widths` in per-mille of the type area (they should add up to 1000).
    pub fn table(self, headers: &[&str], rows: &[Vec<String>], widths: &[u32]) -> Self {
        self.table_sized(headers, rows, widths, SIZE_4)
    }

    /// [`Official::table`] in type of `size` half-points (a wide table in 5号).
    pub fn table_sized(
        mut self,
        headers: &[&str],
        rows: &[Vec<String>],
        widths: &[u32],
        size: usize,
    ) -> Self {
        let twips: Vec<usize> = widths
            .iter()
            .map(|w| (i64::from(TYPE_WIDTH) * i64::from(*w) / 1000) as usize)
            .collect();
        let cell = |o: &mut Official, text: &str, font: &str, w: usize, head: bool| {
            let mut p = o
                .paragraph()
                .line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Auto)
                        .line(240)
                        .before(0)
                        .after(0),
                )
                // Off the document grid: a cell is narrower than the grid's 28 characters.
                .snap_to_grid(false)
                .add_run(run(text, font, size));
            if head {
                p = p.align(AlignmentType::Center);
            }
            TableCell::new()
                .add_paragraph(p)
                .width(w, WidthType::Dxa)
                .vertical_align(VAlignType::Center)
        };
        let mut out_rows = Vec::with_capacity(rows.len() + 1);
        let head: Vec<TableCell> = headers
            .iter()
            .zip(&twips)
            .map(|(h, w)| cell(&mut self, h, HEITI, *w, true))
            .collect();
        out_rows.push(TableRow::new(head).cant_split());
        for r in rows {
            let cells: Vec<TableCell> = r
                .iter()
                .zip(&twips)
                .map(|(t, w)| cell(&mut self, t, FANGSONG, *w, false))
                .collect();
            out_rows.push(TableRow::new(cells).cant_split());
        }
        let t = Table::new(out_rows)
            .set_grid(twips.clone())
            .layout(TableLayoutType::Fixed)
            .align(TableAlignmentType::Center)
            .width(TYPE_WIDTH as usize, WidthType::Dxa);
        self.docx = self.docx.add_table(t);
        // Word needs a paragraph between a table and what follows (and one to end on): a
        // hairline, so that a table filling its page carries no empty page after it.
        let after = self.paragraph().snap_to_grid(false).line_spacing(exact(20));
        self.push(after)
    }

    /// 版记: 抄送 and 印发机关和印发日期 in 仿宋 4号 between rules, the outer ones thicker.
    pub fn closing(self, cc: Option<&str>, printer: &str, printed: &str) -> Self {
        let one_char = (SIZE_4 * 10) as i32;
        let mut out = self.gap();
        if let Some(cc) = cc {
            let mut p = out
                .paragraph()
                .line_spacing(exact(LINE_PITCH))
                .indent(Some(one_char), None, Some(one_char), None)
                .add_run(run(&format!("抄送：{cc}"), FANGSONG, SIZE_4));
            p.property =
                p.property
                    .set_borders(rules(&[border(ParagraphBorderPosition::Top, 8, "000000")]));
            out = out.push(p);
        }
        let mut p = out
            .paragraph()
            .line_spacing(exact(LINE_PITCH))
            .indent(Some(one_char), None, Some(one_char), None)
            .add_tab(
                Tab::new()
                    .val(TabValueType::Right)
                    .pos((TYPE_WIDTH - 2 * one_char) as usize),
            )
            .add_run(run(printer, FANGSONG, SIZE_4))
            .add_run(Run::new().add_tab())
            .add_run(run(&format!("{printed}印发"), FANGSONG, SIZE_4));
        let top = if cc.is_some() { 4 } else { 8 };
        p.property = p.property.set_borders(rules(&[
            border(ParagraphBorderPosition::Top, top, "000000"),
            border(ParagraphBorderPosition::Bottom, 8, "000000"),
        ]));
        out.push(p)
    }

    /// The .docx file, with the font table of [`super::fonts`].
    pub fn bytes(self) -> Result<Vec<u8>, super::DocxError> {
        let mut xml = self.docx.build();
        xml.font_table = super::fonts::font_table();
        let mut out = std::io::Cursor::new(Vec::new());
        // Writing to memory fails only on an internal error of the zip writer.
        xml.pack(&mut out)
            .map_err(|e| super::DocxError(e.to_string()))?;
        Ok(out.into_inner())
    }

    /// The mark, the number under it and the rule, as every document of the office begins.
    pub fn masthead(self, m: &super::Masthead, label: Option<&str>, color: &str) -> Self {
        self.mark(ISSUER, color)
            .number(m.number.as_deref(), label, color)
    }
}

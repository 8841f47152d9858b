//! The pure parser: document text in, [`Plan`] out, or an error naming the line.
//!
//! Levels are recognised by their Chinese numbering (`一、`, `(一)`, `1.`), never by Markdown
//! marks. Lines of one item split by page breaks are joined with no space. Items end with
//! their responsibility parenthetical; in the run-in layout one paragraph holds several tasks,
//! each ended by its own parenthetical.

use super::numerals::{parse_chinese_numeral, to_chinese_numeral};
use super::responsibility::{Responsibility, parse_responsibility};
use super::text::{is_rule, normalize, normalize_char, squeeze, strip_marks};
use super::{NATIONAL_ISSUER, Plan, Section, Subsection, Task};
use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;

/// Why a document could not be read whole. `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第{line}行: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        line,
        message: message.into(),
    })
}

static SECTION: LazyLock<Regex> = LazyLock::new(|| re(r"^([一二三四五六七八九十]{1,3})、\s*(.*)$"));
static SUBSECTION: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\(([一二三四五六七八九十]{1,3})\)\s*(.*)$"));
// `1.` but not `1.5万`: a digit after the dot is a decimal, not an item number.
static ITEM: LazyLock<Regex> = LazyLock::new(|| re(r"^(\d{1,3})[.、](?:$|[^\d])"));
static TITLE: LazyLock<Regex> = LazyLock::new(|| re(r"^(\d{4})年[^《》]*(?:要点|计划|方案|安排)$"));
static DOC_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\p{Han}{1,16}[〔\[［(]\d{4}[〕\]］)]\d{1,4}号$"));
static DATE: LazyLock<Regex> = LazyLock::new(|| re(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"));
static PRINTED: LazyLock<Regex> = LazyLock::new(|| re(r"(\d{4})年(\d{1,2})月(\d{1,2})日印发$"));

fn re(pattern: &str) -> Regex {
    // The patterns are constants checked by the unit tests; a failure is a programming error.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in pattern {pattern}: {e}"))
}

/// One source line: its number, its raw text, and its content without Markdown marks,
/// full-width punctuation normalised (for recognising markers only).
struct Line<'a> {
    no: usize,
    raw: &'a str,
    content: String,
}

/// Parses a plan document (工作要点). Never panics; any input that cannot be read whole is
/// refused with the line where reading failed.
pub fn parse_plan(text: &str) -> Result<Plan, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<Line> = text
        .lines()
        .enumerate()
        .map(|(i, raw)| Line {
            no: i + 1,
            raw,
            content: normalize(&strip_marks(raw)),
        })
        .collect();
    if lines.iter().all(|l| l.content.is_empty()) {
        return err(1, "文档为空");
    }

    let first_section = lines
        .iter()
        .position(|l| SECTION.is_match(&l.content))
        .ok_or(ParseError {
            line: 1,
            message: "未找到任何部分标题(如“一、扎实开展重点难点治理”)".into(),
        })?;
    let title_at = lines[..first_section]
        .iter()
        .position(|l| TITLE.is_match(&squeeze(&l.content)))
        .ok_or(ParseError {
            line: lines[first_section].no,
            message: "在第一个部分标题之前未找到文件标题(如“2022年……工作要点”)".into(),
        })?;

    let title = squeeze(&lines[title_at].content);
    let year = year_of_title(&title, lines[title_at].no)?;
    let head = read_head(&lines[..title_at])?;
    let preamble = paragraphs(&lines[title_at + 1..first_section]);

    let body_end = lines[first_section..]
        .iter()
        .position(|l| is_tail_start(&l.content))
        .map_or(lines.len(), |p| first_section + p);
    let printed_on = lines[body_end..]
        .iter()
        .find_map(|l| {
            let s = squeeze(&l.content);
            PRINTED.captures(&s).map(|c| ymd(l.no, &c[1], &c[2], &c[3]))
        })
        .transpose()?;

    let sections = Body::default().read(&lines[first_section..body_end])?;
    let issuer = head.issuer.unwrap_or_else(|| issuer_from_title(&title));
    Ok(Plan {
        issuer,
        doc_number: head.doc_number,
        title,
        year,
        issued_on: head.issued_on,
        printed_on,
        preamble,
        sections,
    })
}

fn year_of_title(title: &str, line: usize) -> Result<i32, ParseError> {
    let year: i32 = title.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    if !(1990..=2200).contains(&year) {
        return err(line, format!("标题中的年份不合理: {title}"));
    }
    Ok(year)
}

/// `2022年全国……工作要点` → `全国……工作领导小组`: the usual name of the issuing group.
fn issuer_from_title(title: &str) -> String {
    let body = title.split_once('年').map_or(title, |(_, rest)| rest);
    match body.strip_suffix("工作要点") {
        Some(core) if !core.is_empty() => format!("{core}工作领导小组"),
        _ => NATIONAL_ISSUER.to_string(),
    }
}

#[derive(Default)]
struct Head {
    issuer: Option<String>,
    doc_number: Option<String>,
    issued_on: Option<NaiveDate>,
}

/// The letterhead and covering notice: issuer, number (文号) and date; nothing else is kept.
fn read_head(lines: &[Line]) -> Result<Head, ParseError> {
    let mut head = Head::default();
    for l in lines {
        let s = squeeze(&l.content);
        if head.issuer.is_none()
            && let Some(issuer) = s.strip_suffix("文件").filter(|i| !i.is_empty())
        {
            head.issuer = Some(issuer.to_string());
            continue;
        }
        if head.doc_number.is_none() && DOC_NUMBER.is_match(&s) {
            head.doc_number = Some(squeeze(l.raw.trim()).replace("**", ""));
            continue;
        }
        if head.issued_on.is_none()
            && let Some(c) = DATE.captures(&s)
        {
            head.issued_on = Some(ymd(l.no, &c[1], &c[2], &c[3])?);
        }
    }
    Ok(head)
}

fn ymd(line: usize, y: &str, m: &str, d: &str) -> Result<NaiveDate, ParseError> {
    let (y, m, d) = (y.parse().ok(), m.parse().ok(), d.parse().ok());
    match (y, m, d) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d)
            .map_or_else(|| err(line, format!("日期不存在: {y}年{m}月{d}日")), Ok),
        _ => err(line, "日期无法识别"),
    }
}

/// Paragraphs separated by blank lines; lines within one paragraph joined with no space.
fn paragraphs(lines: &[Line]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for l in lines {
        if l.content.is_empty() || is_rule(&l.content) {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push_str(l.raw.trim());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out.join("\n")
}

/// The distribution block (抄报, 抄送, 印发) and signature dates end the body.
fn is_tail_start(content: &str) -> bool {
    let s = squeeze(content);
    s.starts_with("抄报") || s.starts_with("抄送") || DATE.is_match(&s) || PRINTED.is_match(&s)
}

/// Text gathered for one item (numbered layout) or one run-in paragraph group, with the line
/// each piece came from so that errors can name it.
#[derive(Default)]
struct Buffer {
    start_line: usize,
    text: String,
    /// (char offset in `text`, line number)
    marks: Vec<(usize, usize)>,
}

impl Buffer {
    fn new(line: usize, first: &str) -> Self {
        let mut b = Buffer {
            start_line: line,
            ..Default::default()
        };
        b.push(line, first);
        b
    }

    fn push(&mut self, line: usize, piece: &str) {
        let piece = piece.trim();
        if piece.is_empty() {
            return;
        }
        self.marks.push((self.text.chars().count(), line));
        self.text.push_str(piece);
    }

    fn line_at(&self, char_offset: usize) -> usize {
        self.marks
            .iter()
            .take_while(|(off, _)| *off <= char_offset)
            .last()
            .map_or(self.start_line, |(_, l)| *l)
    }
}

enum Open {
    None,
    Item(u32, Buffer),
    RunIn(Buffer),
}

/// The state of reading sections, subsections and items.
struct Body {
    sections: Vec<Section>,
    open: Open,
    /// Whether the current subsection has numbered items (then run-in text is refused).
    numbered: bool,
}

impl Default for Body {
    fn default() -> Self {
        Body {
            sections: Vec::new(),
            open: Open::None,
            numbered: false,
        }
    }
}

impl Body {
    fn read(mut self, lines: &[Line]) -> Result<Vec<Section>, ParseError> {
        for l in lines {
            if l.content.is_empty() || is_rule(&l.content) {
                continue;
            }
            if let Some(c) = SECTION.captures(&l.content) {
                self.flush()?;
                self.start_section(l.no, &c[1], &c[2])?;
            } else if let Some(c) = SUBSECTION.captures(&l.content) {
                self.flush()?;
                self.start_subsection(l, &c[1], &c[2])?;
            } else if let Some(c) = ITEM.captures(&l.content) {
                self.flush()?;
                self.start_item(l, &c[1])?;
            } else {
                self.continue_text(l)?;
            }
        }
        self.flush()?;
        self.close_subsection()?;
        self.close_section()?;
        Ok(self.sections)
    }

    fn start_section(&mut self, line: usize, numeral: &str, title: &str) -> Result<(), ParseError> {
        self.close_subsection()?;
        self.close_section()?;
        let number = check_number(line, numeral, self.sections.len(), "部分", |n| {
            format!("{}、", to_chinese_numeral(n))
        })?;
        self.sections.push(Section {
            number,
            title: heading_title(title),
            line,
            subsections: Vec::new(),
        });
        Ok(())
    }

    fn start_subsection(&mut self, l: &Line, numeral: &str, rest: &str) -> Result<(), ParseError> {
        self.close_subsection()?;
        let Some(section) = self.sections.last_mut() else {
            return err(l.no, "小节出现在任何部分之前");
        };
        let number = check_number(l.no, numeral, section.subsections.len(), "小节", |n| {
            format!("({})", to_chinese_numeral(n))
        })?;
        // Run-in layout: the heading sentence runs straight into its text.
        let raw_rest = raw_after_marker(l.raw, rest);
        let (title, body) = match raw_rest.split_once('。') {
            Some((t, b)) => (t.to_string(), b.trim().to_string()),
            None => (raw_rest.clone(), String::new()),
        };
        section.subsections.push(Subsection {
            number,
            title: heading_title(&title),
            line: l.no,
            tasks: Vec::new(),
        });
        self.numbered = false;
        if !squeeze(&body).is_empty() {
            self.open = Open::RunIn(Buffer::new(l.no, &body));
        }
        Ok(())
    }

    fn start_item(&mut self, l: &Line, digits: &str) -> Result<(), ParseError> {
        let Some(sub) = self.sections.last().and_then(|s| s.subsections.last()) else {
            return err(l.no, "任务不在任何小节之下(缺少“(一)……”这样的小节标题)");
        };
        if !sub.tasks.is_empty() && !self.numbered {
            return err(l.no, "同一小节中既有未编号段落又有编号任务");
        }
        let expected = sub.tasks.len() as u32 + 1;
        let number: u32 = digits.parse().unwrap_or(0);
        if number != expected {
            return err(l.no, format!("任务序号应为“{expected}.”,实为“{digits}.”"));
        }
        self.numbered = true;
        let raw = l.raw.replace("**", "");
        let text = strip_item_marker(raw.trim().trim_start_matches('#').trim());
        self.open = Open::Item(number, Buffer::new(l.no, text));
        Ok(())
    }

    fn continue_text(&mut self, l: &Line) -> Result<(), ParseError> {
        let piece = l.raw.replace("**", "");
        match &mut self.open {
            Open::Item(_, b) if read_item(b).is_ok() => {
                return err(l.no, "无法归属的段落:上一项任务已以责任单位结束");
            }
            Open::Item(_, b) | Open::RunIn(b) => b.push(l.no, &piece),
            Open::None => {
                let Some(sub) = self.sections.last().and_then(|s| s.subsections.last()) else {
                    return err(l.no, "无法归属的段落:不在任何小节之下");
                };
                if !sub.tasks.is_empty() {
                    return err(l.no, "无法归属的段落:上一项任务已以责任单位结束");
                }
                self.open = Open::RunIn(Buffer::new(l.no, &piece));
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ParseError> {
        let open = std::mem::replace(&mut self.open, Open::None);
        let (section_no, sub) = match self
            .sections
            .last_mut()
            .and_then(|s| Some(s.number).zip(s.subsections.last_mut()))
        {
            Some(x) => x,
            None => return Ok(()),
        };
        match open {
            Open::None => {}
            Open::Item(number, buf) => {
                let piece = read_item(&buf)?;
                sub.tasks
                    .push(piece.into_task(section_no, sub.number, number));
            }
            Open::RunIn(buf) => {
                for piece in split_run_in(&buf)? {
                    let number = sub.tasks.len() as u32 + 1;
                    sub.tasks
                        .push(piece.into_task(section_no, sub.number, number));
                }
            }
        }
        Ok(())
    }

    fn close_subsection(&mut self) -> Result<(), ParseError> {
        if let Some(sub) = self.sections.last().and_then(|s| s.subsections.last())
            && sub.tasks.is_empty()
        {
            return err(sub.line, format!("小节“{}”下没有任何任务", sub.title));
        }
        Ok(())
    }

    fn close_section(&mut self) -> Result<(), ParseError> {
        if let Some(s) = self.sections.last()
            && s.subsections.is_empty()
        {
            return err(s.line, format!("部分“{}”下没有任何小节", s.title));
        }
        Ok(())
    }
}

fn check_number(
    line: usize,
    numeral: &str,
    count_so_far: usize,
    what: &str,
    show: impl Fn(u32) -> String,
) -> Result<u32, ParseError> {
    let expected = count_so_far as u32 + 1;
    match parse_chinese_numeral(numeral) {
        Some(n) if n == expected => Ok(n),
        _ => err(
            line,
            format!("{what}编号应为“{}”,实为“{numeral}”", show(expected)),
        ),
    }
}

/// A heading's title: no layout blanks, no closing `。`.
fn heading_title(s: &str) -> String {
    squeeze(s).trim_end_matches(['。', '.']).to_string()
}

/// The raw (un-normalised) text of a subsection line after its `(一)` marker.
fn raw_after_marker(raw: &str, normalized_rest: &str) -> String {
    let raw = raw.replace("**", "");
    let raw = raw.trim().trim_start_matches('#').trim();
    let total = raw.chars().count();
    let rest_len = normalized_rest.chars().count();
    raw.chars().skip(total.saturating_sub(rest_len)).collect()
}

/// `1. 开展……` → `开展……` (ASCII or full-width dot, or `、`).
fn strip_item_marker(s: &str) -> &str {
    let after_digits = s.trim_start_matches(|c: char| c.is_ascii_digit());
    let after_mark = after_digits
        .strip_prefix(['.', '．', '、'])
        .unwrap_or(after_digits);
    after_mark.trim_start()
}

/// Finds the parenthetical that closes at char index `close` and returns its open index.
fn matching_open(chars: &[char], close: usize) -> Option<usize> {
    let mut depth = 0usize;
    for i in (0..=close).rev() {
        match normalize_char(chars[i]) {
            ')' => depth += 1,
            '(' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// One task's text as found, before it gets its place in the plan.
struct Piece {
    text: String,
    source_text: String,
    responsibility_text: String,
    responsibility: Responsibility,
    line: usize,
}

impl Piece {
    fn into_task(self, section: u32, sub: u32, number: u32) -> Task {
        Task {
            code: format!("{section}.{sub}.{number}"),
            number,
            text: self.text,
            source_text: self.source_text,
            responsibility_text: self.responsibility_text,
            leads: self.responsibility.leads,
            co: self.responsibility.co,
            unnamed_members: self.responsibility.unnamed_members,
            line: self.line,
        }
    }
}

fn read_item(buf: &Buffer) -> Result<Piece, ParseError> {
    let chars: Vec<char> = buf.text.chars().collect();
    let end = chars.len();
    let no_parenthetical = || {
        err(
            buf.start_line,
            "任务没有以责任单位括号结尾(如“(公安部负责)”)",
        )
    };
    if end == 0 || normalize_char(chars[end - 1]) != ')' {
        return no_parenthetical();
    }
    let Some(open) = matching_open(&chars, end - 1) else {
        return no_parenthetical();
    };
    let inner: String = chars[open + 1..end - 1].iter().collect();
    let Some(r) = parse_responsibility(&inner) else {
        return no_parenthetical();
    };
    let text: String = chars[..open].iter().collect::<String>().trim().to_string();
    if text.is_empty() {
        return err(buf.start_line, "任务只有责任单位,没有任务内容");
    }
    Ok(Piece {
        text,
        source_text: buf.text.clone(),
        responsibility_text: inner,
        responsibility: r,
        line: buf.start_line,
    })
}

/// Splits run-in text into tasks, each ended by its own responsibility parenthetical.
fn split_run_in(buf: &Buffer) -> Result<Vec<Piece>, ParseError> {
    let chars: Vec<char> = buf.text.chars().collect();
    let mut tasks = Vec::new();
    let mut start = 0usize;
    let mut depth = 0usize;
    let mut open_at = 0usize;
    for (i, c) in chars.iter().enumerate() {
        match normalize_char(*c) {
            '(' => {
                if depth == 0 {
                    open_at = i;
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth > 0 {
                    continue;
                }
                let inner: String = chars[open_at + 1..i].iter().collect();
                let Some(r) = parse_responsibility(&inner) else {
                    continue;
                };
                let text: String = chars[start..open_at].iter().collect::<String>();
                let text = text.trim().to_string();
                if text.is_empty() {
                    return err(buf.line_at(open_at), "责任单位括号之前没有任务内容");
                }
                let source: String = chars[start..=i].iter().collect::<String>();
                tasks.push(Piece {
                    text,
                    source_text: source.trim().to_string(),
                    responsibility_text: inner,
                    responsibility: r,
                    line: buf.line_at(start),
                });
                // `……(X负责)。下一项`: stray closing punctuation belongs to the task before.
                start = i + 1;
                while chars
                    .get(start)
                    .is_some_and(|c| "。;；,，、".contains(*c) || c.is_whitespace())
                {
                    start += 1;
                }
            }
            _ => {}
        }
    }
    let rest: String = chars[start.min(chars.len())..].iter().collect();
    if !rest.trim().is_empty() {
        let offset = start + rest.chars().take_while(|c| c.is_whitespace()).count();
        return err(
            buf.line_at(offset),
            "这段文字没有以责任单位括号结尾(如“(公安部负责)”)",
        );
    }
    Ok(tasks)
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;

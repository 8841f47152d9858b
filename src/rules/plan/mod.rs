//! The plan document (工作要点) as data, and the pure functions that read it.
//!
//! Nothing here touches the database or the file system: [`parse_plan`] takes the document's
//! text and returns a [`Plan`] or a [`ParseError`] naming the line.

mod errata;
mod numerals;
pub use numerals::{parse_chinese_numeral, section_label, subsection_label, to_chinese_numeral};
mod matching;
mod parser;
mod responsibility;
mod text;
mod units;

pub use errata::{AppliedErratum, Errata, ErrataError, Erratum, apply_errata};
pub use matching::{
    CONTINUED_MIN, Item as MatchItem, Label as MatchLabel, MATCH_MIN, Matching, Proposal, items_of,
    match_plans, similarity, units_overlap,
};
pub use parser::{ParseError, parse_plan};
pub use responsibility::{Responsibility, parse_responsibility};
pub use units::{UnitDirectory, UnitDirectoryError, UnitsFile};

use chrono::NaiveDate;
use serde::Serialize;

/// The national leading group, the issuer assumed for a plan without a letterhead.
pub const NATIONAL_ISSUER: &str = "全国打击侵犯知识产权和制售假冒伪劣商品工作领导小组";

/// 工作要点: one plan document, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// 发文机关: the issuing leading group, from the letterhead.
    pub issuer: String,
    /// 文号, e.g. `打假发〔2022〕1号`; `None` where the document has no letterhead number.
    pub doc_number: Option<String>,
    pub title: String,
    pub year: i32,
    /// 成文日期: the date under the covering notice.
    pub issued_on: Option<NaiveDate>,
    /// 印发日期: the date in the distribution block (`……印发`).
    pub printed_on: Option<NaiveDate>,
    /// The paragraph(s) between the title and section 一; not a task.
    pub preamble: String,
    pub sections: Vec<Section>,
}

/// 部分: a top-level section, `一、扎实开展重点难点治理`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub number: u32,
    pub title: String,
    pub line: usize,
    pub subsections: Vec<Subsection>,
}

/// A subsection, `(一)开展互联网领域治理`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subsection {
    pub number: u32,
    pub title: String,
    pub line: usize,
    pub tasks: Vec<Task>,
}

/// 任务: one task item with its responsible units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    /// Position-based code, `section.subsection.item`, e.g. `1.3.6`.
    pub code: String,
    pub number: u32,
    /// The item's text without its closing parenthetical (errata applied, if any).
    pub text: String,
    /// The item exactly as the document has it, page breaks joined, parenthetical included.
    pub source_text: String,
    /// The closing parenthetical's inside, verbatim.
    pub responsibility_text: String,
    /// 牵头单位: lead units, in document order.
    pub leads: Vec<String>,
    /// 按职责分工负责的单位: co-responsible units, in document order.
    pub co: Vec<String>,
    /// True where the parenthetical includes unnamed member units (`领导小组有关成员单位`, `等`).
    pub unnamed_members: bool,
    /// 1-based line of the document where the item starts.
    pub line: usize,
}

impl Plan {
    pub fn tasks(&self) -> impl Iterator<Item = (&Section, &Subsection, &Task)> {
        self.sections.iter().flat_map(|s| {
            s.subsections
                .iter()
                .flat_map(move |ss| ss.tasks.iter().map(move |t| (s, ss, t)))
        })
    }

    pub fn subsection_count(&self) -> usize {
        self.sections.iter().map(|s| s.subsections.len()).sum()
    }

    pub fn task_count(&self) -> usize {
        self.tasks().count()
    }

    /// Every unit named in the plan, in order of first mention.
    pub fn unit_names(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (_, _, t) in self.tasks() {
            for u in t.leads.iter().chain(&t.co) {
                if seen.insert(u.as_str()) {
                    out.push(u.as_str());
                }
            }
        }
        out
    }

    pub fn task_mut(&mut self, code: &str) -> Option<&mut Task> {
        self.sections
            .iter_mut()
            .flat_map(|s| s.subsections.iter_mut())
            .flat_map(|ss| ss.tasks.iter_mut())
            .find(|t| t.code == code)
    }
}

//! 通报快照: the frozen format of an issued edition, apart from the live [`Summary`]. Editions
//! are never rewritten (a trigger forbids it), so what was stored must stay readable whatever
//! the summary becomes: every struct here reads with defaults for the fields added after an
//! edition was issued, and lights and punctuality are kept by their stored names, so a word
//! unknown to a later version reads as absent instead of making the edition unreadable. A
//! change that cannot be read that way takes a new [`FORMAT`] and its own reader.

use crate::rules::lights::{Light, Punctuality};
use crate::rules::schedule::Period;
use crate::workflows::summary::{self, Summary};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The format written by this code. Editions issued before the number was kept read as 1:
/// format 1 is the summary's shape on the day editions began.
pub const FORMAT: u32 = 1;

fn first_format() -> u32 {
    1
}

/// An edition as stored in `editions.snapshot`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EditionSnapshot {
    #[serde(default = "first_format")]
    pub format: u32,
    pub as_of: Option<NaiveDate>,
    /// 本期: the period being reported on the edition's date.
    pub period: Option<SnapshotPeriod>,
    pub totals: Totals,
    pub sections: Vec<Group>,
    pub subsections: Vec<Group>,
    pub units: Vec<UnitLine>,
    pub grid_periods: Vec<SnapshotPeriod>,
    pub grid: Vec<GridRow>,
    pub flagged: Vec<Flagged>,
    pub trend: Vec<TrendPoint>,
    /// What units without a liaison account accounted for (editions issued before it was
    /// kept have none).
    pub liaisons: Option<Liaisons>,
    /// 本月批示 `(written, closed)` (editions issued before they were counted have none).
    pub instructions: Option<(u32, u32)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Liaisons {
    pub units_without: u32,
    pub red_only_for_them: u32,
    pub missing_from_them: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SnapshotPeriod {
    pub key: String,
    pub label: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Totals {
    pub tasks: u32,
    pub closed: u32,
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
    pub due: u32,
    pub missing: u32,
    /// 已完成（待办结）; editions issued before it was counted have none.
    pub completed: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Group {
    pub section: i32,
    pub subsection: Option<i32>,
    pub label: String,
    pub total: u32,
    pub red: u32,
    pub yellow: u32,
    pub green: u32,
    pub grey: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnitLine {
    pub unit_id: i64,
    pub unit: String,
    pub led: u32,
    pub co: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    pub returned: u32,
    pub pending: u32,
    pub red: u32,
    pub yellow: u32,
    pub no_liaison: bool,
    /// 延期申请 `(asked, approved)`; editions issued before they were counted have none.
    pub extensions: Option<(u32, u32)>,
    /// 签收 `(acknowledged, contested)` and 签发 `(signed off, returned)`: as above.
    pub acknowledgements: Option<(u32, u32)>,
    pub sign_offs: Option<(u32, u32)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GridRow {
    pub unit_id: i64,
    pub unit: String,
    pub no_liaison: bool,
    /// Punctuality by its stored name (`on_time`, `missing`…), one cell per period.
    pub cells: Vec<Option<String>>,
    pub rate: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Flagged {
    pub code: String,
    pub text: String,
    /// The light by its stored name (`red`, `yellow`).
    pub light: String,
    pub reasons: Vec<String>,
    /// The reasons one line each (editions issued before lines were kept: none, and the
    /// reasons are shown one a line).
    pub lines: Vec<FlagLine>,
    pub missing_units: Vec<i64>,
    pub light_apart_from_missing: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlagLine {
    pub text: String,
    pub units: Vec<FlagUnit>,
    pub missing: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlagUnit {
    pub unit_id: i64,
    pub unit: String,
    pub no_liaison: bool,
}

impl FlagLine {
    fn of(l: &summary::FlagLine) -> FlagLine {
        FlagLine {
            text: l.text.clone(),
            units: l
                .units
                .iter()
                .map(|u| FlagUnit {
                    unit_id: u.unit_id,
                    unit: u.unit.clone(),
                    no_liaison: u.no_liaison,
                })
                .collect(),
            missing: l.missing,
        }
    }

    fn line(&self) -> summary::FlagLine {
        summary::FlagLine {
            text: self.text.clone(),
            units: self
                .units
                .iter()
                .map(|u| summary::FlagUnit {
                    unit_id: u.unit_id,
                    unit: u.unit.clone(),
                    no_liaison: u.no_liaison,
                })
                .collect(),
            missing: self.missing,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrendPoint {
    pub label: String,
    pub closed: u32,
    pub red: u32,
}

impl EditionSnapshot {
    /// Freezes the summary as it stands.
    pub fn of(s: &Summary) -> EditionSnapshot {
        let t = &s.totals;
        EditionSnapshot {
            format: FORMAT,
            as_of: Some(s.as_of),
            period: s.period.as_ref().map(SnapshotPeriod::of),
            totals: Totals {
                tasks: t.tasks,
                closed: t.closed,
                green: t.green,
                yellow: t.yellow,
                red: t.red,
                due: t.due,
                missing: t.missing,
                completed: t.completed,
            },
            sections: s.sections.iter().map(Group::of).collect(),
            subsections: s.subsections.iter().map(Group::of).collect(),
            units: s.units.iter().map(UnitLine::of).collect(),
            grid_periods: s.grid_periods.iter().map(SnapshotPeriod::of).collect(),
            grid: s
                .grid
                .iter()
                .map(|g| GridRow {
                    unit_id: g.unit_id,
                    unit: g.unit.clone(),
                    no_liaison: g.no_liaison,
                    cells: g
                        .cells
                        .iter()
                        .map(|c| c.map(|p| p.as_str().to_string()))
                        .collect(),
                    rate: g.rate,
                })
                .collect(),
            flagged: s
                .flagged
                .iter()
                .map(|f| Flagged {
                    code: f.code.clone(),
                    text: f.text.clone(),
                    light: f.light.as_str().to_string(),
                    reasons: f.reasons.clone(),
                    lines: f.lines.iter().map(FlagLine::of).collect(),
                    missing_units: f.missing_units.clone(),
                    light_apart_from_missing: f.light_apart_from_missing.as_str().to_string(),
                })
                .collect(),
            trend: s
                .trend
                .iter()
                .map(|p| TrendPoint {
                    label: p.label.clone(),
                    closed: p.closed,
                    red: p.red,
                })
                .collect(),
            liaisons: s.liaisons.as_ref().map(|n| Liaisons {
                units_without: n.units_without,
                red_only_for_them: n.red_only_for_them,
                missing_from_them: n.missing_from_them,
            }),
            instructions: s.instructions,
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Reads a stored snapshot; `None` only for one that is not an object of this shape at
    /// all, or of a format newer than this code knows.
    pub fn from_json(value: &serde_json::Value) -> Option<EditionSnapshot> {
        // Read in place: an edition's snapshot is tens of kilobytes, not worth a copy per view.
        let s = EditionSnapshot::deserialize(value).ok()?;
        (s.format <= FORMAT).then_some(s)
    }

    /// The summary the pages and the workbook show; `as_of` is the edition's own date, for a
    /// snapshot that lacks one.
    pub fn summary(&self, as_of: NaiveDate) -> Summary {
        let t = &self.totals;
        Summary {
            as_of: self.as_of.unwrap_or(as_of),
            before_issue: None,
            period: self.period.as_ref().and_then(SnapshotPeriod::period),
            totals: summary::Totals {
                tasks: t.tasks,
                closed: t.closed,
                green: t.green,
                yellow: t.yellow,
                red: t.red,
                due: t.due,
                missing: t.missing,
                completed: t.completed,
            },
            sections: self.sections.iter().map(Group::group).collect(),
            subsections: self.subsections.iter().map(Group::group).collect(),
            units: self.units.iter().map(UnitLine::line).collect(),
            grid_periods: self
                .grid_periods
                .iter()
                .filter_map(SnapshotPeriod::period)
                .collect(),
            grid: self
                .grid
                .iter()
                .map(|g| summary::GridRow {
                    unit_id: g.unit_id,
                    unit: g.unit.clone(),
                    no_liaison: g.no_liaison,
                    cells: g
                        .cells
                        .iter()
                        .map(|c| c.as_deref().and_then(Punctuality::parse))
                        .collect(),
                    rate: g.rate,
                })
                .collect(),
            flagged: self
                .flagged
                .iter()
                .filter_map(|f| {
                    Some(summary::Flagged {
                        code: f.code.clone(),
                        text: f.text.clone(),
                        light: Light::parse(&f.light)?,
                        reasons: f.reasons.clone(),
                        lines: f.lines.iter().map(FlagLine::line).collect(),
                        missing_units: f.missing_units.clone(),
                        // Unknown (an older edition): as red as the task itself.
                        light_apart_from_missing: Light::parse(&f.light_apart_from_missing)
                            .unwrap_or(Light::parse(&f.light)?),
                    })
                })
                .collect(),
            trend: self
                .trend
                .iter()
                .map(|p| summary::TrendPoint {
                    label: p.label.clone(),
                    closed: p.closed,
                    red: p.red,
                })
                .collect(),
            liaisons: self.liaisons.as_ref().map(|n| summary::LiaisonNote {
                units_without: n.units_without,
                red_only_for_them: n.red_only_for_them,
                missing_from_them: n.missing_from_them,
            }),
            instructions: self.instructions,
        }
    }
}

impl SnapshotPeriod {
    fn of(p: &Period) -> SnapshotPeriod {
        SnapshotPeriod {
            key: p.key.clone(),
            label: p.label.clone(),
            start: Some(p.start),
            end: Some(p.end),
            due: Some(p.due),
        }
    }

    fn period(&self) -> Option<Period> {
        Some(Period {
            key: self.key.clone(),
            label: self.label.clone(),
            start: self.start?,
            end: self.end?,
            due: self.due?,
        })
    }
}

impl Group {
    fn of(g: &summary::Group) -> Group {
        Group {
            section: g.section,
            subsection: g.subsection,
            label: g.label.clone(),
            total: g.total,
            red: g.red,
            yellow: g.yellow,
            green: g.green,
            grey: g.grey,
        }
    }

    fn group(&self) -> summary::Group {
        summary::Group {
            section: self.section,
            subsection: self.subsection,
            label: self.label.clone(),
            total: self.total,
            red: self.red,
            yellow: self.yellow,
            green: self.green,
            grey: self.grey,
        }
    }
}

impl UnitLine {
    fn of(u: &summary::UnitLine) -> UnitLine {
        UnitLine {
            unit_id: u.unit_id,
            unit: u.unit.clone(),
            led: u.led,
            co: u.co,
            on_time: u.on_time,
            late: u.late,
            missing: u.missing,
            returned: u.returned,
            pending: u.pending,
            red: u.red,
            yellow: u.yellow,
            no_liaison: u.no_liaison,
            extensions: u.extensions,
            acknowledgements: u.acknowledgements,
            sign_offs: u.sign_offs,
        }
    }

    fn line(&self) -> summary::UnitLine {
        summary::UnitLine {
            unit_id: self.unit_id,
            unit: self.unit.clone(),
            led: self.led,
            co: self.co,
            on_time: self.on_time,
            late: self.late,
            missing: self.missing,
            returned: self.returned,
            pending: self.pending,
            red: self.red,
            yellow: self.yellow,
            no_liaison: self.no_liaison,
            extensions: self.extensions,
            acknowledgements: self.acknowledgements,
            sign_offs: self.sign_offs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edition_of_the_first_format_without_its_number_reads() {
        let old = serde_json::json!({
            "as_of": "2022-10-20",
            "period": { "key": "2022-Q3", "label": "2022年第三季度", "start": "2022-07-01",
                        "end": "2022-09-30", "due": "2022-10-10" },
            "totals": { "tasks": 3, "closed": 1, "green": 1, "yellow": 0, "red": 1, "due": 2,
                        "missing": 1 },
            "grid": [{ "unit_id": 7, "unit": "公安部", "cells": ["on_time", null, "late"],
                       "rate": 50 }],
            "flagged": [{ "code": "1.1", "text": "任务", "light": "red", "reasons": ["逾期"] }],
        });
        let s = EditionSnapshot::from_json(&old).expect("reads");
        assert_eq!(s.format, 1);
        let day = NaiveDate::from_ymd_opt(2022, 10, 20).unwrap();
        let summary = s.summary(day);
        assert_eq!(summary.totals.red, 1);
        assert_eq!(summary.period.unwrap().key, "2022-Q3");
        assert_eq!(
            summary.grid[0].cells,
            vec![Some(Punctuality::OnTime), None, Some(Punctuality::Late)]
        );
        assert_eq!(summary.flagged[0].light, Light::Red);
        assert!(summary.units.is_empty() && summary.trend.is_empty());
    }

    #[test]
    fn fields_and_words_unknown_today_do_not_make_an_edition_unreadable() {
        let later = serde_json::json!({
            "format": 1,
            "totals": { "tasks": 2, "overdue_units": 5 },
            "grid": [{ "unit": "商务部", "cells": ["excused"] }],
            "flagged": [{ "code": "2.1", "light": "purple" }],
            "commentary": "领导批示",
        });
        let s = EditionSnapshot::from_json(&later).expect("reads");
        let summary = s.summary(NaiveDate::from_ymd_opt(2023, 1, 5).unwrap());
        assert_eq!(summary.totals.tasks, 2);
        assert_eq!(summary.as_of, NaiveDate::from_ymd_opt(2023, 1, 5).unwrap());
        assert_eq!(summary.grid[0].cells, vec![None]);
        assert!(summary.flagged.is_empty());
    }

    #[test]
    fn a_newer_format_or_a_non_object_is_refused_not_misread() {
        assert!(EditionSnapshot::from_json(&serde_json::json!({ "format": 2 })).is_none());
        assert!(EditionSnapshot::from_json(&serde_json::json!("text")).is_none());
    }
}

//! 红黄灯清单: the summary's red and yellow tasks told plainly — each reason on its own line
//! with the units it names gathered on it (not “公安部：…未报送” repeated per unit), and how
//! much of the red and of the missing reports comes only from units that have no liaison
//! account (a unit without one cannot report by itself).

use crate::db::{plans::PlanSettings, reports::ReportBrief, tasks::TaskRow};
use crate::rules::lights::{self, Light};
use crate::workflows::progress::{TaskState, status};
use crate::workflows::summary::{Flagged, Summary};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;

/// One reason of a flagged task, with the units it names (none: a reason of the task itself,
/// such as its deadline).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FlagLine {
    pub text: String,
    pub units: Vec<FlagUnit>,
    /// A report never submitted past its due date (未报送).
    pub missing: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FlagUnit {
    pub unit_id: i64,
    pub unit: String,
    /// The unit has no liaison account (set by [`Summary::note_liaisons`]).
    pub no_liaison: bool,
}

/// What the units without a liaison account account for.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct LiaisonNote {
    /// Units of the summary without a liaison account.
    pub units_without: u32,
    /// Red tasks that would not be red but for reports missing from units without one.
    pub red_only_for_them: u32,
    /// Of 本期未报, the reports owed by units without one.
    pub missing_from_them: u32,
}

/// A red or yellow task of the summary.
pub fn flagged(
    settings: &PlanSettings,
    task: &TaskRow,
    state: &TaskState,
    reports: &[&ReportBrief],
    as_of: NaiveDate,
) -> Flagged {
    let facts = status::facts(settings, task, reports);
    Flagged {
        code: task.code.clone(),
        text: task.text.clone(),
        light: state.light,
        reasons: state.reasons.clone(),
        lines: lines(task, &state.reasons),
        missing_units: lights::units_missing_reports(&facts, as_of),
        light_apart_from_missing: lights::light_apart_from_missing_reports(&facts, as_of),
    }
}

/// The reasons of a task (`公安部：…` for a unit's) as lines: one per distinct reason, in the
/// order first given (most severe first), each naming the units it was given for.
pub fn lines(task: &TaskRow, reasons: &[String]) -> Vec<FlagLine> {
    let units: Vec<(i64, &str)> = task
        .lead_ids
        .iter()
        .zip(&task.lead_names)
        .chain(task.co_ids.iter().zip(&task.co_names))
        .map(|(id, name)| (*id, name.as_str()))
        .collect();
    let mut out: Vec<FlagLine> = Vec::new();
    for reason in reasons {
        let of_unit = units.iter().find_map(|(id, name)| {
            reason
                .strip_prefix(name)
                .and_then(|r| r.strip_prefix('：'))
                .map(|text| (*id, *name, text))
        });
        let (text, unit) = match of_unit {
            Some((id, name, text)) => (
                text,
                Some(FlagUnit {
                    unit_id: id,
                    unit: name.to_string(),
                    no_liaison: false,
                }),
            ),
            None => (reason.as_str(), None),
        };
        let line = match out.iter_mut().position(|l| l.text == text) {
            Some(i) => &mut out[i],
            None => {
                out.push(FlagLine {
                    text: text.to_string(),
                    units: Vec::new(),
                    missing: text.contains("未报送"),
                });
                let last = out.len() - 1;
                &mut out[last]
            }
        };
        if let Some(u) = unit
            && !line.units.iter().any(|x| x.unit_id == u.unit_id)
        {
            line.units.push(u);
        }
    }
    out
}

impl Summary {
    /// Marks the units without a liaison account (those not in `with_liaison`) and counts what
    /// they account for. Kept apart from the cached build: accounts are not part of the data
    /// revision the summary is cached under.
    pub fn note_liaisons(&mut self, with_liaison: &HashSet<i64>) {
        let without = |id: i64| !with_liaison.contains(&id);
        let mut note = LiaisonNote::default();
        for u in &mut self.units {
            u.no_liaison = without(u.unit_id);
            if u.no_liaison {
                note.units_without += 1;
                note.missing_from_them += u.missing + u.pending + u.returned;
            }
        }
        for g in &mut self.grid {
            g.no_liaison = without(g.unit_id);
        }
        for f in &mut self.flagged {
            for u in f.lines.iter_mut().flat_map(|l| l.units.iter_mut()) {
                u.no_liaison = without(u.unit_id);
            }
            if f.light == Light::Red
                && f.light_apart_from_missing != Light::Red
                && !f.missing_units.is_empty()
                && f.missing_units.iter().all(|u| without(*u))
            {
                note.red_only_for_them += 1;
            }
        }
        self.liaisons = Some(note);
    }
}

/// The units with a liaison account, as a set.
pub async fn with_liaison(pool: &sqlx::PgPool) -> sqlx::Result<HashSet<i64>> {
    Ok(crate::db::units::with_liaison(pool)
        .await?
        .into_iter()
        .collect())
}

/// [`Summary::note_liaisons`] with the accounts as they are now.
pub async fn note(pool: &sqlx::PgPool, s: &mut Summary) -> sqlx::Result<()> {
    s.note_liaisons(&with_liaison(pool).await?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task() -> TaskRow {
        TaskRow {
            id: 1,
            plan_id: 1,
            code: "1.1.1".into(),
            position: 1,
            section_number: 1,
            section_title: String::new(),
            subsection_number: 1,
            subsection_title: String::new(),
            number: 1,
            text: "任务".into(),
            source_text: String::new(),
            responsibility_text: String::new(),
            unnamed_members: false,
            source_line: 1,
            lead_ids: vec![1],
            lead_names: vec!["公安部".into()],
            co_ids: vec![2, 3],
            co_names: vec!["商务部".into(), "海关总署".into()],
            version: 1,
            designation_complete: true,
            deadline_kind: None,
            deadline_date: None,
            checkpoints: sqlx::types::Json(Vec::new()),
            cycle: None,
            plan_year: 2022,
            plan_deadline_kind: crate::rules::schedule::DeadlineKind::Ongoing,
            plan_deadline_date: None,
            plan_cycle: crate::rules::schedule::Cycle::Quarterly,
            closed_at: None,
            closing_note: None,
            answered_ids: Vec::new(),
            contested_ids: Vec::new(),
            milestones: sqlx::types::Json(Vec::new()),
            lead_since: vec![NaiveDate::from_ymd_opt(2022, 4, 25).unwrap()],
            co_since: vec![NaiveDate::from_ymd_opt(2022, 4, 25).unwrap(); 2],
            past_units: sqlx::types::Json(Vec::new()),
            terms_history: sqlx::types::Json(Vec::new()),
        }
    }

    fn flag(light: Light, apart: Light, missing: Vec<i64>) -> Flagged {
        Flagged {
            code: "1.1.1".into(),
            text: "任务".into(),
            light,
            reasons: Vec::new(),
            lines: vec![FlagLine {
                text: "未报送".into(),
                units: missing
                    .iter()
                    .map(|id| FlagUnit {
                        unit_id: *id,
                        unit: format!("单位{id}"),
                        no_liaison: false,
                    })
                    .collect(),
                missing: true,
            }],
            missing_units: missing,
            light_apart_from_missing: apart,
        }
    }

    #[test]
    fn red_only_for_want_of_a_liaison_is_counted() {
        let mut s = Summary {
            as_of: NaiveDate::from_ymd_opt(2022, 10, 20).unwrap(),
            period: None,
            before_issue: None,
            instructions: None,
            totals: Default::default(),
            sections: Vec::new(),
            subsections: Vec::new(),
            units: vec![
                crate::workflows::summary::UnitLine {
                    unit_id: 1,
                    missing: 2,
                    ..Default::default()
                },
                crate::workflows::summary::UnitLine {
                    unit_id: 2,
                    missing: 3,
                    returned: 1,
                    ..Default::default()
                },
            ],
            grid_periods: Vec::new(),
            grid: Vec::new(),
            flagged: vec![
                // Red only for unit 2's missing reports: counted.
                flag(Light::Red, Light::Green, vec![2]),
                // Also missing from unit 1, which has a liaison: not counted.
                flag(Light::Red, Light::Yellow, vec![1, 2]),
                // Red for its work as well: not counted.
                flag(Light::Red, Light::Red, vec![2]),
                // Yellow: not counted.
                flag(Light::Yellow, Light::Yellow, vec![2]),
            ],
            trend: Vec::new(),
            liaisons: None,
        };
        s.note_liaisons(&HashSet::from([1]));
        let n = s.liaisons.clone().unwrap();
        assert_eq!(n.units_without, 1);
        assert_eq!(n.red_only_for_them, 1);
        assert_eq!(n.missing_from_them, 4);
        assert!(!s.units[0].no_liaison && s.units[1].no_liaison);
        let marks: Vec<bool> = s.flagged[1].lines[0]
            .units
            .iter()
            .map(|u| u.no_liaison)
            .collect();
        assert_eq!(marks, [false, true]);
        // Every unit with a liaison: nothing to say.
        s.note_liaisons(&HashSet::from([1, 2]));
        assert_eq!(s.liaisons.unwrap(), LiaisonNote::default());
    }

    #[test]
    fn one_line_per_reason_with_its_units() {
        let missing = "2022年第三季度进展情况未报送（应于 2022年10月10日前）";
        let reasons: Vec<String> = vec![
            "已逾期：办理时限 2022年9月30日已过".into(),
            format!("公安部：{missing}"),
            format!("海关总署：{missing}"),
            "商务部：2022年第二季度进展情况被退回，待修改".into(),
        ];
        let l = lines(&task(), &reasons);
        assert_eq!(l.len(), 3);
        assert_eq!(l[0].text, "已逾期：办理时限 2022年9月30日已过");
        assert!(l[0].units.is_empty() && !l[0].missing);
        assert_eq!(l[1].text, missing);
        assert!(l[1].missing);
        let names: Vec<&str> = l[1].units.iter().map(|u| u.unit.as_str()).collect();
        assert_eq!(names, ["公安部", "海关总署"]);
        assert_eq!(l[2].units[0].unit, "商务部");
        assert!(!l[2].missing);
    }
}

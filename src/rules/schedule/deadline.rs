//! A task's deadline: a date, by year end, ongoing, or staged with checkpoints.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, Serialize, Deserialize, utoipa::ToSchema,
)]
#[sqlx(type_name = "deadline_kind", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// `2022-10-31前`
    Date,
    /// `年底前`: 31 December of the plan's year.
    YearEnd,
    /// `持续推进`: no end date; judged by the reporting cycle alone.
    Ongoing,
    /// `分阶段`: dated checkpoints.
    Staged,
}

impl DeadlineKind {
    pub fn parse(s: &str) -> Option<DeadlineKind> {
        match s.trim() {
            "date" => Some(DeadlineKind::Date),
            "year_end" => Some(DeadlineKind::YearEnd),
            "ongoing" => Some(DeadlineKind::Ongoing),
            "staged" => Some(DeadlineKind::Staged),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::Date => "date",
            DeadlineKind::YearEnd => "year_end",
            DeadlineKind::Ongoing => "ongoing",
            DeadlineKind::Staged => "staged",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeadlineKind::Date => "限期完成",
            DeadlineKind::YearEnd => "年底前完成",
            DeadlineKind::Ongoing => "持续推进",
            DeadlineKind::Staged => "分阶段推进",
        }
    }
}

/// 节点: a dated checkpoint of a staged deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Checkpoint {
    pub date: NaiveDate,
    pub title: String,
}

/// A deadline with its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deadline {
    Date(NaiveDate),
    YearEnd,
    Ongoing,
    Staged(Vec<Checkpoint>),
}

impl Deadline {
    pub fn kind(&self) -> DeadlineKind {
        match self {
            Deadline::Date(_) => DeadlineKind::Date,
            Deadline::YearEnd => DeadlineKind::YearEnd,
            Deadline::Ongoing => DeadlineKind::Ongoing,
            Deadline::Staged(_) => DeadlineKind::Staged,
        }
    }

    /// The date by which all must be done, if any (`year` is the plan's year).
    pub fn end(&self, year: i32) -> Option<NaiveDate> {
        match self {
            Deadline::Date(d) => Some(*d),
            Deadline::YearEnd => NaiveDate::from_ymd_opt(year, 12, 31),
            Deadline::Ongoing => None,
            Deadline::Staged(c) => c.iter().map(|c| c.date).max(),
        }
    }

    /// How it reads in the interface, e.g. `2022年10月31日前`.
    pub fn describe(&self, year: i32) -> String {
        match self {
            Deadline::Date(d) => format!("{}前", cn_date(*d)),
            Deadline::YearEnd => format!("{year}年底前"),
            Deadline::Ongoing => "持续推进".into(),
            Deadline::Staged(c) => format!("分阶段（{} 个节点）", c.len()),
        }
    }

    /// The JSON form of the API: `{kind, date?, checkpoints?}`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Deadline::Date(d) => serde_json::json!({ "kind": "date", "date": d }),
            Deadline::Staged(c) => serde_json::json!({ "kind": "staged", "checkpoints": c }),
            other => serde_json::json!({ "kind": other.kind() }),
        }
    }

    /// Checks a deadline against its plan's year. Errors name the field they concern.
    pub fn validate(&self, year: i32) -> Result<(), (&'static str, String)> {
        let in_range = |d: NaiveDate| (year - 1..=year + 5).contains(&d.year());
        match self {
            Deadline::Date(d) if !in_range(*d) => Err((
                "deadline.date",
                format!("日期应在 {} 年至 {} 年之间", year - 1, year + 5),
            )),
            Deadline::Staged(c) if c.is_empty() => {
                Err(("deadline.checkpoints", "分阶段推进至少需要一个节点".into()))
            }
            Deadline::Staged(c) if c.len() > 24 => {
                Err(("deadline.checkpoints", "节点不能超过 24 个".into()))
            }
            Deadline::Staged(c) => {
                for (i, cp) in c.iter().enumerate() {
                    let n = i + 1;
                    if !in_range(cp.date) {
                        return Err((
                            "deadline.checkpoints",
                            format!("第 {n} 个节点的日期超出范围"),
                        ));
                    }
                    let t = cp.title.trim();
                    if t.is_empty() || t.chars().count() > 200 {
                        return Err((
                            "deadline.checkpoints",
                            format!("第 {n} 个节点的说明应为 1 至 200 个字"),
                        ));
                    }
                    crate::rules::input::check_text(&format!("第 {n} 个节点的说明"), t)
                        .map_err(|m| ("deadline.checkpoints", m))?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Reads checkpoints typed one per line: `2022-06-30 完成调研` (date, blank, description).
/// Errors give the line.
pub fn parse_checkpoints(text: &str) -> Result<Vec<Checkpoint>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (date, title) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| format!("第 {} 行：应以日期开头，如“2022-06-30 完成调研”", i + 1))?;
        let title = title.trim();
        if title.is_empty() {
            return Err(format!("第 {} 行：日期后请写节点说明", i + 1));
        }
        out.push(Checkpoint {
            date,
            title: title.to_string(),
        });
    }
    out.sort_by_key(|c| c.date);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn ends() {
        assert_eq!(
            Deadline::Date(d(2022, 10, 31)).end(2022),
            Some(d(2022, 10, 31))
        );
        assert_eq!(Deadline::YearEnd.end(2022), Some(d(2022, 12, 31)));
        assert_eq!(Deadline::Ongoing.end(2022), None);
        let staged = Deadline::Staged(vec![
            Checkpoint {
                date: d(2022, 6, 30),
                title: "a".into(),
            },
            Checkpoint {
                date: d(2022, 11, 30),
                title: "b".into(),
            },
        ]);
        assert_eq!(staged.end(2022), Some(d(2022, 11, 30)));
    }

    #[test]
    fn describes_in_chinese() {
        assert_eq!(
            Deadline::Date(d(2022, 10, 31)).describe(2022),
            "2022年10月31日前"
        );
        assert_eq!(Deadline::YearEnd.describe(2022), "2022年底前");
    }

    #[test]
    fn checkpoints_parse_sorted_with_line_errors() {
        let c = parse_checkpoints("2022-11-30 总结\n\n2022-06-30  完成调研 \n").unwrap();
        assert_eq!(
            c[0],
            Checkpoint {
                date: d(2022, 6, 30),
                title: "完成调研".into()
            }
        );
        assert_eq!(c[1].title, "总结");
        assert_eq!(
            parse_checkpoints("6月30日 调研").unwrap_err(),
            "第 1 行：应以日期开头，如“2022-06-30 完成调研”"
        );
        assert_eq!(
            parse_checkpoints("2022-06-30 a\n2022-07-01").unwrap_err(),
            "第 2 行：日期后请写节点说明"
        );
        assert!(parse_checkpoints("2022-02-30 a").is_err());
    }

    #[test]
    fn validation_names_the_field() {
        assert_eq!(
            Deadline::Date(d(2030, 1, 1)).validate(2022).unwrap_err().0,
            "deadline.date"
        );
        assert_eq!(
            Deadline::Staged(vec![]).validate(2022).unwrap_err().0,
            "deadline.checkpoints"
        );
        assert!(Deadline::Date(d(2022, 10, 31)).validate(2022).is_ok());
    }

    #[test]
    fn json_form() {
        assert_eq!(
            Deadline::Date(d(2022, 10, 31)).to_json(),
            serde_json::json!({"kind": "date", "date": "2022-10-31"})
        );
        assert_eq!(
            Deadline::Ongoing.to_json(),
            serde_json::json!({"kind": "ongoing"})
        );
    }
}

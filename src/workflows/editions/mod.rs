//! 督办通报: issuing a numbered edition freezes the summary and its red and yellow lists as they
//! stand; editions are kept unchanged and can be compared.

mod preview;
mod snapshot;

pub use preview::{IssueError, Preview, issue_confirmed, preview, same_content};
pub use snapshot::{EditionSnapshot, FORMAT};

use crate::db::{self, audit::Actor};
use crate::rules::schedule::prose_date;
use crate::workflows::summary::{self, Summary};
use chrono::NaiveDate;
use serde_json::json;
use sqlx::PgPool;

/// Issues the next edition of the plan at once, unchecked (fixtures; the office's pages go
/// through [`preview`] and [`issue_confirmed`]); returns its id.
pub async fn issue(
    pool: &PgPool,
    actor: &Actor,
    plan_id: i64,
    today: NaiveDate,
) -> Result<i64, sqlx::Error> {
    let (_, snapshot) = frozen(pool, plan_id, today)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let year = db::plans::settings(pool, plan_id).await?.map_or(
        today.format("%Y").to_string().parse().unwrap_or(2022),
        |p| p.year,
    );
    let mut tx = pool.begin().await?;
    let id = insert_recorded(&mut tx, actor, plan_id, year, today, &snapshot).await?;
    tx.commit().await?;
    Ok(id)
}

/// The summary as an edition would freeze it on `today` (units without a liaison marked), and
/// its snapshot; `None` without the plan. The one place an edition's content is made, so the
/// preview, the check against the last edition and the edition issued all agree.
async fn frozen(
    pool: &PgPool,
    plan_id: i64,
    today: NaiveDate,
) -> sqlx::Result<Option<(Summary, serde_json::Value)>> {
    let Some(mut s) = summary::load(pool, plan_id, today, today).await? else {
        return Ok(None);
    };
    crate::workflows::red_list::note(pool, &mut s).await?;
    let snapshot = EditionSnapshot::of(&s).to_json();
    Ok(Some((s, snapshot)))
}

/// Stores the edition and its audit entry, in the caller's transaction.
async fn insert_recorded(
    tx: &mut sqlx::PgConnection,
    actor: &Actor,
    plan_id: i64,
    year: i32,
    today: NaiveDate,
    snapshot: &serde_json::Value,
) -> sqlx::Result<i64> {
    let id = db::editions::insert(&mut *tx, plan_id, year, today, snapshot, actor.user_id).await?;
    db::audit::record(
        &mut *tx,
        actor,
        "edition_issued",
        Some(&id.to_string()),
        json!({ "plan_id": plan_id, "as_of": today }),
    )
    .await?;
    Ok(id)
}

/// The frozen summary of an edition, read through its own format (see [`EditionSnapshot`]).
pub fn summary_of(row: &db::editions::EditionRow) -> Option<Summary> {
    EditionSnapshot::from_json(&row.snapshot).map(|s| s.summary(row.as_of))
}

/// One figure of two editions side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compared {
    pub label: &'static str,
    pub a: i64,
    pub b: i64,
}

impl Compared {
    pub fn delta(&self) -> i64 {
        self.b - self.a
    }
}

/// The headline figures of two editions, side by side.
pub fn compare(a: &Summary, b: &Summary) -> Vec<Compared> {
    let t = |s: &Summary| s.totals.figures();
    t(a).iter()
        .zip(t(b).iter())
        .map(|((label, x), (_, y))| Compared {
            label,
            a: i64::from(*x),
            b: i64::from(*y),
        })
        .collect()
}

/// A flagged task's reasons, one a line, each with the units it names (an edition issued
/// before lines were kept: its reasons as they were).
fn reason_lines(f: &summary::Flagged) -> Vec<String> {
    if f.lines.is_empty() {
        return f.reasons.clone();
    }
    f.lines
        .iter()
        .map(|l| {
            let units: Vec<String> = l
                .units
                .iter()
                .map(|u| {
                    if u.no_liaison && l.missing {
                        format!("{}（尚无联络员账号）", u.unit)
                    } else {
                        u.unit.clone()
                    }
                })
                .collect();
            if units.is_empty() {
                l.text.clone()
            } else {
                format!("{}：{}", l.text, units.join("、"))
            }
        })
        .collect()
}

/// An edition as a workbook: its headline, sections, units and the red and yellow lists.
pub fn xlsx(title: &str, s: &Summary) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use crate::formats::export::neutralize;
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let mut book = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_background_color("#F6F8FA")
        .set_border(FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap();
    let text = |v: &str| neutralize(v).into_owned();

    let sheet = book.add_worksheet().set_name("汇总")?;
    sheet.write_string(0, 0, text(title))?;
    sheet.write_string(
        1,
        0,
        match &s.period {
            Some(p) => format!(
                "截至 {}，本期：{}（应于 {}前报送）",
                prose_date(s.as_of),
                p.label,
                prose_date(p.due)
            ),
            None => format!("截至 {}", prose_date(s.as_of)),
        },
    )?;
    if let Some(n) = s.liaisons.as_ref().filter(|n| n.units_without > 0) {
        sheet.write_string(
            2,
            0,
            format!(
                "红灯 {} 项，其中 {} 项仅因单位无联络员账号而未报；有 {} 个单位尚无联络员账号。",
                s.totals.red, n.red_only_for_them, n.units_without
            ),
        )?;
    }
    let figures = s.totals.figures();
    sheet.write_string_with_format(3, 0, "指标", &head)?;
    sheet.write_string_with_format(3, 1, "数量", &head)?;
    for (i, (label, n)) in figures.iter().enumerate() {
        sheet.write_string(4 + i as u32, 0, *label)?;
        sheet.write_number(4 + i as u32, 1, f64::from(*n))?;
    }
    // Rows 4 to 10 hold the figures; an edition issued before instructions were counted has
    // none to show.
    if let Some((written, closed)) = s.instructions {
        sheet.write_string(11, 0, "本月领导批示")?;
        sheet.write_number(11, 1, f64::from(written))?;
        sheet.write_string(12, 0, "其中已办结")?;
        sheet.write_number(12, 1, f64::from(closed))?;
    }
    let top = 14;
    for (c, h) in ["部分 / 小节", "任务", "红灯", "黄灯", "绿灯", "已办结"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(top, c as u16, *h, &head)?;
    }
    let groups = s.sections.iter().flat_map(|g| {
        std::iter::once(g).chain(s.subsections.iter().filter(move |x| x.section == g.section))
    });
    for (i, g) in groups.enumerate() {
        let r = top + 1 + i as u32;
        let label = if g.subsection.is_some() {
            format!("  {}", g.label)
        } else {
            g.label.clone()
        };
        sheet.write_string(r, 0, text(&label))?;
        for (c, n) in [g.total, g.red, g.yellow, g.green, g.grey]
            .iter()
            .enumerate()
        {
            sheet.write_number(r, 1 + c as u16, f64::from(*n))?;
        }
    }
    sheet.set_column_width(0, 40)?;

    let sheet = book.add_worksheet().set_name("单位")?;
    for (c, h) in [
        "单位",
        "牵头",
        "配合",
        "按时",
        "逾期",
        "未报",
        "被退回",
        "红灯",
        "黄灯",
        "延期申请",
        "批准延期",
        "已签收",
        "申诉",
        "经负责人签发",
        "负责人退回",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(0, c as u16, *h, &head)?;
    }
    for (i, u) in s.units.iter().enumerate() {
        let r = 1 + i as u32;
        sheet.write_string(r, 0, text(&u.unit))?;
        for (c, n) in [
            u.led, u.co, u.on_time, u.late, u.missing, u.returned, u.red, u.yellow,
        ]
        .iter()
        .enumerate()
        {
            sheet.write_number(r, 1 + c as u16, f64::from(*n))?;
        }
        // An edition issued before extensions were counted has none to show.
        match u.extensions {
            Some((asked, approved)) => {
                sheet.write_number(r, 9, f64::from(asked))?;
                sheet.write_number(r, 10, f64::from(approved))?;
            }
            None => {
                sheet.write_string(r, 9, "—")?;
                sheet.write_string(r, 10, "—")?;
            }
        }
        // Nor one issued before acknowledgements and sign-offs were.
        for (col, pair) in [(11, u.acknowledgements), (13, u.sign_offs)] {
            match pair {
                Some((a, b)) => {
                    sheet.write_number(r, col, f64::from(a))?;
                    sheet.write_number(r, col + 1, f64::from(b))?;
                }
                None => {
                    sheet.write_string(r, col, "—")?;
                    sheet.write_string(r, col + 1, "—")?;
                }
            }
        }
    }
    sheet.set_column_width(0, 30)?;
    sheet.set_freeze_panes(1, 0)?;

    let sheet = book.add_worksheet().set_name("红黄灯任务")?;
    for (c, h) in ["编号", "灯色", "原因", "任务"].iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &head)?;
    }
    for (i, f) in s.flagged.iter().enumerate() {
        let r = 1 + i as u32;
        sheet.write_string(r, 0, text(&f.code))?;
        sheet.write_string(r, 1, f.light.label())?;
        sheet.write_string_with_format(r, 2, text(&reason_lines(f).join("\n")), &wrap)?;
        sheet.write_string_with_format(r, 3, text(&f.text), &wrap)?;
    }
    sheet.set_column_width(2, 50)?;
    sheet.set_column_width(3, 60)?;
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

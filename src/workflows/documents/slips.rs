//! 督办单 for a task (to its lead and co-responsible units) and 催办单 for an urge (to the unit
//! urged, in the colour of how many times it was urged for the item this period).

use super::{Content, Prepared};
use crate::db::{plans::PlanSettings, tasks::TaskRow, urges::UrgeRow};
use crate::formats::docx::{Slip, SlipKind};
use crate::rules::documents::{DocKind, Escalation};
use crate::rules::input::parse_date;
use crate::rules::reporting;
use crate::rules::schedule::{period_label, prose_date};
use chrono::NaiveDate;
use serde_json::json;

/// The longest 督办要求 the office may write (a paragraph or two, not a report).
pub const REQUIREMENTS_MAX: usize = 2000;

/// Days a unit has to reply to a 催办单 unless the office says otherwise.
pub const URGE_REPLY_DAYS: i64 = 5;

const DEFAULT_REQUIREMENTS: &str = "请牵头单位切实履行牵头责任，会同配合单位细化工作措施，明确时间节点，确保按期完成；配合单位要按照职责分工积极配合。";

/// A field's error, in the words shown beside it.
pub type FieldFault = (&'static str, String);

/// What the office enters on a 督办单.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupervisionRequest {
    /// 督办要求 (empty: the usual wording).
    pub requirements: String,
    /// 回复时限 (`None`: with the unit's reports, by their cycle).
    pub reply_by: Option<NaiveDate>,
}

impl SupervisionRequest {
    /// From the form as typed: each fault beside its field.
    pub fn parse(
        requirements: &str,
        reply_by: &str,
        today: NaiveDate,
    ) -> Result<Self, Vec<FieldFault>> {
        let mut faults = Vec::new();
        let requirements = requirements.trim().to_string();
        if requirements.chars().count() > REQUIREMENTS_MAX {
            faults.push((
                "requirements",
                format!("督办要求不能超过{REQUIREMENTS_MAX}字。"),
            ));
        }
        let reply_by = match reply_date(reply_by, today) {
            Ok(d) => d,
            Err(f) => {
                faults.push(f);
                None
            }
        };
        if faults.is_empty() {
            Ok(SupervisionRequest {
                requirements,
                reply_by,
            })
        } else {
            Err(faults)
        }
    }
}

/// What the office enters on a 催办单.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrgeRequest {
    /// 回复时限.
    pub reply_by: NaiveDate,
}

impl UrgeRequest {
    /// From the form as typed (empty: [`URGE_REPLY_DAYS`] from today).
    pub fn parse(reply_by: &str, today: NaiveDate) -> Result<Self, Vec<FieldFault>> {
        match reply_date(reply_by, today) {
            Ok(d) => Ok(UrgeRequest {
                reply_by: d.unwrap_or(today + chrono::Duration::days(URGE_REPLY_DAYS)),
            }),
            Err(f) => Err(vec![f]),
        }
    }
}

/// A reply date as typed: empty is none; otherwise a date, not before today.
fn reply_date(raw: &str, today: NaiveDate) -> Result<Option<NaiveDate>, FieldFault> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match parse_date(raw) {
        None => Err((
            "reply_by",
            "回复时限应为日期，格式如 2022-10-31。".to_string(),
        )),
        Some(d) if d < today => Err(("reply_by", "回复时限不能早于今天。".to_string())),
        Some(d) => Ok(Some(d)),
    }
}

fn names(list: &[String], none: &str) -> String {
    if list.is_empty() {
        none.to_string()
    } else {
        list.join("、")
    }
}

/// The 督办单 of `task`.
pub fn supervision_slip(task: &TaskRow, req: &SupervisionRequest) -> Prepared {
    let requirements = if req.requirements.is_empty() {
        DEFAULT_REQUIREMENTS.to_string()
    } else {
        req.requirements.clone()
    };
    let reply = req.reply_by.map_or_else(
        || "按报送周期报送进展情况".to_string(),
        |d| format!("{}前", prose_date(d)),
    );
    let mut units: Vec<String> = task.lead_names.clone();
    units.extend(task.co_names.iter().cloned());
    let addressee = if units.is_empty() {
        "各有关单位：".to_string()
    } else {
        format!("{}：", units.join("、"))
    };
    let rows = vec![
        ("任务编号".to_string(), task.code.clone()),
        ("任务内容".to_string(), task.text.clone()),
        ("牵头单位".to_string(), names(&task.lead_names, "待明确")),
        ("配合单位".to_string(), names(&task.co_names, "无")),
        (
            "办理时限".to_string(),
            task.deadline().describe(task.plan_year),
        ),
        (
            "报送周期".to_string(),
            task.effective_cycle().label().to_string(),
        ),
        ("督办要求".to_string(), requirements.clone()),
        ("回复时限".to_string(), reply.clone()),
    ];
    let ask = match req.reply_by {
        Some(d) => format!(
            "请牵头单位会同配合单位按照上述要求抓紧办理，于{}前将办理情况书面报送领导小组办公室，并在督办系统中报送进展情况。",
            prose_date(d)
        ),
        None => {
            "请牵头单位会同配合单位按照上述要求抓紧办理，按照报送周期在督办系统中报送进展情况。"
                .to_string()
        }
    };
    let reply_rows = task
        .lead_names
        .iter()
        .map(|u| (u, "牵头"))
        .chain(task.co_names.iter().map(|u| (u, "配合")))
        .map(|(u, role)| vec![u.clone(), role.to_string(), String::new(), String::new()])
        .collect();
    Prepared {
        plan_id: task.plan_id,
        kind: DocKind::Supervision,
        subject_id: task.id,
        inputs: json!({
            "task": task.code,
            "requirements": req.requirements,
            "reply_by": req.reply_by,
        }),
        content: Content::Slip(Slip {
            kind: SlipKind::Supervision,
            title: format!("督办单（任务{}）", task.code),
            addressee,
            rows,
            ask,
            reply_title: "办理情况回复表".to_string(),
            reply_headers: ["单位", "职责", "办理情况", "联系人及电话"]
                .map(String::from)
                .to_vec(),
            reply_rows,
            reply_widths: vec![220, 90, 490, 200],
        }),
    }
}

/// The 催办单 of `urge` (sent in plan `plan_id`): `tasks` are the plan's, `times` how many
/// times the unit was urged for the item this period, this urge included.
pub fn urge_slip(
    plan_id: i64,
    settings: &PlanSettings,
    urge: &UrgeRow,
    tasks: &[TaskRow],
    times: u32,
    req: &UrgeRequest,
    today: NaiveDate,
) -> Prepared {
    let escalation = Escalation::of_times(times);
    let period = period_label(&urge.period);
    let mut rows = vec![
        ("催办单位".to_string(), urge.unit_name.clone()),
        ("报送期次".to_string(), period.clone()),
    ];
    for code in &urge.task_codes {
        let Some(t) = tasks.iter().find(|t| &t.code == code) else {
            rows.push((format!("任务{code}"), format!("{period}进展情况")));
            continue;
        };
        let due = reporting::owed_by(settings, t, urge.unit_id)
            .into_iter()
            .find(|p| p.key == urge.period)
            .map(|p| p.due);
        let state = match due {
            Some(d) if d < today => format!(
                "应于{}前报送，已逾期{}天",
                prose_date(d),
                (today - d).num_days()
            ),
            Some(d) => format!("应于{}前报送", prose_date(d)),
            None => "应报送".to_string(),
        };
        rows.push((
            format!("任务{code}"),
            format!("{}（{period}进展情况{state}）", t.text.trim()),
        ));
    }
    rows.push((
        "催办次数".to_string(),
        format!("本期第{times}次（{}）", escalation.label()),
    ));
    let message = urge.message.trim();
    if !message.is_empty() {
        rows.push(("催办意见".to_string(), message.to_string()));
    }
    rows.push((
        "回复时限".to_string(),
        format!("{}前", prose_date(req.reply_by)),
    ));
    let reply_rows = urge
        .task_codes
        .iter()
        .map(|c| vec![c.clone(), String::new(), String::new(), String::new()])
        .collect();
    Prepared {
        plan_id,
        kind: DocKind::Urge,
        subject_id: urge.id,
        inputs: json!({
            "urge": urge.id,
            "times": times,
            "escalation": escalation.label(),
            "reply_by": req.reply_by,
        }),
        content: Content::Slip(Slip {
            kind: SlipKind::Urge(escalation),
            title: "催办单".to_string(),
            addressee: format!("{}：", urge.unit_name),
            rows,
            ask: format!(
                "上述事项已逾期，请于{}前在督办系统中报送，并书面说明未按时报送的原因和整改措施。",
                prose_date(req.reply_by)
            ),
            reply_title: "催办事项回复表".to_string(),
            reply_headers: ["任务编号", "报送情况", "未按时报送原因", "联系人及电话"]
                .map(String::from)
                .to_vec(),
            reply_rows,
            reply_widths: vec![140, 330, 330, 200],
        }),
    }
}

//! 单位督办一览: one unit's tasks on one page — each with its light, status, the period of its
//! latest accepted report and what is due next — its punctuality this year and the office's
//! comments.

use super::layout::{RED, SIZE_5};
use super::official::Official;
use super::{DocxError, Masthead};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BriefRow {
    pub code: String,
    pub text: String,
    /// 牵头 or 配合.
    pub role: String,
    /// 红灯, 黄灯, 绿灯, 已办结.
    pub light: String,
    /// The light by its stored name (`red`…), for the page's dot; empty when unknown.
    pub light_key: String,
    pub status: String,
    /// The period of the latest accepted report, or 暂无.
    pub latest: String,
    /// The next report due (`2022年第四季度，2023年1月10日前`), or 无.
    pub next: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitBrief {
    pub unit: String,
    /// `2022年10月20日`.
    pub as_of: String,
    /// `牵头2项，配合3项`.
    pub tasks: String,
    pub rows: Vec<BriefRow>,
    /// This year's punctuality, one sentence.
    pub punctuality: String,
    /// 办公室意见 (empty: none).
    pub comments: String,
}

impl UnitBrief {
    pub fn title(&self) -> String {
        format!("{}督办事项一览", self.unit)
    }
}

pub fn brief(b: &UnitBrief, m: &Masthead) -> Result<Vec<u8>, DocxError> {
    let rows: Vec<Vec<String>> = b
        .rows
        .iter()
        .map(|r| {
            vec![
                r.code.clone(),
                r.text.clone(),
                r.role.clone(),
                r.light.clone(),
                r.status.clone(),
                r.latest.clone(),
                r.next.clone(),
            ]
        })
        .collect();
    let comments = if b.comments.trim().is_empty() {
        "无。".to_string()
    } else {
        b.comments.trim().to_string()
    };
    let facts = [
        ("单位", b.unit.clone()),
        ("统计截至", b.as_of.clone()),
        ("承担任务", b.tasks.clone()),
        ("报送情况", b.punctuality.clone()),
    ]
    .map(|(k, v)| vec![k.to_string(), v]);
    // A form on one page: the facts, the tasks and the office's comments, all in 5号 tables.
    Official::new(m.draft)
        .masthead(m, None, RED)
        .title(&b.title())
        .table_sized(&["项目", "内容"], &facts, &[160, 840], SIZE_5)
        .table_sized(
            &[
                "编号",
                "任务",
                "职责",
                "灯色",
                "状态",
                "最近采纳",
                "下次报送",
            ],
            &rows,
            &[80, 360, 60, 70, 90, 150, 190],
            SIZE_5,
        )
        .table_sized(&["办公室意见"], &[vec![comments]], &[1000], SIZE_5)
        // No 版记: a one-page form under the office's mark, dated in its facts.
        .bytes()
}

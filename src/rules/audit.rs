//! 审计日志 in words: every action written to the audit log by its Chinese name, and an entry's
//! details as `字段：值` lines (fields named in Chinese, periods by their label, codes of roles,
//! cycles and assessments by their names) instead of raw JSON.

use crate::rules::auth::Role;
use crate::rules::schedule::{Cycle, DeadlineKind, Period};
use crate::rules::vocabulary::Assessment;
use serde_json::Value;

/// Every action the code writes to the audit log, with its name in the interface. An action
/// written anywhere must be listed here (a test reads the sources to make sure).
pub const ACTIONS: &[(&str, &str)] = &[
    ("sign_in", "登录"),
    ("sign_in_failed", "登录失败"),
    ("sign_in_throttled", "登录被限制"),
    ("sign_out", "退出"),
    ("user_created", "新建用户"),
    ("user_updated", "修改用户"),
    ("user_disabled", "停用用户"),
    ("user_enabled", "启用用户"),
    ("password_changed", "修改密码"),
    ("password_check_failed", "当前密码错误"),
    ("password_check_throttled", "当前密码校验被限制"),
    ("password_reset", "设置一次性密码"),
    ("token_created", "生成令牌"),
    ("token_revoked", "撤销令牌"),
    ("plan_settings_changed", "修改工作要点设置"),
    ("unit_created", "新增单位"),
    ("bulk_units_added", "批量增加单位"),
    ("bulk_units_removed", "批量移除单位"),
    ("bulk_units_undone", "撤销批量调整"),
    ("task_closed", "任务办结"),
    ("task_reopened", "任务重新打开"),
    ("report_saved", "保存报送草稿"),
    ("report_submitted", "提交报送"),
    ("report_returned", "退回报送"),
    ("report_accepted", "采纳报送"),
    ("attachment_added", "上传附件"),
    ("attachment_deleted", "删除附件"),
    ("coordination_answered", "答复需协调事项"),
    ("urge_sent", "发出催办"),
    ("urge_acknowledged", "签收催办"),
    ("notification_resent", "重新发送通知"),
    ("edition_issued", "发布通报"),
    ("document_issued", "印发公文"),
    ("document_series_changed", "修改发文字号"),
    ("extension_requested", "申请延期"),
    ("extension_decided", "审批延期申请"),
    ("instruction_written", "作出批示"),
    ("instruction_relayed", "转办批示"),
    ("instruction_answered", "答复批示"),
    ("instruction_sent_back", "退回批示答复"),
    ("instruction_closed", "批示办结"),
    ("assignment_acknowledged", "签收分工"),
    ("assignment_contested", "分工申诉"),
    ("contest_decided", "处理分工申诉"),
    ("report_sign_off_asked", "报送单位负责人签发"),
    ("report_signed_off", "单位负责人签发"),
    ("report_sign_off_returned", "单位负责人退回"),
    ("unit_sign_off_changed", "修改单位签发设置"),
    ("task_match_reviewed", "审核与上年比对"),
    ("milestone_added", "增加里程碑"),
    ("milestone_done", "里程碑完成"),
    ("milestone_reopened", "里程碑重新打开"),
    ("milestone_removed", "删除里程碑"),
    ("demo_data", "载入演示数据"),
    ("demo_data_large", "载入大规模演示数据"),
];

/// The action's name in the interface; an action unknown to this version shows as written.
pub fn action_label(action: &str) -> &str {
    ACTIONS
        .iter()
        .find(|(code, _)| *code == action)
        .map_or(action, |(_, label)| label)
}

/// A detail field's name in the interface.
fn field_label(key: &str) -> Option<&'static str> {
    Some(match key {
        "report_id" => "报告编号",
        "version" => "版本",
        "reason" => "原因",
        "office_assessment" => "办公室评价",
        "urge_id" => "催办编号",
        "delivery_id" => "投递编号",
        "unit_id" => "单位编号",
        "sign_off" => "须经单位负责人签发",
        "unit" => "单位",
        "tasks" => "任务",
        "plan_id" => "工作要点编号",
        "plans" => "工作要点数",
        "reports" => "报告数",
        "as_of" => "截至日期",
        "full_name" => "全称",
        "directory" => "单位名录",
        "display_name" => "显示名称",
        "role" => "角色",
        "bootstrap" => "初始账号",
        "sessions_ended" => "结束的会话数",
        "tokens_revoked" => "撤销的令牌数",
        "token_id" => "令牌编号",
        "prefix" => "令牌前缀",
        "attachment_id" => "附件编号",
        "size" => "大小（字节）",
        "note" => "办结说明",
        "closed" => "已办结",
        "op" => "操作",
        "before" => "修改前",
        "after" => "修改后",
        "deadline" => "办理时限",
        "cycle" => "报送周期",
        "due_days" => "报送期限（天）",
        "acknowledge_days" => "签收期限（天）",
        "kind" => "类型",
        "date" => "日期",
        "checkpoints" => "阶段节点",
        "period" => "报送期次",
        "format" => "格式",
        "state" => "状态",
        "id" => "编号",
        _ => return None,
    })
}

/// Codes that stand for words: roles, cycles, assessments, reasons.
fn word(key: &str, s: &str) -> Option<String> {
    let w = match (key, s) {
        ("reason", "wrong_password") => "密码错误",
        ("reason", "unknown_login") => "登录名不存在",
        ("reason", "disabled") => "账号已停用",
        ("op", "add") => "增加",
        ("op", "remove") => "移除",
        ("role", "lead") => "牵头",
        ("role", "co") => "配合",
        ("role", r) => return Role::parse(r).map(|r| r.label().to_string()),
        ("cycle", c) => return Cycle::parse(c).map(|c| c.label().to_string()),
        ("kind", k) => return DeadlineKind::parse(k).map(|k| k.label().to_string()),
        ("office_assessment", a) => return Assessment::parse(a).map(|a| a.label().to_string()),
        _ => return period_label(s),
    };
    Some(w.to_string())
}

/// `2022-Q3` → `2022年第三季度`; anything else is no period.
pub fn period_label(s: &str) -> Option<String> {
    Period::parse(s, 0).map(|(_, p)| p.label)
}

/// A value in words.
fn value_text(key: &str, v: &Value) -> String {
    match v {
        Value::Null => "无".into(),
        Value::Bool(true) => "是".into(),
        Value::Bool(false) => "否".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => word(key, s).unwrap_or_else(|| s.clone()),
        Value::Array(items) if items.is_empty() => "无".into(),
        Value::Array(items) => items
            .iter()
            .map(|i| value_text(key, i))
            .collect::<Vec<_>>()
            .join("、"),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{}：{}", name_of(k), value_text(k, v)))
            .collect::<Vec<_>>()
            .join("；"),
    }
}

fn name_of(key: &str) -> String {
    field_label(key).map_or_else(|| key.to_string(), str::to_string)
}

/// An entry's details as `(字段, 值)` lines, in the order written.
pub fn detail_lines(detail: &Value) -> Vec<(String, String)> {
    match detail {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| (name_of(k), value_text(k, v)))
            .collect(),
        Value::Null => Vec::new(),
        other => vec![("详情".into(), value_text("", other))],
    }
}

/// An entry's target with any period key in it by its label: `1.3.1/公安部/2022年第二季度`.
pub fn target_text(target: &str) -> String {
    target
        .split('/')
        .map(|part| period_label(part).unwrap_or_else(|| part.to_string()))
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn details_read_as_chinese_lines() {
        let lines = detail_lines(&json!({
            "report_id": 7, "reason": null, "office_assessment": "at_risk", "tasks": ["1.1.1", "1.1.2"],
        }));
        // serde_json keeps keys sorted: the order is the map's.
        assert!(lines.contains(&("报告编号".into(), "7".into())));
        assert!(lines.contains(&("原因".into(), "无".into())));
        assert!(lines.contains(&("任务".into(), "1.1.1、1.1.2".into())));
        let assessed = lines.iter().find(|(k, _)| k == "办公室评价").unwrap();
        assert!(!assessed.1.contains("at_risk"), "{assessed:?}");
        let lines = detail_lines(&json!({
            "before": { "cycle": "quarterly", "due_days": 10 }, "after": { "cycle": "monthly", "due_days": 5 },
        }));
        assert!(
            lines.contains(&(
                "修改前".into(),
                "报送周期：按季度；报送期限（天）：10".into()
            )) || lines.iter().any(|(k, v)| k == "修改前"
                && v.contains("报送周期：")
                && !v.contains("quarterly")),
            "{lines:?}"
        );
        assert_eq!(
            target_text("1.3.1/公安部/2022-Q3"),
            "1.3.1/公安部/2022年第三季度"
        );
        assert_eq!(target_text("2022-07"), "2022年7月");
        assert_eq!(target_text("office"), "office");
        assert_eq!(
            detail_lines(&json!({ "role": "lead", "reason": "wrong_password" })),
            [
                ("原因".to_string(), "密码错误".to_string()),
                ("角色".to_string(), "牵头".to_string())
            ]
        );
    }

    /// The arguments of a call, split at its top-level commas (strings and brackets respected).
    fn call_args(src: &str) -> Vec<String> {
        let (mut depth, mut in_str, mut escaped) = (0i32, false, false);
        let mut args = vec![String::new()];
        for c in src.chars() {
            if in_str {
                args.last_mut().unwrap().push(c);
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_str = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => in_str = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => return args,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => {
                    args.push(String::new());
                    continue;
                }
                _ => {}
            }
            args.last_mut().unwrap().push(c);
        }
        args
    }

    fn literals(s: &str) -> Vec<String> {
        s.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    /// Every action name passed to `db::audit::record` in the sources: literals, the literals a
    /// `let <name> = …;` before the call gives that name, and the `report_{}` of each report
    /// action.
    fn written_actions() -> Vec<String> {
        let mut out = Vec::new();
        let mut files = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            // This file names the call without making it.
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("rules/audit.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (at, _) in text.match_indices("audit::record(") {
                let args = call_args(&text[at + "audit::record(".len()..]);
                let action = args
                    .get(2)
                    .map(|a| a.trim())
                    .unwrap_or_default()
                    .to_string();
                let found = if action.starts_with('"') {
                    literals(&action)
                } else if action.contains("report_{}") {
                    crate::rules::vocabulary::ReportAction::ALL
                        .iter()
                        .map(|a| format!("report_{}", a.as_str()))
                        .collect()
                } else {
                    let binding = format!("let {action} = ");
                    let before = &text[..at];
                    let start = before.rfind(&binding).unwrap_or_else(|| {
                        panic!("{}: cannot tell the action {action:?}", path.display())
                    });
                    let end = before[start..]
                        .find(";\n")
                        .map_or(before.len(), |e| start + e);
                    literals(&before[start..end])
                };
                assert!(
                    !found.is_empty(),
                    "{}: no action in {action:?}",
                    path.display()
                );
                out.extend(found);
            }
        }
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn every_action_written_anywhere_has_a_chinese_label() {
        let written = written_actions();
        assert!(
            written.len() >= 30,
            "suspiciously few actions found: {written:?}"
        );
        let unlabelled: Vec<&String> = written
            .iter()
            .filter(|a| !ACTIONS.iter().any(|(code, _)| code == a))
            .collect();
        assert!(
            unlabelled.is_empty(),
            "actions without a Chinese label: {unlabelled:?}"
        );
        for (code, label) in ACTIONS {
            assert!(
                label.chars().all(|c| !c.is_ascii_alphabetic()),
                "{code}: {label} is not in Chinese"
            );
        }
    }
}

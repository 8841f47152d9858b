//! Every API route with a body: JSON that is missing fields, has extra ones, carries the wrong
//! types, unknown enum values, blank or over-long text, huge numbers and impossible dates, or is
//! not JSON (nor UTF-8) at all. Each gets its status and a JSON error naming the field.

use super::{Case, Expect, Who, World, long, run};
use axum::http::Method;
use duban::web::{AppState, route_list};
use serde_json::{Value, json};
use sqlx::PgPool;

const NOT_JSON: &str = "请求体不是有效的 JSON";
const NOT_OBJECT: &str = "请求体应为 JSON 对象";

/// One route's cases: a valid base object, and what each change of it gets.
struct Table {
    who: Who,
    method: Method,
    uri: String,
    base: Value,
    cases: Vec<Case>,
}

impl Table {
    fn with(self, name: &str, changes: Value, status: u16, expect: Expect) -> Table {
        let mut body = self.base.clone();
        for (k, v) in changes.as_object().expect("changes are an object") {
            // `"~"` leaves the field out.
            if v == "~" {
                body.as_object_mut().unwrap().remove(k);
            } else {
                body[k] = v.clone();
            }
        }
        let raw = body.to_string();
        self.raw(name, raw, status, expect)
    }

    fn raw(mut self, name: &str, body: impl Into<Vec<u8>>, status: u16, expect: Expect) -> Table {
        self.cases.push(
            Case::new(name, self.who, self.method.clone(), self.uri.clone())
                .body("application/json", body)
                .expect(status, expect),
        );
        self
    }

    fn at(mut self, name: &str, uri: String, status: u16, expect: Expect) -> Table {
        self.cases.push(
            Case::new(name, self.who, self.method.clone(), uri)
                .json(&self.base.to_string())
                .expect(status, expect),
        );
        self
    }

    /// Adds what every JSON body must refuse alike.
    fn finish(self) -> Vec<Case> {
        let j = |m| Expect::Json(None, m);
        self.raw("an empty body", "", 400, j(NOT_JSON))
            .raw("not JSON", "status=done", 400, j(NOT_JSON))
            .raw(
                "truncated JSON",
                "{\"period\": \"2022-Q2\"",
                400,
                j(NOT_JSON),
            )
            .raw(
                "raw non-UTF-8 bytes",
                b"{\"work_done\": \"\xFF\xFE\"}".to_vec(),
                400,
                j(NOT_JSON),
            )
            .raw(
                "a lone surrogate escape",
                "{\"work_done\": \"\\uD800\"}",
                400,
                j(NOT_JSON),
            )
            .raw(
                "a number beyond f64",
                "{\"version\": 1e400}",
                400,
                j(NOT_JSON),
            )
            .raw("nesting 10000 deep", "[".repeat(10_000), 400, j(NOT_JSON))
            .raw("an array", "[1, 2]", 400, j(NOT_OBJECT))
            .raw("a string", "\"hello\"", 400, j(NOT_OBJECT))
            .raw("null", "null", 400, j(NOT_OBJECT))
            .raw(
                "over the body limit",
                format!("{{\"work_done\": \"{}\"}}", "x".repeat(1024 * 1024)),
                413,
                j("提交的内容过大"),
            )
            .cases
    }
}

fn f(field: &'static str, message: &'static str) -> Expect {
    Expect::Json(Some(field), message)
}

async fn table(w: &World, method: &Method, path: &str) -> Option<Vec<Case>> {
    let over = long(6000);
    let plan = w.plan_id;
    let big = "9223372036854775808";
    Some(match (method.as_str(), path) {
        ("POST", "/api/v1/plans/{id}/tasks/{code}/reports") => {
            let t = Table {
                who: Who::LiaisonToken,
                method: Method::POST,
                uri: format!("/api/v1/plans/{plan}/tasks/3.1.1/reports"),
                base: json!({"period": "2022-Q2", "status": "in_progress", "self_assessment": "on_track", "work_done": "接口报送"}),
                cases: Vec::new(),
            };
            t.with(
                "no period",
                json!({"period": "~"}),
                422,
                f("period", "必填，应为文字"),
            )
            .with(
                "no status",
                json!({"status": "~"}),
                422,
                f("status", "必填，应为文字"),
            )
            .with(
                "no work done",
                json!({"work_done": "~"}),
                422,
                f("work_done", "必填，应为文字"),
            )
            .with(
                "an unknown field",
                json!({"approved": true}),
                422,
                f("approved", "未知字段"),
            )
            .with(
                "an unknown field that is markup",
                json!({"<script>": 1}),
                422,
                f("<script>", "未知字段"),
            )
            .with(
                "a period that is a number",
                json!({"period": 2022}),
                422,
                f("period", "必填，应为文字"),
            )
            .with(
                "a status that is a number",
                json!({"status": 1}),
                422,
                f("status", "必填，应为文字"),
            )
            .with(
                "work done that is an object",
                json!({"work_done": {"text": "x"}}),
                422,
                f("work_done", "必填，应为文字"),
            )
            .with(
                "problems that are a list",
                json!({"problems": ["a"]}),
                422,
                f("problems", "应为文字"),
            )
            .with(
                "coordination that is text",
                json!({"coordination": "请协调"}),
                422,
                f("coordination", "应为文字数组"),
            )
            .with(
                "coordination with a number",
                json!({"coordination": ["请协调", 7]}),
                422,
                f("coordination[1]", "应为文字"),
            )
            .with(
                "submit that is text",
                json!({"submit": "yes"}),
                422,
                f("submit", "应为 true 或 false"),
            )
            .with(
                "submit that is null",
                json!({"submit": null}),
                422,
                f("submit", "应为 true 或 false"),
            )
            .with(
                "a version that is text",
                json!({"version": "1"}),
                422,
                f("version", "应为不小于 0 的整数"),
            )
            .with(
                "a version over i64",
                json!({"version": 9_223_372_036_854_775_808_u64}),
                422,
                f("version", "应为不小于 0 的整数"),
            )
            .with(
                "a version over i32",
                json!({"version": 2_147_483_648_i64}),
                422,
                f("version", "应为不小于 0 的整数"),
            )
            .with(
                "a fractional version",
                json!({"version": 1.5}),
                422,
                f("version", "应为不小于 0 的整数"),
            )
            .with(
                "a negative version",
                json!({"version": -1}),
                422,
                f("version", "应为不小于 0 的整数"),
            )
            .with(
                "a unit that is a number",
                json!({"unit": 5}),
                422,
                f("unit", "应为单位简称"),
            )
            .with(
                "a unit not in the directory",
                json!({"unit": "<b>无此单位</b>"}),
                422,
                f("unit", "名录中没有单位“<b>无此单位</b>”"),
            )
            .with(
                "an unknown status",
                json!({"status": "finished"}),
                422,
                f("status", "应为 not_started、in_progress、done 或 behind"),
            )
            .with(
                "an unknown assessment",
                json!({"self_assessment": "great"}),
                422,
                f("self_assessment", "应为 on_track、at_risk 或 off_track"),
            )
            .with(
                "an empty status",
                json!({"status": ""}),
                422,
                f("status", "应为 not_started"),
            )
            .with(
                "blank work done",
                json!({"work_done": " \u{3000}\n"}),
                422,
                f("work_done", "请填写工作进展及成效"),
            )
            .with(
                "over-long work done",
                json!({"work_done": over}),
                422,
                f("work_done", "工作进展及成效不能超过 5000 字"),
            )
            .with(
                "over-long problems",
                json!({"problems": over}),
                422,
                f("problems", "存在问题不能超过 5000 字"),
            )
            .with(
                "an over-long coordination request",
                json!({"coordination": [over]}),
                422,
                f("coordination", "第 1 项需协调事项超过"),
            )
            .with(
                "an unknown period",
                json!({"period": "2022-Q9"}),
                422,
                f("period", "2022-Q9"),
            )
            .with(
                "a period of year 99999",
                json!({"period": "99999-Q1"}),
                422,
                f("period", "99999-Q1"),
            )
            .with(
                "a blank period",
                json!({"period": "  "}),
                422,
                f("period", "期次"),
            )
            .at(
                "a plan id that is text",
                "/api/v1/plans/abc/tasks/3.1.1/reports".into(),
                404,
                f_none("找不到编号为“abc”的工作要点"),
            )
            .at(
                "a plan id over i64",
                format!("/api/v1/plans/{big}/tasks/3.1.1/reports"),
                404,
                f_none("的工作要点"),
            )
            .at(
                "a negative plan id",
                "/api/v1/plans/-1/tasks/3.1.1/reports".into(),
                404,
                f_none("找不到编号为“-1”的工作要点"),
            )
            .at(
                "a task code that is text",
                format!("/api/v1/plans/{plan}/tasks/abc/reports"),
                404,
                f_none("没有编号为“abc”的任务"),
            )
            .finish()
        }
        ("PATCH", "/api/v1/plans/{id}/tasks/{code}") => {
            let version: i64 = crate::common::probe::number(
                &w.pool,
                "SELECT version::bigint FROM tasks WHERE code = '2.2.1'",
            )
            .await;
            let t = Table {
                who: Who::OfficeToken,
                method: Method::PATCH,
                uri: format!("/api/v1/plans/{plan}/tasks/2.2.1"),
                base: json!({"version": version, "cycle": "monthly"}),
                cases: Vec::new(),
            };
            let dl = |d: &str| json!({"deadline": {"kind": "date", "date": d}});
            t.with("no version", json!({"version": "~"}), 422, f("version", "须给出读取时的版本号"))
                .with("a version that is text", json!({"version": "3"}), 422, f("version", "须给出读取时的版本号"))
                .with("a version over i64", json!({"version": 9_223_372_036_854_775_808_u64}), 422, f("version", "须给出读取时的版本号"))
                .with("a version over i32", json!({"version": 4_294_967_296_i64}), 422, f("version", "须给出读取时的版本号"))
                .with("a negative version", json!({"version": -1}), 409, f_none("已被他人修改"))
                .with("an unknown field", json!({"text": "改写任务"}), 422, f("text", "未知字段"))
                .with("an unknown cycle", json!({"cycle": "weekly"}), 422, f("cycle", "应为 monthly、quarterly、half_yearly、none 或 null"))
                .with("a cycle that is a number", json!({"cycle": 3}), 422, f("cycle", "应为 monthly"))
                .with("a cycle in capitals", json!({"cycle": "MONTHLY"}), 422, f("cycle", "应为 monthly"))
                .with("designation that is text", json!({"designation_complete": "true"}), 422, f("designation_complete", "应为 true 或 false"))
                .with("leads that are text", json!({"leads": "公安部"}), 422, f("leads", "应为单位简称的数组"))
                .with("a lead that is a number", json!({"leads": [1]}), 422, f("leads[0]", "应为单位简称"))
                .with("a lead not in the directory", json!({"leads": ["火星局"]}), 422, f("leads[0]", "名录中没有单位“火星局”"))
                .with("co that is an object", json!({"co": {"a": 1}}), 422, f("co", "应为单位简称的数组"))
                .with("no units at all", json!({"leads": [], "co": []}), 422, f("units", "任务至少要有一个责任单位"))
                .with("a deadline that is text", json!({"deadline": "年底"}), 422, f("deadline", "应为对象"))
                .with("an unknown deadline kind", json!({"deadline": {"kind": "someday"}}), 422, f("deadline.kind", "应为 date、year_end、ongoing 或 staged"))
                .with("an unknown deadline field", json!({"deadline": {"kind": "ongoing", "extra": 1}}), 422, f("deadline.extra", "未知字段"))
                .with("a date that is a number", json!({"deadline": {"kind": "date", "date": 20221031}}), 422, f("deadline.date", "应为 YYYY-MM-DD 格式的日期"))
                .with("no date", json!({"deadline": {"kind": "date"}}), 422, f("deadline.date", "应为 YYYY-MM-DD 格式的日期"))
                .with("2022-02-30", dl("2022-02-30"), 422, f("deadline.date", "应为 YYYY-MM-DD 格式的日期"))
                .with("0000-01-01", dl("0000-01-01"), 422, f("deadline.date", "日期应在 2021 年至 2027 年之间"))
                .with("99999-12-31", dl("99999-12-31"), 422, f("deadline.date", "应为 YYYY-MM-DD 格式的日期"))
                .with("+262143-12-31", dl("+262143-12-31"), 422, f("deadline.date", "应为 YYYY-MM-DD 格式的日期"))
                .with("an empty date", dl(""), 422, f("deadline.date", "应为 YYYY-MM-DD 格式的日期"))
                .with("staged without checkpoints", json!({"deadline": {"kind": "staged"}}), 422, f("deadline.checkpoints", "分阶段推进须给出节点数组"))
                .with("staged with none", json!({"deadline": {"kind": "staged", "checkpoints": []}}), 422, f("deadline.checkpoints", "分阶段推进至少需要一个节点"))
                .with("a checkpoint without a title", json!({"deadline": {"kind": "staged", "checkpoints": [{"date": "2022-06-30"}]}}), 422, f("deadline.checkpoints[0].title", "节点说明应为文字"))
                .with("a checkpoint with a blank title", json!({"deadline": {"kind": "staged", "checkpoints": [{"date": "2022-06-30", "title": "  "}]}}), 422, f("deadline.checkpoints", "第 1 个节点的说明应为 1 至 200 个字"))
                .with("a checkpoint with an over-long title", json!({"deadline": {"kind": "staged", "checkpoints": [{"date": "2022-06-30", "title": over}]}}), 422, f("deadline.checkpoints", "第 1 个节点的说明应为 1 至 200 个字"))
                .with("a checkpoint on 2022-02-30", json!({"deadline": {"kind": "staged", "checkpoints": [{"date": "2022-02-30", "title": "一半"}]}}), 422, f("deadline.checkpoints[0].date", "应为 YYYY-MM-DD 格式的日期"))
                .with("a checkpoint in year 0", json!({"deadline": {"kind": "staged", "checkpoints": [{"date": "0000-01-01", "title": "一半"}]}}), 422, f("deadline.checkpoints", "第 1 个节点的日期超出范围"))
                .with("25 checkpoints", json!({"deadline": {"kind": "staged", "checkpoints": (0..25).map(|_| json!({"date": "2022-06-30", "title": "节点"})).collect::<Vec<_>>()}}), 422, f("deadline.checkpoints", "节点不能超过 24 个"))
                .at("a plan id that is text", "/api/v1/plans/x/tasks/2.2.1".into(), 404, f_none("找不到编号为“x”的工作要点"))
                .at("a plan id over i64", format!("/api/v1/plans/{big}/tasks/2.2.1"), 404, f_none("的工作要点"))
                .at("a task code over i64", format!("/api/v1/plans/{plan}/tasks/{big}"), 404, f_none("的任务"))
                .finish()
        }
        ("POST", "/api/v1/plans/{id}/tasks/{code}/extensions") => {
            let over = super::long(2001);
            let code = w.extension_task.clone();
            Table {
                who: Who::LiaisonToken,
                method: Method::POST,
                uri: format!("/api/v1/plans/{plan}/tasks/{code}/extensions"),
                base: json!({"requested_date": "2023-03-31", "reason": "需会同地方部署"}),
                cases: Vec::new(),
            }
            .with(
                "no date",
                json!({"requested_date": "~"}),
                422,
                f("requested_date", "必填，应为文字"),
            )
            .with(
                "a date that is a number",
                json!({"requested_date": 20230331}),
                422,
                f("requested_date", "必填，应为文字"),
            )
            .with(
                "2022-02-30",
                json!({"requested_date": "2022-02-30"}),
                422,
                f("requested_date", "日期格式应为 2022-10-31"),
            )
            .with(
                "+262143-12-31",
                json!({"requested_date": "+262143-12-31"}),
                422,
                f("requested_date", "日期格式应为"),
            )
            .with(
                "a date before the deadline",
                json!({"requested_date": "2022-09-01"}),
                422,
                f("requested_date", "延期后的日期应晚于现在的时限"),
            )
            .with(
                "no reason",
                json!({"reason": "~"}),
                422,
                f("reason", "必填，应为文字"),
            )
            .with(
                "a blank reason",
                json!({"reason": "  "}),
                422,
                f("reason", "请填写申请理由"),
            )
            .with(
                "an over-long reason",
                json!({"reason": over}),
                422,
                f("reason", "申请理由不能超过2000字"),
            )
            .with(
                "a checkpoint that is text",
                json!({"checkpoint": "a"}),
                422,
                f("checkpoint", "应为节点的序号"),
            )
            .with(
                "a negative checkpoint",
                json!({"checkpoint": -1}),
                422,
                f("checkpoint", "应为节点的序号"),
            )
            .with(
                "a checkpoint of a task without any",
                json!({"checkpoint": 0}),
                422,
                f("checkpoint", "该任务没有分阶段的节点"),
            )
            .with(
                "a unit not on the task",
                json!({"unit": "火星局"}),
                422,
                f("unit", "不是本任务的责任单位"),
            )
            .with(
                "a unit that is a number",
                json!({"unit": 7}),
                422,
                f("unit", "应为文字"),
            )
            .with(
                "an unknown field",
                json!({"state": "approved"}),
                422,
                f("state", "未知字段"),
            )
            .at(
                "a plan id that is text",
                format!("/api/v1/plans/x/tasks/{code}/extensions"),
                404,
                f_none("找不到编号为“x”的工作要点"),
            )
            .at(
                "a task the plan does not have",
                format!("/api/v1/plans/{plan}/tasks/9.9.9/extensions"),
                404,
                f_none("的任务"),
            )
            .finish()
        }
        ("POST", "/api/v1/reports/{id}/sign-off") => {
            let id = w.signing;
            Table {
                who: Who::UnitHeadToken,
                method: Method::POST,
                uri: format!("/api/v1/reports/{id}/sign-off"),
                base: json!({"approve": false, "reason": "请补充", "version": w.signing_version}),
                cases: Vec::new(),
            }
            .with(
                "no approve",
                json!({"approve": "~"}),
                422,
                f("approve", "必填，应为 true 或 false"),
            )
            .with(
                "approve that is text",
                json!({"approve": "no"}),
                422,
                f("approve", "必填，应为 true 或 false"),
            )
            .with(
                "a return without a reason",
                json!({"reason": "~"}),
                422,
                f("reason", "退回时请写明理由"),
            )
            .with(
                "a reason that is a number",
                json!({"reason": 1}),
                422,
                f("reason", "应为文字"),
            )
            .with(
                "an over-long reason",
                json!({"reason": "长".repeat(1001)}),
                422,
                f("reason", "退回理由不能超过 1000 字"),
            )
            .with(
                "no version",
                json!({"version": "~"}),
                422,
                f("version", "必填，应为不小于 0 的整数"),
            )
            .with(
                "a version beyond i32",
                json!({"version": 1e12}),
                422,
                f("version", "必填，应为不小于 0 的整数"),
            )
            .with(
                "an old version",
                json!({"version": 0}),
                409,
                f_none("已被他人修改"),
            )
            .with(
                "an unknown field",
                json!({"state": "approved"}),
                422,
                f("state", "未知字段"),
            )
            .at(
                "an id that is text",
                "/api/v1/reports/abc/sign-off".into(),
                404,
                f_none("找不到该报告"),
            )
            .at(
                "no such report",
                "/api/v1/reports/999999/sign-off".into(),
                404,
                f_none("找不到该报告"),
            )
            .finish()
        }
        ("POST", "/api/v1/extensions/{id}/decision") => {
            let id = w.extension;
            Table {
                who: Who::OfficeToken,
                method: Method::POST,
                uri: format!("/api/v1/extensions/{id}/decision"),
                base: json!({"approve": true, "reason": "同意", "version": 1}),
                cases: Vec::new(),
            }
            .with(
                "no approve",
                json!({"approve": "~"}),
                422,
                f("approve", "必填，应为 true 或 false"),
            )
            .with(
                "approve that is text",
                json!({"approve": "yes"}),
                422,
                f("approve", "必填，应为 true 或 false"),
            )
            .with(
                "a blank reason",
                json!({"reason": ""}),
                422,
                f("reason", "请填写审批意见"),
            )
            .with(
                "a reason that is a number",
                json!({"reason": 1}),
                422,
                f("reason", "必填，应为文字"),
            )
            .with(
                "2022-02-30",
                json!({"date": "2022-02-30"}),
                422,
                f("date", "日期格式应为"),
            )
            .with(
                "a date before the deadline",
                json!({"date": "2022-09-01"}),
                422,
                f("date", "延期后的日期应晚于现在的时限"),
            )
            .with(
                "a version that is text",
                json!({"version": "1"}),
                422,
                f("version", "应为整数"),
            )
            .with(
                "a version beyond i32",
                json!({"version": 1e12}),
                422,
                f("version", "应为整数"),
            )
            .with(
                "an old version",
                json!({"version": 0}),
                409,
                f_none("已被他人修改"),
            )
            .with(
                "an unknown field",
                json!({"state": "approved"}),
                422,
                f("state", "未知字段"),
            )
            .at(
                "an id that is text",
                "/api/v1/extensions/abc/decision".into(),
                404,
                f_none("找不到该延期申请"),
            )
            .at(
                "an id over i64",
                format!("/api/v1/extensions/{big}/decision"),
                404,
                f_none("找不到该延期申请"),
            )
            .at(
                "no such request",
                "/api/v1/extensions/999999/decision".into(),
                404,
                f_none("找不到该延期申请"),
            )
            .finish()
        }
        // Reads no body (an edition is issued as the plan stands): only its address can be
        // wrong.
        ("POST", "/api/v1/plans/{id}/editions") => {
            Table {
                who: Who::OfficeToken,
                method: Method::POST,
                uri: String::new(),
                base: json!({}),
                cases: Vec::new(),
            }
            .at(
                "a plan id that is text",
                "/api/v1/plans/x/editions".into(),
                404,
                f_none("找不到编号为“x”的工作要点"),
            )
            .at(
                "a plan id over i64",
                format!("/api/v1/plans/{big}/editions"),
                404,
                f_none("的工作要点"),
            )
            .at(
                "a negative plan id",
                "/api/v1/plans/-1/editions".into(),
                404,
                f_none("的工作要点"),
            )
            .at(
                "no such plan",
                "/api/v1/plans/999999/editions".into(),
                404,
                f_none("的工作要点"),
            )
            .cases
        }
        // 领导批示: a leader's token; every case refused on its body, so nothing is written.
        ("POST", "/api/v1/plans/{id}/tasks/{code}/instructions") => {
            let code = w.extension_task.clone();
            Table {
                who: Who::LeaderToken,
                method: Method::POST,
                uri: format!("/api/v1/plans/{plan}/tasks/{code}/instructions"),
                base: json!({"text": "请抓紧推进", "answer_by": "2022-10-31"}),
                cases: Vec::new(),
            }
            .with(
                "no text",
                json!({"text": "~"}),
                422,
                f("text", "必填，应为文字"),
            )
            .with(
                "a text that is a number",
                json!({"text": 7}),
                422,
                f("text", "必填，应为文字"),
            )
            .with(
                "a blank text",
                json!({"text": "  "}),
                422,
                f("text", "请填写批示内容"),
            )
            .with(
                "an over-long text",
                json!({"text": super::long(2001)}),
                422,
                f("text", "批示内容不能超过2000字"),
            )
            .with(
                "a date that is a number",
                json!({"answer_by": 20221031}),
                422,
                f("answer_by", "应为文字"),
            )
            .with(
                "2022-02-30",
                json!({"answer_by": "2022-02-30"}),
                422,
                f("answer_by", "日期格式应为 2022-10-31"),
            )
            .with(
                "a date already past",
                json!({"answer_by": "2022-01-01"}),
                422,
                f("answer_by", "答复期限不能早于今天"),
            )
            .with(
                "a report that is text",
                json!({"report": "x"}),
                422,
                f("report", "应为该任务一份报告的编号"),
            )
            .with(
                "a report of another task",
                json!({"report": w.submitted}),
                422,
                f("report", "该报告不属于本任务"),
            )
            .with(
                "an unknown field",
                json!({"tone": "急"}),
                422,
                f("tone", "未知字段"),
            )
            .at(
                "a plan id that is text",
                format!("/api/v1/plans/x/tasks/{code}/instructions"),
                404,
                f_none("找不到编号为“x”的工作要点"),
            )
            .at(
                "a task the plan does not have",
                format!("/api/v1/plans/{plan}/tasks/9.9.9/instructions"),
                404,
                f_none("的任务"),
            )
            .cases
        }
        // 签收 and 申诉: 公安部 contested already, so every case is refused on its body first.
        ("POST", "/api/v1/instructions/{id}/answer") => {
            let id = w.instruction;
            Table {
                who: Who::LiaisonToken,
                method: Method::POST,
                uri: format!("/api/v1/instructions/{id}/answer"),
                base: json!({"text": "已部署落实", "version": 1}),
                cases: Vec::new(),
            }
            .with(
                "no text",
                json!({"text": "~"}),
                422,
                f("text", "必填，应为文字"),
            )
            .with(
                "a blank text",
                json!({"text": " "}),
                422,
                f("answer", "请填写答复内容"),
            )
            .with(
                "an over-long text",
                json!({"text": super::long(4001)}),
                422,
                f("answer", "答复内容不能超过4000字"),
            )
            .with(
                "no version",
                json!({"version": "~"}),
                422,
                f("version", "必填，应为不小于 0 的整数"),
            )
            .with(
                "an old version",
                json!({"version": 0}),
                409,
                f_none("已被他人办理"),
            )
            .with(
                "a unit it was not relayed to",
                json!({"unit": "海关总署"}),
                422,
                f("unit", "该批示没有转给“海关总署”"),
            )
            .with(
                "an unknown field",
                json!({"state": "closed"}),
                422,
                f("state", "未知字段"),
            )
            .at(
                "an id that is text",
                "/api/v1/instructions/abc/answer".into(),
                404,
                f_none("找不到该批示"),
            )
            .at(
                "no such instruction",
                "/api/v1/instructions/999999/answer".into(),
                404,
                f_none("找不到该批示"),
            )
            .finish()
        }
        ("POST", "/api/v1/instructions/{id}/relay") => {
            let id = w.instruction;
            Table {
                who: Who::OfficeToken,
                method: Method::POST,
                uri: format!("/api/v1/instructions/{id}/relay"),
                base: json!({"units": ["公安部"], "note": "请办理", "version": 1}),
                cases: Vec::new(),
            }
            .with(
                "no units",
                json!({"units": []}),
                422,
                f("units", "请至少选择一个承办单位"),
            )
            .with(
                "a unit outside the directory",
                json!({"units": ["无此单位"]}),
                422,
                f("units[0]", "名录中没有单位“无此单位”"),
            )
            .with(
                "units as text",
                json!({"units": "公安部"}),
                422,
                f("units", "应为单位简称的数组"),
            )
            .with(
                "a unit as a number",
                json!({"units": [1]}),
                422,
                f("units[0]", "应为单位简称"),
            )
            .with(
                "an over-long note",
                json!({"note": super::long(2001)}),
                422,
                f("note", "转办意见不能超过2000字"),
            )
            .with(
                "no version",
                json!({"version": "~"}),
                422,
                f("version", "必填，应为不小于 0 的整数"),
            )
            .with(
                "an old version",
                json!({"version": 0}),
                409,
                f_none("已被他人办理"),
            )
            .with(
                "an unknown field",
                json!({"state": "closed"}),
                422,
                f("state", "未知字段"),
            )
            .at(
                "no such instruction",
                "/api/v1/instructions/999999/relay".into(),
                404,
                f_none("找不到该批示"),
            )
            .finish()
        }
        ("POST", "/api/v1/instructions/{id}/send-back") => {
            let id = w.answered_instruction;
            Table {
                who: Who::OfficeToken,
                method: Method::POST,
                uri: format!("/api/v1/instructions/{id}/send-back"),
                base: json!({"unit": "公安部", "reason": "请补充", "version": 2}),
                cases: Vec::new(),
            }
            .with(
                "no unit",
                json!({"unit": "~"}),
                422,
                f("unit", "必填，应为文字"),
            )
            .with(
                "a unit it was not relayed to",
                json!({"unit": "海关总署"}),
                422,
                f("unit", "该批示没有转给“海关总署”"),
            )
            .with(
                "a blank reason",
                json!({"reason": ""}),
                422,
                f("reason", "请填写退回理由"),
            )
            .with(
                "no version",
                json!({"version": "~"}),
                422,
                f("version", "必填，应为不小于 0 的整数"),
            )
            .with(
                "an old version",
                json!({"version": 1}),
                409,
                f_none("已被他人办理"),
            )
            .with(
                "an unknown field",
                json!({"text": "x"}),
                422,
                f("text", "未知字段"),
            )
            .at(
                "no such instruction",
                "/api/v1/instructions/999999/send-back".into(),
                404,
                f_none("找不到该批示"),
            )
            .finish()
        }
        ("POST", "/api/v1/instructions/{id}/close") => {
            let id = w.instruction;
            Table {
                who: Who::OfficeToken,
                method: Method::POST,
                uri: format!("/api/v1/instructions/{id}/close"),
                base: json!({"note": "予以办结", "version": 1}),
                cases: Vec::new(),
            }
            .with(
                "no note",
                json!({"note": "~"}),
                422,
                f("note", "必填，应为文字"),
            )
            .with(
                "a blank note",
                json!({"note": " "}),
                422,
                f("note", "请填写办结意见"),
            )
            .with(
                "no version",
                json!({"version": "~"}),
                422,
                f("version", "必填，应为不小于 0 的整数"),
            )
            .with(
                "an old version",
                json!({"version": 0}),
                409,
                f_none("已被他人办理"),
            )
            .with(
                "an unknown field",
                json!({"state": "closed"}),
                422,
                f("state", "未知字段"),
            )
            .at(
                "no such instruction",
                "/api/v1/instructions/999999/close".into(),
                404,
                f_none("找不到该批示"),
            )
            .finish()
        }
        ("POST", "/api/v1/acknowledgements/{id}/decision") => {
            let id = w.contest;
            Table {
                who: Who::OfficeToken,
                method: Method::POST,
                uri: format!("/api/v1/acknowledgements/{id}/decision"),
                base: json!({"decision": "keep", "reason": "维持原分工", "version": 1}),
                cases: Vec::new(),
            }
            .with(
                "no decision",
                json!({"decision": "~"}),
                422,
                f("decision", "必填，应为文字"),
            )
            .with(
                "a decision not in the list",
                json!({"decision": "drop"}),
                422,
                f("decision", "请选择维持原分工"),
            )
            .with(
                "a blank reason",
                json!({"reason": ""}),
                422,
                f("reason", "请填写处理意见"),
            )
            .with(
                "an over-long reason",
                json!({"reason": super::long(2001)}),
                422,
                f("reason", "处理意见不能超过2000字"),
            )
            .with(
                "no version",
                json!({"version": "~"}),
                422,
                f("version", "必填，应为不小于 0 的整数"),
            )
            .with(
                "an old version",
                json!({"version": 0}),
                409,
                f_none("该申诉已被他人处理"),
            )
            .with(
                "an unknown field",
                json!({"role": "lead"}),
                422,
                f("role", "未知字段"),
            )
            .at(
                "an id that is text",
                "/api/v1/acknowledgements/abc/decision".into(),
                404,
                f_none("找不到该申诉"),
            )
            .at(
                "no such contest",
                "/api/v1/acknowledgements/999999/decision".into(),
                404,
                f_none("找不到该申诉"),
            )
            .finish()
        }
        ("POST", "/api/v1/plans/{id}/tasks/{code}/acknowledgement") => {
            let code = w.extension_task.clone();
            Table {
                who: Who::LiaisonToken,
                method: Method::POST,
                uri: format!("/api/v1/plans/{plan}/tasks/{code}/acknowledgement"),
                base: json!({"accept": false, "kind": "wording", "reason": "表述需调整"}),
                cases: Vec::new(),
            }
            .with(
                "no accept",
                json!({"accept": "~"}),
                422,
                f("accept", "必填，应为 true 或 false"),
            )
            .with(
                "accept as text",
                json!({"accept": "true"}),
                422,
                f("accept", "必填，应为 true 或 false"),
            )
            .with(
                "an unknown kind",
                json!({"kind": "other"}),
                422,
                f("kind", "请选择申诉类别"),
            )
            .with(
                "a kind that is a number",
                json!({"kind": 1}),
                422,
                f("kind", "应为文字"),
            )
            .with(
                "no reason",
                json!({"reason": "~"}),
                422,
                f("reason", "请填写申诉理由"),
            )
            .with(
                "an over-long reason",
                json!({"reason": super::long(2001)}),
                422,
                f("reason", "申诉理由不能超过2000字"),
            )
            .with(
                "another unit",
                json!({"unit": "无此单位"}),
                422,
                f("unit", "不是本任务的责任单位"),
            )
            .with(
                "an unknown field",
                json!({"role": "lead"}),
                422,
                f("role", "未知字段"),
            )
            .at(
                "a task the plan does not have",
                format!("/api/v1/plans/{plan}/tasks/9.9.9/acknowledgement"),
                404,
                f_none("的任务"),
            )
            .cases
        }
        // Reads no body: only its address can be wrong.
        ("POST", "/api/v1/notifications/{id}/read") => {
            Table {
                who: Who::LiaisonToken,
                method: Method::POST,
                uri: String::new(),
                base: json!({}),
                cases: Vec::new(),
            }
            .at(
                "an id that is text",
                "/api/v1/notifications/abc/read".into(),
                404,
                f_none("没有这条消息"),
            )
            .at(
                "an id over i64",
                format!("/api/v1/notifications/{big}/read"),
                404,
                f_none("没有这条消息"),
            )
            .at(
                "a negative id",
                "/api/v1/notifications/-1/read".into(),
                404,
                f_none("没有这条消息"),
            )
            .at(
                "no such message",
                "/api/v1/notifications/999999/read".into(),
                404,
                f_none("没有这条消息"),
            )
            .cases
        }
        _ => return None,
    })
}

fn f_none(message: &'static str) -> Expect {
    Expect::Json(None, message)
}

/// Every API route with a body has a table; each bad body gets its JSON refusal.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn every_api_body_refuses_bad_input_exactly(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let mut cases = Vec::new();
    let mut missing = Vec::new();
    for r in route_list(&AppState::new(pool)) {
        if r.method == Method::GET || !r.path.starts_with("/api/") {
            continue;
        }
        match table(&w, &r.method, &r.path).await {
            Some(c) => cases.extend(c),
            None => missing.push(format!("{} {}", r.method, r.path)),
        }
    }
    assert!(
        missing.is_empty(),
        "no hostile table for: {}; add one in tests/it/hostile/api.rs",
        missing.join(", ")
    );
    let n = run(&w, &cases).await;
    assert!(n > 60, "suspiciously few cases: {n}");
    // Nothing of all that was written.
    // The world's two, and the one waiting for its unit head.
    let reports = crate::common::probe::count(&w.pool, "reports").await;
    assert_eq!(reports, 3, "a refused body left a report behind");
    let signing = crate::common::probe::number(
        &w.pool,
        "SELECT count(*) FROM report_sign_offs WHERE decided_at IS NULL",
    )
    .await;
    let sign_offs = crate::common::probe::count(&w.pool, "report_sign_offs").await;
    assert_eq!(
        (signing, sign_offs),
        (1, 1),
        "a refused body signed a report off"
    );
    let pending = crate::common::probe::number(
        &w.pool,
        "SELECT count(*) FROM extension_requests WHERE state = 'pending' AND version = 1",
    )
    .await;
    assert_eq!(pending, 1, "a refused body asked or decided an extension");
    let instructions = crate::common::probe::count(&w.pool, "instructions").await;
    assert_eq!(instructions, 2, "a refused body wrote an instruction");
    let answers = crate::common::probe::count(&w.pool, "assignment_acknowledgements").await;
    assert_eq!(answers, 1, "a refused body answered an assignment");
    super::record("every_api_body", n);
}

//! Every page route that takes a POST, walked from the router's own list: for each, a valid
//! base form and what it gets when fields are missing, extra, of the wrong type, outside their
//! list of values, blank, too long, not UTF-8, too large as a whole, or sent as JSON.

use super::{Case, Expect, FORM, Who, World, long, run};
use axum::http::Method;
use duban::web::{AppState, route_list};
use sqlx::PgPool;

const NOT_UTF8: &str = "不是 UTF-8 文字";
const NOT_A_FORM: &str = "提交的表单内容无效";
const TOO_LARGE: &str = "提交的内容过大";
const I64_OVERFLOW: &str = "9223372036854775808";
const BEYOND_F64: &str = "1e400";

/// One route's cases, built from a base form that is valid but for what each case breaks.
struct Table {
    who: Who,
    uri: String,
    base: Vec<(String, String)>,
    cases: Vec<Case>,
    /// Whether the handler reads a url-encoded form (the generic cases apply).
    form: bool,
}

impl Table {
    fn new(who: Who, uri: impl Into<String>, base: &[(&str, &str)]) -> Table {
        Table {
            who,
            uri: uri.into(),
            base: base
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            cases: Vec::new(),
            form: true,
        }
    }

    /// A route that reads no form: only its own cases.
    fn bodiless(who: Who, uri: impl Into<String>) -> Table {
        Table {
            form: false,
            ..Table::new(who, uri, &[])
        }
    }

    fn fields(&self, changes: &[(&str, Option<&str>)]) -> Vec<(String, String)> {
        let mut fields = self.base.clone();
        for (k, v) in changes {
            fields.retain(|(n, _)| n != k);
            if let Some(v) = v {
                fields.push((k.to_string(), v.to_string()));
            }
        }
        fields
    }

    /// The base form with `changes` (`Some`: set, `None`: leave out).
    fn with(
        mut self,
        name: &str,
        changes: &[(&str, Option<&str>)],
        status: u16,
        expect: Expect,
    ) -> Table {
        let fields = self.fields(changes);
        self.cases.push(
            Case::new(name, self.who, Method::POST, self.uri.clone())
                .form(&fields)
                .expect(status, expect),
        );
        self
    }

    /// The base form sent to another address.
    fn at(self, name: &str, uri: String, status: u16, expect: Expect) -> Table {
        self.at_with(name, uri, &[], status, expect)
    }

    /// The base form with `changes`, sent to another address.
    fn at_with(
        mut self,
        name: &str,
        uri: String,
        changes: &[(&str, Option<&str>)],
        status: u16,
        expect: Expect,
    ) -> Table {
        let fields = self.fields(changes);
        self.cases.push(
            Case::new(name, self.who, Method::POST, uri)
                .form(&fields)
                .expect(status, expect),
        );
        self
    }

    fn finish(self) -> Vec<Case> {
        let mut out = Vec::new();
        for c in &self.cases {
            out.push(c.clone());
            // An unknown field never changes the answer.
            if c.content_type.as_deref() == Some(FORM) {
                let mut twin = c.clone();
                twin.name = format!("{} + unknown field", c.name);
                twin.body
                    .extend_from_slice(b"&is_admin=1&zz_unknown=%3Cscript%3E");
                out.push(twin);
            }
        }
        if !self.form {
            return out;
        }
        let base = common_body(&self.base);
        let case = |name: &str| Case::new(name, self.who, Method::POST, self.uri.clone());
        let with_tail = |tail: &[u8]| {
            let mut b = base.clone().into_bytes();
            b.extend_from_slice(tail);
            b
        };
        out.push(
            case("a %FF escape in the body")
                .body(FORM, with_tail(b"&note=%FF%FE"))
                .expect(400, Expect::Page(NOT_UTF8)),
        );
        out.push(
            case("a truncated UTF-8 escape")
                .body(FORM, with_tail(b"&note=%E5%89"))
                .expect(400, Expect::Page(NOT_UTF8)),
        );
        out.push(
            case("raw non-UTF-8 bytes in the body")
                .body(FORM, with_tail(b"&note=\xFF\xC0\xAF"))
                .expect(400, Expect::Page(NOT_UTF8)),
        );
        out.push(
            case("a malformed escape")
                .body(FORM, with_tail(b"&note=%G1%"))
                .expect(400, Expect::Page(NOT_UTF8)),
        );
        out.push(
            case("JSON instead of a form")
                .json("{\"version\": 1}")
                .expect(400, Expect::Page(NOT_A_FORM)),
        );
        out.push(
            case("no content type")
                .body("", base.clone())
                .expect(400, Expect::Page(NOT_A_FORM)),
        );
        out.push(
            case("a form over the body limit")
                .body(
                    FORM,
                    with_tail(format!("&pad={}", "x".repeat(1024 * 1024)).as_bytes()),
                )
                .expect(413, Expect::Page(TOO_LARGE)),
        );
        out
    }
}

fn common_body(fields: &[(String, String)]) -> String {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    crate::common::form_body(&pairs)
}

use Expect::{Beside, Page};

/// The cases of one POST route (pattern as the router has it); `None`: no entry yet.
async fn table(w: &World, path: &str) -> Option<Vec<Case>> {
    let over = long(6000);
    let over = over.as_str();
    let blank = "  \u{3000}\t ";
    let ws = Some(blank);
    Some(match path {
        "/login" => {
            let t = Table::new(
                Who::Anonymous,
                "/login",
                &[("login", "nobody"), ("password", "wrong-password")],
            );
            t.with(
                "no fields",
                &[("login", None), ("password", None)],
                422,
                Beside("login-error", "请输入登录名和密码"),
            )
            .with(
                "a blank login",
                &[("login", ws)],
                422,
                Beside("login-error", "请输入登录名和密码"),
            )
            .with(
                "an empty password",
                &[("password", Some(""))],
                422,
                Beside("login-error", "请输入登录名和密码"),
            )
            .with(
                "an over-long login",
                &[("login", Some(&"a".repeat(5000)))],
                401,
                Beside("login-error", "登录名或密码错误"),
            )
            .with(
                "an over-long password",
                &[
                    ("login", Some("nobody2")),
                    ("password", Some(&"p".repeat(100_000))),
                ],
                401,
                Beside("login-error", "登录名或密码错误"),
            )
            .with(
                "markup as the login",
                &[("login", Some("<script>alert(1)</script>"))],
                401,
                Beside("login-error", "登录名或密码错误"),
            )
            .finish()
        }
        "/logout" => Table::bodiless(Who::Office, "/logout").finish(),
        "/account/password" => {
            let t = Table::new(
                Who::Liaison,
                "/account/password",
                &[
                    ("current_password", &crate::common::password_of("gab")),
                    ("new_password", "a-new-long-password"),
                    ("confirm_password", "a-new-long-password"),
                ],
            );
            t.with(
                "no fields",
                &[
                    ("current_password", None),
                    ("new_password", None),
                    ("confirm_password", None),
                ],
                422,
                Beside("e-current_password", "当前密码不正确"),
            )
            .with(
                "a blank new password",
                &[("new_password", ws), ("confirm_password", ws)],
                422,
                Beside("e-new_password", "密码"),
            )
            .with(
                "an over-long new password",
                &[
                    ("new_password", Some(over)),
                    ("confirm_password", Some(over)),
                ],
                422,
                Beside("e-new_password", "密码不能超过 200 个字符"),
            )
            .with(
                "confirmation differs",
                &[("confirm_password", Some("something-else-long"))],
                422,
                Beside("e-confirm_password", "两次输入的新密码不一致"),
            )
            .with(
                "a wrong current password",
                &[("current_password", Some("not-my-password"))],
                422,
                Beside("e-current_password", "当前密码不正确"),
            )
            .finish()
        }
        "/admin/users" => {
            let unit = w.unit_a.to_string();
            let t = Table::new(
                Who::Office,
                "/admin/users",
                &[
                    ("login", "newcomer"),
                    ("display_name", "新同事"),
                    ("role", "liaison"),
                    ("unit", &unit),
                ],
            );
            t.with(
                "no fields",
                &[
                    ("login", None),
                    ("display_name", None),
                    ("role", None),
                    ("unit", None),
                ],
                422,
                Beside("e-role", "请选择角色"),
            )
            .with(
                "no login",
                &[("login", None)],
                422,
                Beside("e-login", "登录名长度应为 2 至 64 个字符"),
            )
            .with(
                "a blank login",
                &[("login", ws)],
                422,
                Beside("e-login", "登录名长度应为 2 至 64 个字符"),
            )
            .with(
                "an over-long login",
                &[("login", Some(&"a".repeat(65)))],
                422,
                Beside("e-login", "登录名长度应为 2 至 64 个字符"),
            )
            .with(
                "markup in the login",
                &[("login", Some("<script>"))],
                422,
                Beside("e-login", "登录名只能包含"),
            )
            .with(
                "a blank name",
                &[("display_name", ws)],
                422,
                Beside("e-display_name", "请填写姓名"),
            )
            .with(
                "an over-long name",
                &[("display_name", Some(over))],
                422,
                Beside("e-display_name", "姓名不能超过 100 个字"),
            )
            .with(
                "a control character in the name",
                &[("display_name", Some("张\u{7}三"))],
                422,
                Beside("e-display_name", "姓名中不能有控制字符"),
            )
            .with(
                "an unknown role",
                &[("role", Some("superuser"))],
                422,
                Beside("e-role", "请选择角色"),
            )
            .with(
                "a role in capitals",
                &[("role", Some("OFFICE"))],
                422,
                Beside("e-role", "请选择角色"),
            )
            .with(
                "a unit that is text",
                &[("unit", Some("公安部"))],
                422,
                Beside("e-unit", "请选择列表中的单位"),
            )
            .with(
                "a unit id over i64",
                &[("unit", Some(I64_OVERFLOW))],
                422,
                Beside("e-unit", "请选择列表中的单位"),
            )
            .with(
                "a unit id as 1e400",
                &[("unit", Some(BEYOND_F64))],
                422,
                Beside("e-unit", "请选择列表中的单位"),
            )
            .with(
                "a negative unit id",
                &[("unit", Some("-1"))],
                422,
                Beside("e-unit", "所选单位不存在"),
            )
            .with(
                "a liaison without a unit",
                &[("unit", Some(""))],
                422,
                Beside("e-unit", "联络员必须指定所属单位"),
            )
            .with(
                "a leader with a unit",
                &[("role", Some("leader"))],
                422,
                Beside("e-unit", "只有联络员和单位负责人属于某个单位"),
            )
            .with(
                "a login already taken",
                &[("login", Some("gab"))],
                422,
                Beside("e-login", "登录名“gab”已被使用"),
            )
            .finish()
        }
        "/admin/users/{id}" => {
            let unit = w.unit_a.to_string();
            let t = Table::new(
                Who::Office,
                format!("/admin/users/{}", w.target_user),
                &[
                    ("display_name", "改名"),
                    ("role", "liaison"),
                    ("unit", &unit),
                ],
            );
            t.with(
                "no fields",
                &[("display_name", None), ("role", None), ("unit", None)],
                422,
                Beside("e-role", "请选择角色"),
            )
            .with(
                "a blank name",
                &[("display_name", ws)],
                422,
                Beside("e-display_name", "请填写姓名"),
            )
            .with(
                "an over-long name",
                &[("display_name", Some(over))],
                422,
                Beside("e-display_name", "姓名不能超过 100 个字"),
            )
            .with(
                "an unknown role",
                &[("role", Some("root"))],
                422,
                Beside("e-role", "请选择角色"),
            )
            .with(
                "a unit that is text",
                &[("unit", Some("abc"))],
                422,
                Beside("e-unit", "请选择列表中的单位"),
            )
            .with(
                "a unit id over i64",
                &[("unit", Some("99999999999999999999"))],
                422,
                Beside("e-unit", "请选择列表中的单位"),
            )
            .with(
                "a negative unit id",
                &[("unit", Some("-5"))],
                422,
                Beside("e-unit", "所选单位不存在"),
            )
            .at(
                "a user id over i64",
                format!("/admin/users/{I64_OVERFLOW}"),
                404,
                Page("找不到该用户"),
            )
            .at(
                "a negative user id",
                "/admin/users/-1".into(),
                404,
                Page("找不到该用户"),
            )
            .finish()
        }
        "/admin/users/{id}/active" => {
            let t = Table::new(
                Who::Office,
                format!("/admin/users/{}/active", w.target_user),
                &[("active", "true")],
            );
            t.with(
                "no field",
                &[("active", None)],
                400,
                Page("请选择启用或停用"),
            )
            .with(
                "a blank value",
                &[("active", ws)],
                400,
                Page("请选择启用或停用"),
            )
            .with(
                "a number for a boolean",
                &[("active", Some("1"))],
                400,
                Page("请选择启用或停用"),
            )
            .with(
                "an unknown value",
                &[("active", Some("TRUE"))],
                400,
                Page("请选择启用或停用"),
            )
            .at(
                "an id that is text",
                "/admin/users/abc/active".into(),
                404,
                Page("找不到该用户"),
            )
            .finish()
        }
        "/admin/users/{id}/password" | "/admin/users/{id}/tokens" => {
            let action = path.rsplit('/').next().unwrap_or_default();
            Table::bodiless(Who::Office, "")
                .at(
                    "an id over i64",
                    format!("/admin/users/{I64_OVERFLOW}/{action}"),
                    404,
                    Page("找不到该用户"),
                )
                .at(
                    "an id as 1e400",
                    format!("/admin/users/{BEYOND_F64}/{action}"),
                    404,
                    Page("找不到该用户"),
                )
                .at(
                    "a negative id",
                    format!("/admin/users/-1/{action}"),
                    404,
                    Page("找不到该用户"),
                )
                .finish()
        }
        "/admin/users/{id}/tokens/{token_id}/revoke" => {
            let u = w.target_user;
            Table::bodiless(Who::Office, "")
                .at(
                    "a token id over i64",
                    format!("/admin/users/{u}/tokens/{I64_OVERFLOW}/revoke"),
                    404,
                    Page("找不到该令牌"),
                )
                .at(
                    "a token id that is text",
                    format!("/admin/users/{u}/tokens/abc/revoke"),
                    404,
                    Page("找不到该令牌"),
                )
                .at(
                    "a negative token id",
                    format!("/admin/users/{u}/tokens/-1/revoke"),
                    400,
                    Page("该令牌不存在或已撤销"),
                )
                .at(
                    "another user's token",
                    format!(
                        "/admin/users/{}/tokens/{}/revoke",
                        w.target_user + 1000,
                        w.target_token_id
                    ),
                    404,
                    Page("找不到该用户"),
                )
                .finish()
        }
        "/plans/{id}/settings" => {
            let version = w.version("plans", w.plan_id).await;
            let t = Table::new(
                Who::Office,
                format!("/plans/{}/settings", w.plan_id),
                &[
                    ("version", &version),
                    ("deadline_kind", "date"),
                    ("deadline_date", "2022-12-31"),
                    ("cycle", "quarterly"),
                    ("due_days", "10"),
                ],
            );
            t.with(
                "no fields",
                &[
                    ("version", None),
                    ("deadline_kind", None),
                    ("deadline_date", None),
                    ("cycle", None),
                    ("due_days", None),
                ],
                422,
                Beside("e-form", "表单缺少版本号"),
            )
            .with(
                "a version that is text",
                &[("version", Some("abc"))],
                422,
                Beside("e-form", "表单缺少版本号"),
            )
            .with(
                "a version over i32",
                &[("version", Some("2147483648"))],
                422,
                Beside("e-form", "表单缺少版本号"),
            )
            .with(
                "a negative version",
                &[("version", Some("-1"))],
                409,
                Beside("e-form", "工作要点设置"),
            )
            .with(
                "an unknown deadline kind",
                &[("deadline_kind", Some("someday"))],
                422,
                Beside("e-default_deadline", "请选择默认时限"),
            )
            .with(
                "a staged default",
                &[("deadline_kind", Some("staged"))],
                422,
                Beside("e-default_deadline", "请选择默认时限"),
            )
            .with(
                "a blank date",
                &[("deadline_date", ws)],
                422,
                Beside("e-default_deadline", "请填写完成日期"),
            )
            .with(
                "2022-02-30",
                &[("deadline_date", Some("2022-02-30"))],
                422,
                Beside("e-default_deadline", "请填写完成日期"),
            )
            .with(
                "0000-01-01",
                &[("deadline_date", Some("0000-01-01"))],
                422,
                Beside("e-default_deadline", "日期应在 2021 年至 2027 年之间"),
            )
            .with(
                "99999-12-31",
                &[("deadline_date", Some("99999-12-31"))],
                422,
                Beside("e-default_deadline", "请填写完成日期"),
            )
            .with(
                "+99999-12-31",
                &[("deadline_date", Some("+99999-12-31"))],
                422,
                Beside("e-default_deadline", "日期应在 2021 年至 2027 年之间"),
            )
            .with(
                "a date that is text",
                &[("deadline_date", Some("明年"))],
                422,
                Beside("e-default_deadline", "请填写完成日期"),
            )
            .with(
                "an unknown cycle",
                &[("cycle", Some("weekly"))],
                422,
                Beside("e-cycle", "请选择报送周期"),
            )
            .with(
                "no cycle at all",
                &[("cycle", Some("none"))],
                422,
                Beside("e-cycle", "工作要点须有报送周期"),
            )
            .with(
                "days that are text",
                &[("due_days", Some("ten"))],
                422,
                Beside("e-due_days", "请填写 0 至 90 之间的天数"),
            )
            .with(
                "days over i32",
                &[("due_days", Some(I64_OVERFLOW))],
                422,
                Beside("e-due_days", "请填写 0 至 90 之间的天数"),
            )
            .with(
                "days as 1e400",
                &[("due_days", Some(BEYOND_F64))],
                422,
                Beside("e-due_days", "请填写 0 至 90 之间的天数"),
            )
            .with(
                "days as a fraction",
                &[("due_days", Some("1.5"))],
                422,
                Beside("e-due_days", "请填写 0 至 90 之间的天数"),
            )
            .with(
                "negative days",
                &[("due_days", Some("-1"))],
                422,
                Beside("e-due_days", "报送期限应为周期结束后 0 至 90 天"),
            )
            .with(
                "too many days",
                &[("due_days", Some("91"))],
                422,
                Beside("e-due_days", "报送期限应为周期结束后 0 至 90 天"),
            )
            .at(
                "a plan id over i64",
                format!("/plans/{I64_OVERFLOW}/settings"),
                400,
                Page("工作要点编号"),
            )
            .at(
                "a plan id that does not exist",
                "/plans/-7/settings".into(),
                404,
                Page("工作要点"),
            )
            .finish()
        }
        "/units" => {
            let t = Table::new(
                Who::Office,
                "/units",
                &[("short_name", "新单位"), ("full_name", "新单位全称")],
            );
            t.with(
                "no fields",
                &[("short_name", None), ("full_name", None)],
                422,
                Beside("e-short_name", "简称应为 1 至 40 个字"),
            )
            .with(
                "a blank short name",
                &[("short_name", ws)],
                422,
                Beside("e-short_name", "简称应为 1 至 40 个字"),
            )
            .with(
                "an over-long short name",
                &[("short_name", Some(&long(41)))],
                422,
                Beside("e-short_name", "简称应为 1 至 40 个字"),
            )
            .with(
                "a list as a short name",
                &[("short_name", Some("甲、乙"))],
                422,
                Beside("e-short_name", "简称中不能有顿号、逗号或括号"),
            )
            .with(
                "a blank full name",
                &[("full_name", ws)],
                422,
                Beside("e-full_name", "全称应为 1 至 100 个字"),
            )
            .with(
                "an over-long full name",
                &[("full_name", Some(over))],
                422,
                Beside("e-full_name", "全称应为 1 至 100 个字"),
            )
            .with(
                "a unit already there",
                &[("short_name", Some("公安部"))],
                422,
                Beside("e-short_name", "单位“公安部”已在名录中"),
            )
            .with(
                "a plan that is text",
                &[("plan", Some("abc"))],
                400,
                Page("工作要点编号“abc”无效"),
            )
            .with(
                "a plan over i64",
                &[("plan", Some(I64_OVERFLOW))],
                400,
                Page("工作要点编号"),
            )
            .with(
                "a plan that does not exist",
                &[("plan", Some("-1"))],
                404,
                Page("工作要点"),
            )
            .finish()
        }
        "/tasks/bulk-units" => {
            let unit = w.unit_a.to_string();
            let t = Table::new(
                Who::Office,
                "/tasks/bulk-units",
                &[
                    ("back", "section=3"),
                    ("unit", &unit),
                    ("role", "co"),
                    ("task", "3.2.1"),
                ],
            );
            t.with(
                "no fields",
                &[
                    ("back", None),
                    ("unit", None),
                    ("role", None),
                    ("task", None),
                ],
                422,
                Beside("e-bulk", "请选择要增加的单位"),
            )
            .with(
                "a unit that is text",
                &[("unit", Some("公安部"))],
                422,
                Beside("e-bulk", "请选择要增加的单位"),
            )
            .with(
                "a unit id over i64",
                &[("unit", Some(I64_OVERFLOW))],
                422,
                Beside("e-bulk", "请选择要增加的单位"),
            )
            .with(
                "a negative unit id",
                &[("unit", Some("-1"))],
                422,
                Beside("e-bulk", "所选单位不在本工作要点的成员单位名录中"),
            )
            .with(
                "an unknown role",
                &[("role", Some("boss"))],
                422,
                Beside("e-bulk", "职责只能是“牵头”或“配合”"),
            )
            .with(
                "no task",
                &[("task", None)],
                422,
                Beside("e-bulk", "请至少选择一项任务"),
            )
            .with(
                "a task not in the plan",
                &[("task", Some("9.9.9"))],
                422,
                Beside("e-bulk", "所选任务中有不属于本工作要点的编号"),
            )
            .with(
                "a task that is markup",
                &[("task", Some("<b>1</b>"))],
                422,
                Beside("e-bulk", "所选任务中有不属于本工作要点的编号"),
            )
            .with(
                "a way back that is not an address",
                &[("back", Some("a b\"<>"))],
                400,
                Page("返回地址无效"),
            )
            .finish()
        }
        "/tasks/bulk-units/confirm" => {
            let unit = w.unit_a.to_string();
            let version = w.task_version("3.2.1").await.to_string();
            let t = Table::new(
                Who::Office,
                "/tasks/bulk-units/confirm",
                &[
                    ("back", "section=3"),
                    ("unit", &unit),
                    ("role", "co"),
                    ("op", "add"),
                    ("task", "3.2.1"),
                    ("version", &version),
                ],
            );
            t.with(
                "no fields",
                &[
                    ("back", None),
                    ("unit", None),
                    ("role", None),
                    ("op", None),
                    ("task", None),
                    ("version", None),
                ],
                422,
                Beside("e-bulk", "请选择要增加的单位"),
            )
            .with(
                "a version that is text",
                &[("version", Some("latest"))],
                422,
                Beside("e-bulk", "确认表单中的任务与版本不一致，请重新勾选并预览"),
            )
            .with(
                "a task without its version",
                &[("version", None)],
                422,
                Beside("e-bulk", "确认表单中的任务与版本不一致，请重新勾选并预览"),
            )
            .with(
                "no task",
                &[("task", None), ("version", None)],
                422,
                Beside("e-bulk", "请至少选择一项任务"),
            )
            .with(
                "a version the task has left",
                &[("version", Some("0"))],
                409,
                Beside("e-confirm", "任务 3.2.1 在确认前已有改动（或本次调整已经提交过），未作任何修改。请重新勾选并预览。"),
            )
            .with(
                "a task not in the plan",
                &[("task", Some("9.9.9"))],
                422,
                Beside("e-bulk", "所选任务中有不属于本工作要点的编号"),
            )
            .with(
                "a way back that is not an address",
                &[("back", Some("a b\"<>"))],
                400,
                Page("返回地址无效"),
            )
            .finish()
        }
        "/tasks/bulk-units/{id}/undo" => {
            let t = Table::new(
                Who::Office,
                "/tasks/bulk-units/999999/undo",
                &[("back", "")],
            );
            t.with(
                "a change that does not exist",
                &[],
                404,
                Page("找不到该批量调整。"),
            )
            .at(
                "an id that is text",
                "/tasks/bulk-units/latest/undo".into(),
                404,
                Page("找不到该批量调整。"),
            )
            .at(
                "an id over i64",
                format!("/tasks/bulk-units/{I64_OVERFLOW}/undo"),
                404,
                Page("找不到该批量调整。"),
            )
            .with(
                "a way back that is not an address",
                &[("back", Some("a b\"<>"))],
                400,
                Page("返回地址无效"),
            )
            .finish()
        }
        "/tasks/{code}/close" | "/tasks/{code}/reopen" => {
            let close = path.ends_with("close");
            let version = w.task_version("7.1.2").await;
            let action = if close { "close" } else { "reopen" };
            let t = Table::new(
                Who::Office,
                format!("/tasks/7.1.2/{action}"),
                &[("version", &version), ("closing_note", "已完成")],
            );
            let t = t
                .with(
                    "no fields",
                    &[("version", None), ("closing_note", None)],
                    400,
                    Page("表单缺少版本号"),
                )
                .with(
                    "a version that is text",
                    &[("version", Some("v1"))],
                    400,
                    Page("表单缺少版本号"),
                )
                .with(
                    "a version over i32",
                    &[("version", Some(I64_OVERFLOW))],
                    400,
                    Page("表单缺少版本号"),
                )
                .at(
                    "a code that is text",
                    format!("/tasks/abc/{action}"),
                    404,
                    Page("没有编号为“abc”的任务"),
                )
                .at(
                    "a code over i64",
                    format!("/tasks/{I64_OVERFLOW}/{action}"),
                    404,
                    Page("的任务"),
                );
            if close {
                t.with(
                    "a blank note",
                    &[("closing_note", ws)],
                    422,
                    Beside("e-closing_note", "办结时请填写办结说明"),
                )
                .with(
                    "an over-long note",
                    &[("closing_note", Some(over))],
                    422,
                    Beside("e-closing_note", "办结说明不能超过 2000 字"),
                )
                .with(
                    "a negative version",
                    &[("version", Some("-1"))],
                    409,
                    Page("已被他人修改"),
                )
                .finish()
            } else {
                t.with("reopening an open task", &[], 409, Page("未办结"))
                    .finish()
            }
        }
        "/reports/{id}/review" => {
            let version = w.version("reports", w.submitted).await;
            let t = Table::new(
                Who::Office,
                format!("/reports/{}/review", w.submitted),
                &[
                    ("version", &version),
                    ("decision", "return"),
                    ("reason", "请补充"),
                ],
            );
            t.with(
                "no fields",
                &[("version", None), ("decision", None), ("reason", None)],
                400,
                Page("表单缺少版本号"),
            )
            .with(
                "a version that is text",
                &[("version", Some("最新"))],
                400,
                Page("表单缺少版本号"),
            )
            .with(
                "a version as 1e400",
                &[("version", Some(BEYOND_F64))],
                400,
                Page("表单缺少版本号"),
            )
            .with(
                "a negative version",
                &[("version", Some("-1"))],
                409,
                Beside("e-decision", "内容已被他人修改"),
            )
            .with(
                "no decision",
                &[("decision", None)],
                422,
                Beside("e-decision", "请选择采纳或退回"),
            )
            .with(
                "an unknown decision",
                &[("decision", Some("delete"))],
                422,
                Beside("e-decision", "请选择采纳或退回"),
            )
            .with(
                "an unknown assessment",
                &[("office_assessment", Some("great"))],
                400,
                Page("办公室评估无效"),
            )
            .with(
                "a blank reason",
                &[("reason", ws)],
                422,
                Beside("e-reason", "退回时请写明理由"),
            )
            .with(
                "an over-long reason",
                &[("reason", Some(over))],
                422,
                Beside("e-reason", "退回理由不能超过"),
            )
            .at(
                "an id that is text",
                "/reports/abc/review".into(),
                404,
                Page("找不到该报告"),
            )
            .at(
                "an id over i64",
                format!("/reports/{I64_OVERFLOW}/review"),
                404,
                Page("找不到该报告"),
            )
            .at(
                "a negative id",
                "/reports/-1/review".into(),
                404,
                Page("找不到该报告"),
            )
            .finish()
        }
        "/coordination/{id}/answer" => {
            let t = Table::new(
                Who::Office,
                format!("/coordination/{}/answer", w.coordination),
                &[("answer", "已协调")],
            );
            t.with(
                "no fields",
                &[("answer", None)],
                422,
                Beside("e-answer", "请填写答复"),
            )
            .with(
                "a blank answer",
                &[("answer", ws)],
                422,
                Beside("e-answer", "请填写答复"),
            )
            .with(
                "an over-long answer",
                &[("answer", Some(over))],
                422,
                Beside("e-answer", "答复不能超过 2000 字"),
            )
            .at(
                "an id that is text",
                "/coordination/abc/answer".into(),
                404,
                Page("没有该需协调事项"),
            )
            .at(
                "an id over i64",
                format!("/coordination/{I64_OVERFLOW}/answer"),
                404,
                Page("没有该需协调事项"),
            )
            .at(
                "a negative id",
                "/coordination/-1/answer".into(),
                404,
                Page("没有该需协调事项"),
            )
            .finish()
        }
        "/urges" => {
            let unit = w.unit_a.to_string();
            let t = Table::new(
                Who::Office,
                "/urges",
                &[
                    ("period", "2022-Q2"),
                    ("unit", &unit),
                    ("message", "请尽快报送"),
                ],
            );
            t.with(
                "no fields",
                &[("period", None), ("unit", None), ("message", None)],
                422,
                Page("请填写催办内容"),
            )
            .with(
                "a blank message",
                &[("message", ws)],
                422,
                Beside("e-message", "请填写催办内容"),
            )
            .with(
                "an over-long message",
                &[("message", Some(over))],
                422,
                Beside("e-message", "催办内容不能超过 1000 字"),
            )
            .with(
                "a unit that is text",
                &[("unit", Some("公安部"))],
                422,
                Beside("e-units", "请选择要催办的单位"),
            )
            .with(
                "a unit id over i64",
                &[("unit", Some(I64_OVERFLOW))],
                422,
                Beside("e-units", "请选择要催办的单位"),
            )
            .with(
                "a negative unit id",
                &[("unit", Some("-1"))],
                422,
                Beside("e-units", "请选择要催办的单位"),
            )
            .with(
                "an unknown period",
                &[("period", Some("2022-Q9"))],
                422,
                Page("本工作要点没有“2022-Q9”这一报送期次"),
            )
            .with(
                "a period that is markup",
                &[("period", Some("<script>"))],
                422,
                Page("本工作要点没有“&#60;script&#62;”这一报送期次"),
            )
            .with(
                "a plan that is text",
                &[("plan", Some("x"))],
                400,
                Page("工作要点编号“x”无效"),
            )
            .finish()
        }
        "/tasks/{code}/units" => {
            // A task whose units are all named: it may not be left without one.
            let code: String = sqlx::query_scalar(
                "SELECT code FROM tasks WHERE NOT unnamed_members AND code <> '1.3.6' ORDER BY position LIMIT 1",
            )
            .fetch_one(&w.pool)
            .await
            .unwrap();
            let version = w.task_version(&code).await;
            let units: Vec<(i64, String)> = sqlx::query_as(
                "SELECT tu.unit_id, tu.role::text FROM task_units tu JOIN tasks t ON t.id = tu.task_id WHERE t.code = $1 ORDER BY tu.role, tu.position",
            )
            .bind(&code)
            .fetch_all(&w.pool)
            .await
            .unwrap();
            let mut base: Vec<(String, String)> = vec![("version".into(), version)];
            base.extend(units.iter().map(|(u, r)| (format!("role_{u}"), r.clone())));
            let lead = format!("role_{}", units[0].0);
            let names: Vec<String> = units.iter().map(|(u, _)| format!("role_{u}")).collect();
            let removed: Vec<(&str, Option<&str>)> =
                names.iter().map(|n| (n.as_str(), Some("remove"))).collect();
            let pairs: Vec<(&str, &str)> =
                base.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let t = Table::new(Who::Office, format!("/tasks/{code}/units"), &pairs);
            t.with(
                "no fields",
                &[("version", None)],
                400,
                Page("表单缺少版本号"),
            )
            .with(
                "a version that is text",
                &[("version", Some("one"))],
                400,
                Page("表单缺少版本号"),
            )
            .with(
                "a version over i32",
                &[("version", Some("2147483648"))],
                400,
                Page("表单缺少版本号"),
            )
            .with(
                "a negative version",
                &[("version", Some("-1"))],
                409,
                Page("已被他人修改"),
            )
            .with(
                "an unknown role",
                &[(&lead, Some("owner"))],
                400,
                Page("职责只能是牵头、配合或移除"),
            )
            .with(
                "a blank role",
                &[(&lead, ws)],
                400,
                Page("职责只能是牵头、配合或移除"),
            )
            .with(
                "a unit id that is text",
                &[("role_abc", Some("co"))],
                400,
                Page("单位编号无效"),
            )
            .with(
                "a unit id over i64",
                &[("role_99999999999999999999", Some("co"))],
                400,
                Page("单位编号无效"),
            )
            .with(
                "a unit to add that is text",
                &[("add_unit", Some("公安部"))],
                400,
                Page("单位编号无效"),
            )
            .with(
                "a unit to add over i64",
                &[("add_unit", Some(I64_OVERFLOW))],
                400,
                Page("单位编号无效"),
            )
            .with(
                "a negative unit to add",
                &[("add_unit", Some("-1"))],
                422,
                Beside("e-units", "所选单位不在本工作要点的成员单位名录中"),
            )
            .with(
                "an unknown role to add",
                &[
                    ("add_unit", Some(&w.unit_a.to_string())),
                    ("add_role", Some("chief")),
                ],
                400,
                Page("职责只能是牵头、配合或移除"),
            )
            .with(
                "every unit removed",
                &removed,
                422,
                Beside("e-units", "任务至少要有一个责任单位"),
            )
            .at(
                "a code that is text",
                "/tasks/abc/units".into(),
                404,
                Page("没有编号为“abc”的任务"),
            )
            .finish()
        }
        "/tasks/{code}/schedule" => {
            let version = w.task_version("1.3.6").await;
            let t = Table::new(
                Who::Office,
                "/tasks/1.3.6/schedule",
                &[
                    ("version", &version),
                    ("deadline_kind", "date"),
                    ("deadline_date", "2022-10-31"),
                    ("cycle", "monthly"),
                ],
            );
            t.with(
                "no fields",
                &[
                    ("version", None),
                    ("deadline_kind", None),
                    ("deadline_date", None),
                    ("cycle", None),
                ],
                400,
                Page("表单缺少版本号"),
            )
            .with(
                "a version that is text",
                &[("version", Some("x"))],
                400,
                Page("表单缺少版本号"),
            )
            .with(
                "a version as 1e400",
                &[("version", Some(BEYOND_F64))],
                400,
                Page("表单缺少版本号"),
            )
            .with(
                "a negative version",
                &[("version", Some("-1"))],
                409,
                Page("已被他人修改"),
            )
            .with(
                "an unknown deadline kind",
                &[("deadline_kind", Some("never"))],
                422,
                Beside("e-deadline", "请选择时限类型"),
            )
            .with(
                "a blank date",
                &[("deadline_date", ws)],
                422,
                Beside("e-deadline", "请填写完成日期"),
            )
            .with(
                "2022-02-30",
                &[("deadline_date", Some("2022-02-30"))],
                422,
                Beside("e-deadline", "请填写完成日期"),
            )
            .with(
                "0000-01-01",
                &[("deadline_date", Some("0000-01-01"))],
                422,
                Beside("e-deadline", "日期应在 2021 年至 2027 年之间"),
            )
            .with(
                "99999-12-31",
                &[("deadline_date", Some("99999-12-31"))],
                422,
                Beside("e-deadline", "请填写完成日期"),
            )
            .with(
                "a date that is a number",
                &[("deadline_date", Some("20221031"))],
                422,
                Beside("e-deadline", "请填写完成日期"),
            )
            .with(
                "staged without checkpoints",
                &[("deadline_kind", Some("staged")), ("checkpoints", ws)],
                422,
                Beside("e-deadline", "分阶段推进至少需要一个节点"),
            )
            .with(
                "a checkpoint on 2022-02-30",
                &[
                    ("deadline_kind", Some("staged")),
                    ("checkpoints", Some("2022-02-30 完成一半")),
                ],
                422,
                Beside("e-deadline", "第 1 行：应以日期开头"),
            )
            .with(
                "a checkpoint in year 99999",
                &[
                    ("deadline_kind", Some("staged")),
                    ("checkpoints", Some("99999-01-01 完成一半")),
                ],
                422,
                Beside("e-deadline", "第 1 行：应以日期开头"),
            )
            .with(
                "a checkpoint in year 0",
                &[
                    ("deadline_kind", Some("staged")),
                    ("checkpoints", Some("0000-01-01 完成一半")),
                ],
                422,
                Beside("e-deadline", "第 1 个节点的日期超出范围"),
            )
            .with(
                "a checkpoint with an over-long title",
                &[
                    ("deadline_kind", Some("staged")),
                    ("checkpoints", Some(&format!("2022-06-30 {}", long(201)))),
                ],
                422,
                Beside("e-deadline", "第 1 个节点的说明应为 1 至 200 个字"),
            )
            .with(
                "an unknown cycle",
                &[("cycle", Some("daily"))],
                422,
                Beside("e-cycle", "请选择报送周期"),
            )
            .at(
                "a code over i64",
                format!("/tasks/{I64_OVERFLOW}/schedule"),
                404,
                Page("的任务"),
            )
            .finish()
        }
        "/tasks/{code}/report" => {
            let unit = w.unit_a.to_string();
            let t = Table::new(
                Who::Liaison,
                "/tasks/3.1.1/report",
                &[
                    ("unit", &unit),
                    ("period", "2022-Q2"),
                    ("status", "in_progress"),
                    ("self_assessment", "on_track"),
                    ("work_done", "推进中"),
                    ("action", "draft"),
                ],
            );
            report_cases(t, ws, over)
                .with(
                    "no fields",
                    &[
                        ("unit", None),
                        ("period", None),
                        ("status", None),
                        ("self_assessment", None),
                        ("work_done", None),
                        ("action", None),
                    ],
                    400,
                    Page("单位编号无效"),
                )
                .with(
                    "a unit that is text",
                    &[("unit", Some("公安部"))],
                    400,
                    Page("单位编号无效"),
                )
                .with(
                    "a unit id over i64",
                    &[("unit", Some(I64_OVERFLOW))],
                    400,
                    Page("单位编号无效"),
                )
                .with(
                    "a negative unit id",
                    &[("unit", Some("-1"))],
                    403,
                    Page("无权"),
                )
                .with(
                    "a version that is text",
                    &[("version", Some("abc"))],
                    400,
                    Page("表单中的版本号无效"),
                )
                .with(
                    "a version over i64",
                    &[("version", Some(I64_OVERFLOW))],
                    400,
                    Page("表单中的版本号无效"),
                )
                .with(
                    "an unknown period",
                    &[("period", Some("2022-Q9"))],
                    400,
                    Page("该任务没有“2022-Q9”这一报送期次"),
                )
                .with(
                    "a blank period",
                    &[("period", ws)],
                    400,
                    Page("该任务没有“”这一报送期次"),
                )
                .with(
                    "a period that is markup",
                    &[("period", Some("<script>"))],
                    400,
                    Page("该任务没有“&#60;script&#62;”这一报送期次"),
                )
                .with(
                    "a period of year 99999",
                    &[("period", Some("99999-Q1"))],
                    400,
                    Page("该任务没有“99999-Q1”这一报送期次"),
                )
                .at(
                    "a code that is text",
                    "/tasks/abc/report".into(),
                    404,
                    Page("没有编号为“abc”的任务"),
                )
                .finish()
        }
        "/reports/{id}" => {
            let version = w.version("reports", w.draft).await;
            let submitted_version = w.version("reports", w.submitted).await;
            let t = Table::new(
                Who::Liaison,
                format!("/reports/{}", w.draft),
                &[
                    ("version", &version),
                    ("status", "in_progress"),
                    ("self_assessment", "on_track"),
                    ("work_done", "修改"),
                    ("action", "draft"),
                ],
            );
            report_cases(t, ws, over)
                .with(
                    "no fields",
                    &[
                        ("version", None),
                        ("status", None),
                        ("self_assessment", None),
                        ("work_done", None),
                        ("action", None),
                    ],
                    400,
                    Page("表单缺少版本号"),
                )
                .with(
                    "a version that is text",
                    &[("version", Some("abc"))],
                    400,
                    Page("表单中的版本号无效"),
                )
                .with(
                    "a blank version",
                    &[("version", ws)],
                    400,
                    Page("表单缺少版本号"),
                )
                .with(
                    "a negative version",
                    &[("version", Some("-1"))],
                    409,
                    Beside("e-form", "内容已被他人修改"),
                )
                .with(
                    "a version over i64",
                    &[("version", Some(I64_OVERFLOW))],
                    400,
                    Page("表单中的版本号无效"),
                )
                .at(
                    "an id that is text",
                    "/reports/abc".into(),
                    404,
                    Page("找不到该报告"),
                )
                .at(
                    "an id over i64",
                    format!("/reports/{I64_OVERFLOW}"),
                    404,
                    Page("找不到该报告"),
                )
                .at(
                    "a negative id",
                    "/reports/-1".into(),
                    404,
                    Page("找不到该报告"),
                )
                .at_with(
                    "a submitted report",
                    format!("/reports/{}", w.submitted),
                    &[("version", Some(&submitted_version))],
                    409,
                    Page("该报告已提交待审核，不能再修改"),
                )
                .finish()
        }
        "/reports/{id}/attachments" => {
            // Multipart: the upload cases are in `uploads`; here the body is not multipart.
            let uri = format!("/reports/{}/attachments", w.draft);
            let case = |name: &str, ct: &str, body: &[u8], status: u16, e: Expect| {
                Case::new(name, Who::Liaison, Method::POST, uri.clone())
                    .body(ct, body.to_vec())
                    .expect(status, e)
            };
            vec![
                case(
                    "a url-encoded form",
                    FORM,
                    b"file=a.pdf",
                    400,
                    Page("网址或提交的内容无效"),
                ),
                case(
                    "no content type",
                    "",
                    b"\xFF\xFE",
                    400,
                    Page("网址或提交的内容无效"),
                ),
                case(
                    "a multipart type without boundary",
                    "multipart/form-data",
                    b"x",
                    400,
                    Page("网址或提交的内容无效"),
                ),
                case(
                    "a body that is not multipart",
                    "multipart/form-data; boundary=B",
                    b"\xFF\xFE garbage",
                    400,
                    Page("上传的内容无效"),
                ),
                case(
                    "multipart with no file",
                    "multipart/form-data; boundary=B",
                    b"--B\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--B--\r\n",
                    422,
                    Beside("e-file", "请选择要上传的文件"),
                ),
                Case::new(
                    "an id that is text",
                    Who::Liaison,
                    Method::POST,
                    "/reports/abc/attachments",
                )
                .body("multipart/form-data; boundary=B", b"--B--\r\n".to_vec())
                .expect(404, Page("找不到该报告")),
            ]
        }
        "/attachments/{id}/delete" => Table::bodiless(Who::Liaison, "")
            .at(
                "an id that is text",
                "/attachments/abc/delete".into(),
                404,
                Page("附件不存在"),
            )
            .at(
                "an id over i64",
                format!("/attachments/{I64_OVERFLOW}/delete"),
                404,
                Page("附件不存在"),
            )
            .at(
                "a negative id",
                "/attachments/-1/delete".into(),
                404,
                Page("附件不存在"),
            )
            .finish(),
        "/editions/confirm" => {
            let t = Table::new(Who::Office, "/editions/confirm", &[("last", "")]);
            t.with(
                "a plan that is text",
                &[("plan", Some("latest"))],
                400,
                Page("工作要点编号“latest”无效"),
            )
            .with(
                "a negative plan",
                &[("plan", Some("-1"))],
                404,
                Page("工作要点"),
            )
            .with(
                "a last edition that is text",
                &[("last", Some("latest"))],
                400,
                Page("通报确认表单无效，请重新预览后发布。"),
            )
            .with(
                "a last edition over i64",
                &[("last", Some(I64_OVERFLOW))],
                400,
                Page("通报确认表单无效，请重新预览后发布。"),
            )
            .with(
                "a last edition that is not the last",
                &[("last", Some("999999"))],
                409,
                Beside(
                    "e-issue",
                    "自预览以来已有新的一期通报发布（可能是重复提交），未重复发布。请重新预览。",
                ),
            )
            .finish()
        }
        "/editions" => {
            let t = Table::new(Who::Office, "/editions", &[]);
            t.with(
                "a plan that is text",
                &[("plan", Some("latest"))],
                400,
                Page("工作要点编号“latest”无效"),
            )
            .with(
                "a plan over i64",
                &[("plan", Some(I64_OVERFLOW))],
                400,
                Page("工作要点编号"),
            )
            .with(
                "a plan as 1e400",
                &[("plan", Some(BEYOND_F64))],
                400,
                Page("工作要点编号"),
            )
            .with(
                "a negative plan",
                &[("plan", Some("-1"))],
                404,
                Page("工作要点"),
            )
            .finish()
        }
        "/admin/notifications/{id}/resend" => {
            let sent = crate::authz::failed_delivery(&w.pool, w.plan_id).await;
            sqlx::query("UPDATE deliveries SET state = 'sent' WHERE id = $1")
                .bind(sent)
                .execute(&w.pool)
                .await
                .unwrap();
            Table::bodiless(Who::Office, "")
                .at(
                    "an id that is text",
                    "/admin/notifications/abc/resend".into(),
                    404,
                    Page("没有这条失败的投递记录"),
                )
                .at(
                    "an id over i64",
                    format!("/admin/notifications/{I64_OVERFLOW}/resend"),
                    404,
                    Page("没有这条失败的投递记录"),
                )
                .at(
                    "a delivery already sent",
                    format!("/admin/notifications/{sent}/resend"),
                    404,
                    Page("没有这条失败的投递记录"),
                )
                .finish()
        }
        "/inbox/read-all" => Table::bodiless(Who::Liaison, "/inbox/read-all").finish(),
        "/inbox/{id}/read" => Table::bodiless(Who::Liaison, "")
            .at(
                "an id that is text",
                "/inbox/abc/read".into(),
                404,
                Page("没有这条消息"),
            )
            .at(
                "an id over i64",
                format!("/inbox/{I64_OVERFLOW}/read"),
                404,
                Page("没有这条消息"),
            )
            .at(
                "a negative id",
                "/inbox/-1/read".into(),
                404,
                Page("没有这条消息"),
            )
            .at(
                "no such message",
                "/inbox/999999/read".into(),
                404,
                Page("没有这条消息"),
            )
            .finish(),
        "/tasks/{code}/follow" => {
            Table::new(Who::Liaison, "/tasks/1.1.1/follow", &[("follow", "1")])
                .at(
                    "a code that is text",
                    "/tasks/abc/follow".into(),
                    404,
                    Page("没有编号为“abc”的任务"),
                )
                .at(
                    "no such task",
                    "/tasks/99.1.1/follow".into(),
                    404,
                    Page("没有编号为“99.1.1”的任务"),
                )
                .with(
                    "a plan that is text",
                    &[("plan", Some("abc"))],
                    400,
                    Page("工作要点编号“abc”无效"),
                )
                .finish()
        }
        "/account/notifications" => Table::new(
            Who::Liaison,
            "/account/notifications",
            &[("urged", "immediate")],
        )
        .with(
            "an address with a header after a line break",
            &[("email", Some("gab@example.gov.cn\r\nBcc: x@example.gov.cn"))],
            422,
            Beside("e-email", "不是有效的电子邮箱地址"),
        )
        .with(
            "an address of 300 characters",
            &[(
                "email",
                Some(&format!("{}@example.gov.cn", "a".repeat(300))),
            )],
            422,
            Beside("e-email", "电子邮箱地址不能超过 254 个字符"),
        )
        .with(
            "a mode that is no mode",
            &[("urged", Some("always"))],
            422,
            Beside("e-urged", "请选择不发邮件、立即发送或每日汇总"),
        )
        .with(
            "a mode with a NUL",
            &[("urged", Some("none\u{0}"))],
            422,
            Page("含有不可见的控制字符"),
        )
        .finish(),
        "/admin/notifications/office-channel" => Table::new(
            Who::Office,
            "/admin/notifications/office-channel",
            &[("webhook_url", "http://127.0.0.1:9/robot")],
        )
        .with(
            "a javascript: webhook",
            &[("webhook_url", Some("javascript:alert(1)"))],
            422,
            Beside("e-webhook_url", "接收地址应以 http:// 或 https:// 开头"),
        )
        .with(
            "a secret with a line break",
            &[("webhook_secret", Some("a\nb"))],
            422,
            Beside(
                "e-webhook_secret",
                "签名密钥应为不超过 200 个字符的一行文字",
            ),
        )
        .finish(),
        "/units/{id}/channels" => {
            let uri = format!("/units/{}/channels", w.unit_a);
            Table::new(Who::Office, uri, &[("contact_email", "gab@example.gov.cn")])
                .with(
                    "an address with a header after a line break",
                    &[(
                        "contact_email",
                        Some("gab@example.gov.cn\r\nBcc: x@example.gov.cn"),
                    )],
                    422,
                    Beside("e-contact_email", "不是有效的电子邮箱地址"),
                )
                .with(
                    "an address without a domain",
                    &[("contact_email", Some("gab@"))],
                    422,
                    Beside("e-contact_email", "不是有效的电子邮箱地址"),
                )
                .with(
                    "a javascript: webhook",
                    &[("webhook_url", Some("javascript:alert(1)"))],
                    422,
                    Beside("e-webhook_url", "接收地址应以 http:// 或 https:// 开头"),
                )
                .with(
                    "a file: webhook",
                    &[("webhook_url", Some("file:///etc/passwd"))],
                    422,
                    Beside("e-webhook_url", "接收地址应以 http:// 或 https:// 开头"),
                )
                .with(
                    "a secret with a line break",
                    &[("webhook_secret", Some("a\nb"))],
                    422,
                    Beside(
                        "e-webhook_secret",
                        "签名密钥应为不超过 200 个字符的一行文字",
                    ),
                )
                .at(
                    "an id that is text",
                    "/units/abc/channels".into(),
                    404,
                    Page("单位"),
                )
                .at(
                    "no such unit",
                    "/units/999999/channels".into(),
                    404,
                    Page("单位"),
                )
                .finish()
        }
        // 公文: every refusal numbers nothing (the suite checks no document was written).
        "/tasks/{code}/supervision" => {
            let over = long(2001);
            Table::new(
                Who::Office,
                "/tasks/1.3.1/supervision",
                &[("requirements", "请按期完成。"), ("reply_by", "")],
            )
            .with(
                "a reply date that is no date",
                &[("reply_by", Some("2022-02-30"))],
                422,
                Beside("e-reply_by", "回复时限应为日期"),
            )
            .with(
                "a reply date of five digits",
                &[("reply_by", Some("99999-01-01"))],
                422,
                Beside("e-reply_by", "回复时限应为日期"),
            )
            .with(
                "a reply date before today",
                &[("reply_by", Some("2022-07-04"))],
                422,
                Beside("e-reply_by", "回复时限不能早于今天"),
            )
            .with(
                "over-long requirements",
                &[("requirements", Some(&over))],
                422,
                Beside("e-requirements", "督办要求不能超过2000字"),
            )
            .at(
                "a task the plan does not have",
                "/tasks/9.9.9/supervision".into(),
                404,
                Page("没有编号为“9.9.9”的任务"),
            )
            .at(
                "a code over i64",
                format!("/tasks/{I64_OVERFLOW}/supervision"),
                404,
                Page("的任务"),
            )
            .finish()
        }
        "/urges/{id}/notice" => Table::new(
            Who::Office,
            format!("/urges/{}/notice", w.urge),
            &[("reply_by", "")],
        )
        .with(
            "a reply date that is no date",
            &[("reply_by", Some("下周"))],
            422,
            Beside("e-reply_by", "回复时限应为日期"),
        )
        .with(
            "a reply date before today",
            &[("reply_by", Some("2021-12-31"))],
            422,
            Beside("e-reply_by", "回复时限不能早于今天"),
        )
        .at(
            "an id that is text",
            "/urges/abc/notice".into(),
            404,
            Page("找不到该催办"),
        )
        .at(
            "an id over i64",
            format!("/urges/{I64_OVERFLOW}/notice"),
            404,
            Page("找不到该催办"),
        )
        .at(
            "no such urge",
            "/urges/999999/notice".into(),
            404,
            Page("找不到该催办"),
        )
        .finish(),
        "/editions/{id}/bulletin" => Table::bodiless(Who::Office, "")
            .at(
                "an id that is text",
                "/editions/abc/bulletin".into(),
                404,
                Page("没有该期督办通报"),
            )
            .at(
                "an id over i64",
                format!("/editions/{I64_OVERFLOW}/bulletin"),
                404,
                Page("没有该期督办通报"),
            )
            .at(
                "no such edition",
                "/editions/999999/bulletin".into(),
                404,
                Page("没有该期督办通报"),
            )
            .finish(),
        "/units/{id}/brief" => {
            let over = long(501);
            Table::new(
                Who::Office,
                format!("/units/{}/brief", w.unit_a),
                &[("comments", "请按时报送。")],
            )
            .with(
                "over-long comments",
                &[("comments", Some(&over))],
                422,
                Beside("e-comments", "办公室意见不能超过500字"),
            )
            .at(
                "an id that is text",
                "/units/abc/brief".into(),
                404,
                Page("找不到该单位"),
            )
            .at(
                "no such unit",
                "/units/999999/brief".into(),
                404,
                Page("找不到该单位"),
            )
            .finish()
        }
        "/admin/documents/series" => Table::new(
            Who::Office,
            "/admin/documents/series",
            &[("supervision", "打假办督"), ("urge", "打假办催")],
        )
        .with(
            "a prefix of 21 characters",
            &[("supervision", Some(&"督".repeat(21)))],
            422,
            Beside("e-supervision", "前缀最多20个字"),
        )
        .with(
            "a prefix with the year's brackets",
            &[("urge", Some("打假办催〔2022〕"))],
            422,
            Beside("e-urge", "前缀只写机关代字，年份“〔2022〕”和序号由系统添加"),
        )
        .with(
            "a prefix ending in a digit",
            &[("bulletin", Some("通报1"))],
            422,
            Beside("e-bulletin", "前缀只写机关代字"),
        )
        .with(
            "markup as a prefix",
            &[("brief", Some("<b>览</b>"))],
            422,
            Beside("e-brief", "前缀只写机关代字"),
        )
        .finish(),
        // 延期申请: the liaison's request (one is open already: every case is refused on its
        // fields first), the office's decision on the open one.
        "/tasks/{code}/extensions" => {
            let over = long(2001);
            Table::new(
                Who::Liaison,
                format!("/tasks/{}/extensions", w.extension_task),
                &[
                    ("requested_date", "2023-03-31"),
                    ("reason", "需会同地方部署"),
                ],
            )
            .with(
                "a date that is no date",
                &[("requested_date", Some("2022-02-30"))],
                422,
                Beside("e-requested_date", "日期格式应为 2022-10-31"),
            )
            .with(
                "a date of five digits",
                &[("requested_date", Some("99999-01-01"))],
                422,
                Beside("e-requested_date", "日期格式应为 2022-10-31"),
            )
            .with(
                "a date before the deadline",
                &[("requested_date", Some("2022-09-01"))],
                422,
                Beside(
                    "e-requested_date",
                    "延期后的日期应晚于现在的时限（2022年9月30日）",
                ),
            )
            .with(
                "no date",
                &[("requested_date", None)],
                422,
                Beside("e-requested_date", "日期格式应为"),
            )
            .with(
                "a blank reason",
                &[("reason", Some("   "))],
                422,
                Beside("e-reason", "请填写申请理由"),
            )
            .with(
                "an over-long reason",
                &[("reason", Some(&over))],
                422,
                Beside("e-reason", "申请理由不能超过2000字"),
            )
            .with(
                "a checkpoint that is text",
                &[("checkpoint", Some("第一个"))],
                422,
                Beside("e-checkpoint", "请从列出的节点中选择"),
            )
            .with(
                "a checkpoint of a task without any",
                &[("checkpoint", Some("0"))],
                422,
                Beside("e-checkpoint", "该任务没有分阶段的节点"),
            )
            .with(
                "another unit's id",
                &[("unit", Some("999999"))],
                403,
                Page("无权"),
            )
            .at(
                "a task the plan does not have",
                "/tasks/9.9.9/extensions".into(),
                404,
                Page("没有编号为“9.9.9”的任务"),
            )
            .finish()
        }
        "/extensions/{id}/decision" => {
            let over = long(2001);
            Table::new(
                Who::Office,
                format!("/extensions/{}/decision", w.extension),
                &[
                    ("version", "1"),
                    ("decision", "approve"),
                    ("date", ""),
                    ("reason", "同意"),
                ],
            )
            .with(
                "no decision",
                &[("decision", None)],
                422,
                Beside("e-decision", "请选择批准或不予批准"),
            )
            .with(
                "a decision not in the list",
                &[("decision", Some("maybe"))],
                422,
                Beside("e-decision", "请选择批准或不予批准"),
            )
            .with(
                "a blank reason",
                &[("reason", Some(""))],
                422,
                Beside("e-reason", "请填写审批意见"),
            )
            .with(
                "an over-long reason",
                &[("reason", Some(&over))],
                422,
                Beside("e-reason", "审批意见不能超过2000字"),
            )
            .with(
                "a date that is no date",
                &[("date", Some("2022-13-01"))],
                422,
                Beside("e-date", "日期格式应为"),
            )
            .with(
                "a date before the deadline",
                &[("date", Some("2022-09-01"))],
                422,
                Beside("e-date", "延期后的日期应晚于现在的时限"),
            )
            .with(
                "a version that is text",
                &[("version", Some("one"))],
                400,
                Page("审批表单无效"),
            )
            .with(
                "a version beyond i32",
                &[("version", Some(I64_OVERFLOW))],
                400,
                Page("审批表单无效"),
            )
            .with(
                "an old version",
                &[("version", Some("0"))],
                409,
                Beside("e-form", "该延期申请已被他人修改"),
            )
            .at(
                "an id that is text",
                "/extensions/abc/decision".into(),
                404,
                Page("找不到该延期申请"),
            )
            .at(
                "an id over i64",
                format!("/extensions/{I64_OVERFLOW}/decision"),
                404,
                Page("找不到该延期申请"),
            )
            .at(
                "no such request",
                "/extensions/999999/decision".into(),
                404,
                Page("找不到该延期申请"),
            )
            .finish()
        }
        // 签收 and 申诉: 公安部 has contested the task already, so every case is refused on its
        // fields first (and a valid one on the once-only rule); the office's decision on it;
        // the plan's window.
        "/tasks/{code}/acknowledgement" => {
            let unit = w.unit_a.to_string();
            Table::new(
                Who::Liaison,
                format!("/tasks/{}/acknowledgement", w.extension_task),
                &[
                    ("unit", &unit),
                    ("answer", "contest"),
                    ("kind", "wording"),
                    ("reason", "表述需调整"),
                ],
            )
            .with(
                "no answer",
                &[("answer", None)],
                422,
                Beside("e-answer", "请选择签收或申诉"),
            )
            .with(
                "an answer not in the list",
                &[("answer", Some("maybe"))],
                422,
                Beside("e-answer", "请选择签收或申诉"),
            )
            .with(
                "an unknown kind",
                &[("kind", Some("other"))],
                422,
                Beside("e-kind", "请选择申诉类别"),
            )
            .with(
                "a blank reason",
                &[("reason", Some("  "))],
                422,
                Beside("e-reason", "请填写申诉理由"),
            )
            .with(
                "an over-long reason",
                &[("reason", Some(&long(2001)))],
                422,
                Beside("e-reason", "申诉理由不能超过2000字"),
            )
            .with(
                "answered already",
                &[("answer", Some("accept"))],
                409,
                Beside("e-form", "该单位已对本任务的分工签收或申诉，不能再次提交"),
            )
            .with(
                "another unit",
                &[("unit", Some(&w.unit_b.to_string()))],
                403,
                Page("无权"),
            )
            .at(
                "a task the plan does not have",
                "/tasks/9.9.9/acknowledgement".into(),
                404,
                Page("没有编号为“9.9.9”的任务"),
            )
            .finish()
        }
        "/acknowledgements/{id}/decision" => Table::new(
            Who::Office,
            format!("/acknowledgements/{}/decision", w.contest),
            &[("version", "1"), ("decision", "keep"), ("reason", "维持")],
        )
        .with(
            "no decision",
            &[("decision", None)],
            422,
            Beside("e-decision", "请选择维持原分工、调整职责或移除该单位"),
        )
        .with(
            "a decision not in the list",
            &[("decision", Some("drop"))],
            422,
            Beside("e-decision", "请选择维持原分工"),
        )
        .with(
            "a blank reason",
            &[("reason", Some(""))],
            422,
            Beside("e-reason", "请填写处理意见"),
        )
        .with(
            "an over-long reason",
            &[("reason", Some(&long(2001)))],
            422,
            Beside("e-reason", "处理意见不能超过2000字"),
        )
        .with(
            "an old version",
            &[("version", Some("0"))],
            409,
            Beside("e-form", "该申诉已被他人处理"),
        )
        .with(
            "a version that is text",
            &[("version", Some("one"))],
            400,
            Page("表单无效"),
        )
        .at(
            "an id that is text",
            "/acknowledgements/abc/decision".into(),
            404,
            Page("找不到该申诉"),
        )
        .at(
            "no such contest",
            "/acknowledgements/999999/decision".into(),
            404,
            Page("找不到该申诉"),
        )
        .finish(),
        "/reports/{id}/sign-off" => Table::new(
            Who::UnitHead,
            format!("/reports/{}/sign-off", w.signing),
            &[
                ("version", &w.signing_version.to_string()),
                ("decision", "return"),
                ("reason", "请补充数据"),
            ],
        )
        .with(
            "no decision",
            &[("decision", None)],
            422,
            Beside("e-decision", "请选择签发或退回"),
        )
        .with(
            "a decision not in the list",
            &[("decision", Some("accept"))],
            422,
            Beside("e-decision", "请选择签发或退回"),
        )
        .with(
            "a return without a reason",
            &[("reason", ws)],
            422,
            Beside("e-reason", "退回时请写明理由"),
        )
        .with(
            "an over-long reason",
            &[("reason", Some(&long(1001)))],
            422,
            Beside("e-reason", "退回理由不能超过 1000 字"),
        )
        .with(
            "an old version",
            &[("version", Some("0"))],
            409,
            Beside("e-decision", "内容已被他人修改"),
        )
        .with(
            "a version that is text",
            &[("version", Some("one"))],
            400,
            Page("表单缺少版本号"),
        )
        .at(
            "an id that is text",
            "/reports/abc/sign-off".into(),
            404,
            Page("找不到该报告"),
        )
        .at(
            "no such report",
            "/reports/999999/sign-off".into(),
            404,
            Page("找不到该报告"),
        )
        .finish(),
        "/units/{id}/sign-off" => Table::new(
            Who::Office,
            format!("/units/{}/sign-off", w.unit_b),
            &[("sign_off", "0")],
        )
        .with(
            "on for a unit without a head",
            &[("sign_off", Some("1"))],
            422,
            Beside("e-sign_off", "该单位还没有启用的单位负责人账户"),
        )
        .with(
            "a value not in the list",
            &[("sign_off", Some("yes"))],
            400,
            Page("请选择是否须经单位负责人签发"),
        )
        .at(
            "an id that is text",
            "/units/abc/sign-off".into(),
            404,
            Page("找不到该单位"),
        )
        .at(
            "no such unit",
            "/units/999999/sign-off".into(),
            404,
            Page("找不到该单位"),
        )
        .finish(),
        "/plans/{id}/matches/{code}" => {
            let version = crate::common::probe::number(
                &w.pool,
                &format!(
                    "INSERT INTO task_matches (task_id, label)
                     SELECT id, 'new' FROM tasks WHERE plan_id = {} AND code = '3.2.3'
                     ON CONFLICT (task_id) DO UPDATE SET state = 'proposed'
                     RETURNING version::bigint",
                    w.plan_id
                ),
            )
            .await
            .to_string();
            Table::new(
                Who::Office,
                format!("/plans/{}/matches/3.2.3", w.plan_id),
                &[
                    ("decision", "reject"),
                    ("previous", ""),
                    ("version", &version),
                ],
            )
            .with(
                "no decision",
                &[("decision", None)],
                422,
                Beside("e-decision", "请选择确认、不是延续或改选上年任务"),
            )
            .with(
                "a decision not in the list",
                &[("decision", Some("drop"))],
                422,
                Beside("e-decision", "请选择确认、不是延续或改选上年任务"),
            )
            .with(
                "a pick without a code",
                &[("decision", Some("pick")), ("previous", ws)],
                422,
                Beside("e-previous", "改选时请填写上年任务的编号"),
            )
            .with(
                "a pick with no plan of the year before",
                &[("decision", Some("pick")), ("previous", Some("1.1.1"))],
                404,
                Page("没有上一年度的工作要点"),
            )
            .with(
                "an old version",
                &[("version", Some("0"))],
                409,
                Beside("e-decision", "比对结果已被他人审核"),
            )
            .with(
                "a version that is text",
                &[("version", Some("one"))],
                400,
                Page("表单无效"),
            )
            .at(
                "a task without a match",
                format!("/plans/{}/matches/1.1.1", w.plan_id),
                404,
                Page("该任务没有与上年比对的结果"),
            )
            .at(
                "no such task",
                format!("/plans/{}/matches/9.9.9", w.plan_id),
                404,
                Page("本工作要点中没有该任务"),
            )
            .at(
                "no such plan",
                "/plans/999999/matches/3.2.3".into(),
                404,
                Page("找不到编号为 999999 的工作要点"),
            )
            .finish()
        }
        "/tasks/{code}/milestones" => {
            let version = w.task_version("3.1.1").await;
            let a = w.unit_a.to_string();
            Table::new(
                Who::Office,
                "/tasks/3.1.1/milestones",
                &[
                    ("unit", &a),
                    ("output", "完成调研"),
                    ("due", "2022-09-30"),
                    ("weight", ""),
                    ("version", &version),
                ],
            )
            .with(
                "no unit",
                &[("unit", None)],
                422,
                Beside("e-unit", "请选择本任务的一个责任单位"),
            )
            .with(
                "a unit not on the task",
                &[("unit", Some("999999"))],
                422,
                Beside("e-unit", "请选择本任务的一个责任单位"),
            )
            .with(
                "a blank output",
                &[("output", ws)],
                422,
                Beside("e-output", "请填写预期成果"),
            )
            .with(
                "an over-long output",
                &[("output", Some(&long(501)))],
                422,
                Beside("e-output", "预期成果不能超过500字"),
            )
            .with(
                "2022-02-30",
                &[("due", Some("2022-02-30"))],
                422,
                Beside("e-due", "完成时间格式应为 YYYY-MM-DD"),
            )
            .with(
                "a date years away",
                &[("due", Some("2030-01-01"))],
                422,
                Beside("e-due", "完成时间应在2022年或2023年内"),
            )
            .with(
                "a weight of 0",
                &[("weight", Some("0"))],
                422,
                Beside("e-weight", "权重应为 1 至 100 的整数"),
            )
            .with(
                "an old version",
                &[("version", Some("0"))],
                409,
                Beside("e-form", "任务已被他人修改"),
            )
            .with(
                "a version that is text",
                &[("version", Some("one"))],
                400,
                Page("表单无效"),
            )
            .at(
                "no such task",
                "/tasks/9.9.9/milestones".into(),
                404,
                Page("本工作要点中没有该任务"),
            )
            .finish()
        }
        "/milestones/{id}" => Table::new(
            Who::Office,
            format!("/milestones/{}", w.milestone),
            &[("action", "done"), ("version", "1")],
        )
        .with("no action", &[("action", None)], 400, Page("表单无效"))
        .with(
            "an action not in the list",
            &[("action", Some("close"))],
            400,
            Page("表单无效"),
        )
        .with(
            "an old version",
            &[("version", Some("0"))],
            409,
            Beside("e-form", "该里程碑已被他人修改"),
        )
        .at(
            "an id that is text",
            "/milestones/abc".into(),
            404,
            Page("找不到该里程碑"),
        )
        .at(
            "no such milestone",
            "/milestones/999999".into(),
            404,
            Page("找不到该里程碑"),
        )
        .finish(),
        "/plans/{id}/acknowledge-days" => Table::new(
            Who::Office,
            format!("/plans/{}/acknowledge-days", w.plan_id),
            &[("acknowledge_days", "10")],
        )
        .with(
            "zero days",
            &[("acknowledge_days", Some("0"))],
            422,
            Beside("e-acknowledge_days", "签收期限应为 1 至 90 之间的天数"),
        )
        .with(
            "a year",
            &[("acknowledge_days", Some("365"))],
            422,
            Beside("e-acknowledge_days", "签收期限应为 1 至 90"),
        )
        .with(
            "words",
            &[("acknowledge_days", Some("十天"))],
            422,
            Beside("e-acknowledge_days", "签收期限应为 1 至 90"),
        )
        .with(
            "none",
            &[("acknowledge_days", None)],
            422,
            Beside("e-acknowledge_days", "签收期限应为 1 至 90"),
        )
        .at(
            "no such plan",
            "/plans/999999/acknowledge-days".into(),
            404,
            Page("工作要点"),
        )
        .finish(),
        // 领导批示: the leader's instruction on a task, a unit's answer, the office's relay,
        // sending back and closing; none of them may write anything on a refusal.
        "/tasks/{code}/instructions" => Table::new(
            Who::Leader,
            format!("/tasks/{}/instructions", w.extension_task),
            &[("text", "请抓紧推进"), ("answer_by", "2022-10-31")],
        )
        .with(
            "a blank text",
            &[("text", Some("  "))],
            422,
            Beside("e-text", "请填写批示内容"),
        )
        .with(
            "no text",
            &[("text", None)],
            422,
            Beside("e-text", "请填写批示内容"),
        )
        .with(
            "an over-long text",
            &[("text", Some(&long(2001)))],
            422,
            Beside("e-text", "批示内容不能超过2000字"),
        )
        .with(
            "a date that is no date",
            &[("answer_by", Some("2022-02-30"))],
            422,
            Beside("e-answer_by", "日期格式应为 2022-10-31"),
        )
        .with(
            "a date already past",
            &[("answer_by", Some("2022-01-01"))],
            422,
            Beside("e-answer_by", "答复期限不能早于今天"),
        )
        .with(
            "a report that is text",
            &[("report", Some("第一份"))],
            422,
            Beside("e-report", "该报告不属于本任务"),
        )
        .with(
            "a report of another task",
            &[("report", Some(&w.submitted.to_string()))],
            422,
            Beside("e-report", "该报告不属于本任务"),
        )
        .at(
            "a task the plan does not have",
            "/tasks/9.9.9/instructions".into(),
            404,
            Page("没有编号为“9.9.9”的任务"),
        )
        .finish(),
        "/instructions/{id}/answer" => {
            let unit = w.unit_a.to_string();
            Table::new(
                Who::Liaison,
                format!("/instructions/{}/answer", w.instruction),
                &[("unit", &unit), ("version", "1"), ("text", "已落实")],
            )
            .with(
                "a blank answer",
                &[("text", Some(" "))],
                422,
                Beside("e-answer", "请填写答复内容"),
            )
            .with(
                "an over-long answer",
                &[("text", Some(&long(4001)))],
                422,
                Beside("e-answer", "答复内容不能超过4000字"),
            )
            .with(
                "a version that is text",
                &[("version", Some("one"))],
                400,
                Page("表单无效"),
            )
            .with(
                "an old version",
                &[("version", Some("0"))],
                409,
                Beside("e-form", "这件批示已被他人办理"),
            )
            .with(
                "a unit that is text",
                &[("unit", Some("公安"))],
                400,
                Page("表单无效"),
            )
            .with(
                "another unit",
                &[("unit", Some(&w.unit_b.to_string()))],
                403,
                Page("无权"),
            )
            .at(
                "an id that is text",
                "/instructions/abc/answer".into(),
                404,
                Page("找不到该批示"),
            )
            .at(
                "an id over i64",
                format!("/instructions/{I64_OVERFLOW}/answer"),
                404,
                Page("找不到该批示"),
            )
            .at(
                "no such instruction",
                "/instructions/999999/answer".into(),
                404,
                Page("找不到该批示"),
            )
            .finish()
        }
        "/instructions/{id}/relay" => {
            let unit = w.unit_a.to_string();
            Table::new(
                Who::Office,
                format!("/instructions/{}/relay", w.instruction),
                &[("version", "1"), ("unit", &unit), ("note", "")],
            )
            .with(
                "no unit",
                &[("unit", None)],
                422,
                Beside("e-units", "请至少选择一个承办单位"),
            )
            .with(
                "a unit that does not exist",
                &[("unit", Some("999999"))],
                422,
                Beside("e-units", "所选单位不存在"),
            )
            .with(
                "a unit that is text",
                &[("unit", Some("公安"))],
                400,
                Page("表单无效"),
            )
            .with(
                "an over-long note",
                &[("note", Some(&long(2001)))],
                422,
                Beside("e-note", "转办意见不能超过2000字"),
            )
            .with(
                "an old version",
                &[("version", Some("0"))],
                409,
                Beside("e-form", "这件批示已被他人办理"),
            )
            .with(
                "a version beyond i32",
                &[("version", Some(I64_OVERFLOW))],
                400,
                Page("表单无效"),
            )
            .at(
                "no such instruction",
                "/instructions/999999/relay".into(),
                404,
                Page("找不到该批示"),
            )
            .finish()
        }
        "/instructions/{id}/send-back" => {
            let unit = w.unit_a.to_string();
            Table::new(
                Who::Office,
                format!("/instructions/{}/send-back", w.answered_instruction),
                &[("unit", &unit), ("version", "2"), ("text", "请补充")],
            )
            .with(
                "a blank reason",
                &[("text", Some(""))],
                422,
                Beside("e-reason", "请填写退回理由"),
            )
            .with(
                "an over-long reason",
                &[("text", Some(&long(2001)))],
                422,
                Beside("e-reason", "退回理由不能超过2000字"),
            )
            .with(
                "an old version",
                &[("version", Some("1"))],
                409,
                Beside("e-form", "这件批示已被他人办理"),
            )
            .with(
                "a unit it was not relayed to",
                &[("unit", Some(&w.unit_b.to_string()))],
                404,
                Page("没有转给该单位办理"),
            )
            .at(
                "an id that is text",
                "/instructions/abc/send-back".into(),
                404,
                Page("找不到该批示"),
            )
            .finish()
        }
        "/instructions/{id}/close" => Table::new(
            Who::Office,
            format!("/instructions/{}/close", w.instruction),
            &[("version", "1"), ("note", "予以办结")],
        )
        .with(
            "a blank note",
            &[("note", Some(" "))],
            422,
            Beside("e-note", "请填写办结意见"),
        )
        .with(
            "an over-long note",
            &[("note", Some(&long(2001)))],
            422,
            Beside("e-note", "办结意见不能超过2000字"),
        )
        .with(
            "an old version",
            &[("version", Some("0"))],
            409,
            Beside("e-form", "这件批示已被他人办理"),
        )
        .with("no version", &[("version", None)], 400, Page("表单无效"))
        .at(
            "no such instruction",
            "/instructions/999999/close".into(),
            404,
            Page("找不到该批示"),
        )
        .finish(),
        "/urges/{id}/ack" => Table::bodiless(Who::Liaison, "")
            .at(
                "an id that is text",
                "/urges/abc/ack".into(),
                404,
                Page("该条催办"),
            )
            .at(
                "an id over i64",
                format!("/urges/{I64_OVERFLOW}/ack"),
                404,
                Page("该条催办"),
            )
            .at(
                "a negative id",
                "/urges/-1/ack".into(),
                404,
                Page("该条催办"),
            )
            .finish(),
        "/my/upload" => {
            let case = |name: &str, ct: &str, body: &[u8], status: u16, e: Expect| {
                Case::new(name, Who::Liaison, Method::POST, "/my/upload")
                    .body(ct, body.to_vec())
                    .expect(status, e)
            };
            vec![
                case("a url-encoded form", FORM, b"file=t.xlsx", 400, Page("网址或提交的内容无效")),
                case("a body that is not multipart", "multipart/form-data; boundary=B", b"\x00\xFF", 400, Page("上传的内容无效")),
                case("multipart with no file", "multipart/form-data; boundary=B", b"--B\r\nContent-Disposition: form-data; name=\"period\"\r\n\r\n2022-Q2\r\n--B--\r\n", 422, Beside("upload-error", "请选择要上传的 Excel 文件")),
                case("an unknown period", "multipart/form-data; boundary=B", b"--B\r\nContent-Disposition: form-data; name=\"period\"\r\n\r\n2099-Q1\r\n--B--\r\n", 404, Page("没有需要报送的任务")),
                case("a plan that is text", "multipart/form-data; boundary=B", b"--B\r\nContent-Disposition: form-data; name=\"plan\"\r\n\r\nabc\r\n--B--\r\n", 400, Page("工作要点编号“abc”无效")),
                case("a plan that is not UTF-8", "multipart/form-data; boundary=B", b"--B\r\nContent-Disposition: form-data; name=\"plan\"\r\n\r\n\xFF\xFE\r\n--B--\r\n", 400, Page("上传的内容无效")),
                case("a period that is not UTF-8", "multipart/form-data; boundary=B", b"--B\r\nContent-Disposition: form-data; name=\"period\"\r\n\r\n2022-Q\xC3\r\n--B--\r\n", 400, Page("上传的内容无效")),
            ]
        }
        // 全部提交: the drafts an import listed; an id that is not the unit's is passed over.
        "/my/upload/submit" => Table::new(
            Who::Liaison,
            "/my/upload/submit",
            &[("drafts", "999999999:1")],
        )
        .with(
            "no drafts",
            &[("drafts", None)],
            400,
            Page("没有要提交的草稿"),
        )
        .with(
            "a draft that is not id:version",
            &[("drafts", Some("1;1"))],
            400,
            Page("没有要提交的草稿"),
        )
        .with(
            "a version past i32",
            &[("drafts", Some("1:9223372036854775808"))],
            400,
            Page("没有要提交的草稿"),
        )
        .finish(),
        "/my/upload/confirm" => Table::bodiless(Who::Liaison, "")
            .at(
                "nothing uploaded",
                "/my/upload/confirm".into(),
                400,
                Page("没有待确认的上传内容"),
            )
            .finish(),
        _ => return None,
    })
}

/// Cases shared by the two report forms (new and edit).
fn report_cases(t: Table, ws: Option<&str>, over: &str) -> Table {
    t.with(
        "an unknown status",
        &[("status", Some("finished"))],
        422,
        Beside("e-status", "请选择进展状态"),
    )
    .with(
        "a status in capitals",
        &[("status", Some("DONE"))],
        422,
        Beside("e-status", "请选择进展状态"),
    )
    .with(
        "an unknown assessment",
        &[("self_assessment", Some("excellent"))],
        422,
        Beside("e-self_assessment", "请选择自评"),
    )
    .with(
        "no work done",
        &[("work_done", None)],
        422,
        Beside("e-work_done", "请填写工作进展及成效"),
    )
    .with(
        "blank work done",
        &[("work_done", ws)],
        422,
        Beside("e-work_done", "请填写工作进展及成效"),
    )
    .with(
        "over-long work done",
        &[("work_done", Some(over))],
        422,
        Beside("e-work_done", "工作进展及成效不能超过 5000 字"),
    )
    .with(
        "over-long problems",
        &[("problems", Some(over))],
        422,
        Beside("e-problems", "存在问题不能超过 5000 字"),
    )
    .with(
        "over-long next steps",
        &[("next_steps", Some(over))],
        422,
        Beside("e-next_steps", "下一步计划不能超过 5000 字"),
    )
    .with(
        "an over-long coordination request",
        &[("coordination", Some(over))],
        422,
        Beside("e-coordination", "第 1 项需协调事项超过"),
    )
    .with(
        "too many coordination requests",
        &[("coordination", Some(&"请协调\n".repeat(50)))],
        422,
        Beside("e-coordination", "需协调事项不能超过"),
    )
}

/// Every POST route has a table of hostile cases; each gets its exact refusal.
#[sqlx::test(migrator = "duban::db::MIGRATOR")]
async fn every_form_refuses_bad_input_exactly(pool: PgPool) {
    let w = World::new(pool.clone()).await;
    let mut cases = Vec::new();
    let mut missing = Vec::new();
    for r in route_list(&AppState::new(pool)) {
        if r.method == Method::GET || r.path.starts_with("/api/") {
            continue;
        }
        match table(&w, &r.path).await {
            Some(c) => cases.extend(c),
            None => missing.push(format!("{} {}", r.method, r.path)),
        }
    }
    assert!(
        missing.is_empty(),
        "no hostile table for: {}; add one in tests/it/hostile/forms.rs",
        missing.join(", ")
    );
    let n = run(&w, &cases).await;
    assert!(n > 300, "suspiciously few cases: {n}");
    let documents = crate::common::probe::count(&w.pool, "documents").await;
    assert_eq!(documents, 0, "a refused form numbered a document");
    let pending = crate::common::probe::number(
        &w.pool,
        "SELECT count(*) FROM extension_requests WHERE state = 'pending' AND version = 1",
    )
    .await;
    assert_eq!(pending, 1, "a refused form asked or decided an extension");
    let untouched = crate::common::probe::number(
        &w.pool,
        &format!(
            "SELECT count(*) FROM instructions i JOIN instruction_units iu ON iu.instruction_id = i.id
              WHERE i.version = 1 AND i.state = 'relayed'
                AND ((i.id = {} AND iu.version = 1 AND iu.answered_at IS NULL)
                  OR (i.id = {} AND iu.version = 2 AND iu.answered_at IS NOT NULL))",
            w.instruction, w.answered_instruction
        ),
    )
    .await;
    let contests = crate::common::probe::number(
        &w.pool,
        "SELECT count(*) FROM assignment_acknowledgements WHERE version = 1 AND decided_at IS NULL",
    )
    .await;
    assert_eq!(
        contests, 1,
        "a refused form answered or decided an assignment"
    );
    let days =
        crate::common::probe::number(&w.pool, "SELECT min(acknowledge_days)::bigint FROM plans")
            .await;
    assert_eq!(days, 10, "a refused form set the window");
    let written = crate::common::probe::count(&w.pool, "instructions").await;
    assert_eq!(
        (written, untouched),
        (2, 2),
        "a refused form wrote, relayed, answered, sent back or closed an instruction"
    );
    let milestones = crate::common::probe::number(
        &w.pool,
        "SELECT count(*) FROM milestones WHERE done_on IS NULL AND version = 1",
    )
    .await;
    assert_eq!(
        (
            milestones,
            crate::common::probe::count(&w.pool, "milestones").await
        ),
        (1, 1),
        "a refused form added, finished or removed a milestone"
    );
    let signing = crate::common::probe::number(
        &w.pool,
        "SELECT count(*) FROM report_sign_offs WHERE decided_at IS NULL",
    )
    .await;
    let sign_offs = crate::common::probe::count(&w.pool, "report_sign_offs").await;
    let switched =
        crate::common::probe::number(&w.pool, "SELECT count(*) FROM units WHERE sign_off").await;
    assert_eq!(
        (signing, sign_offs, switched),
        (1, 1, 0),
        "a refused form signed a report off or switched a unit's sign-off"
    );
    super::record("every_form", n);
}

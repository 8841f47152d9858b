//! Form handling: an extractor whose rejection is a Chinese 400 page, and the messages shown
//! beside each field. Input is refused here, where it enters: bytes that are not UTF-8, and
//! control characters (U+0000, which PostgreSQL cannot store, and the rest of C0) in any field
//! but the free texts, whose own rules refuse them beside the field.

use super::AppError;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// `application/x-www-form-urlencoded` body; malformed bodies get a 400 page.
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let req = Request::from_parts(parts.clone(), body);
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::TooLarge
                } else {
                    AppError::BadRequest("提交的表单内容无效，请返回重新填写。".into())
                }
            })?;
        // serde_urlencoded would put U+FFFD in place of bad bytes and store it; refuse instead.
        if !decodes_to_utf8(&bytes) {
            return Err(AppError::BadRequest(
                "提交的内容含有无效的字符（不是 UTF-8 文字），请返回重新填写。".into(),
            ));
        }
        if let Some(field) = field_with_control(&bytes) {
            return Err(control_refusal(&field));
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(v)| Form(v))
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::TooLarge
                } else {
                    AppError::BadRequest("提交的表单内容无效，请返回重新填写。".into())
                }
            })
    }
}

/// `raw` with its percent-escapes decoded (and `+` as a blank when `plus` is set, as in
/// forms); `None` when an escape is malformed.
fn percent_decode(raw: &[u8], plus: bool) -> Option<Vec<u8>> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'%' => {
                let h = raw.get(i + 1).and_then(|b| hex(*b))?;
                let l = raw.get(i + 2).and_then(|b| hex(*b))?;
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(out)
}

/// Whether `raw` (a query string or a form body) is UTF-8 once its percent-escapes are decoded.
pub fn decodes_to_utf8(raw: &[u8]) -> bool {
    percent_decode(raw, false).is_some_and(|b| std::str::from_utf8(&b).is_ok())
}

/// What is wrong with a part of an address (the path, the query string), if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressFault {
    /// A malformed escape, or bytes that are not UTF-8.
    NotUtf8,
    /// A control character (`%00`, `%0A`…): no address names anything with one.
    Control,
}

impl AddressFault {
    /// The page's (or the API's) message for this fault in the path or in the query.
    pub fn message(self, in_query: bool) -> &'static str {
        match (self, in_query) {
            (AddressFault::NotUtf8, false) => "请求有误：网址中含有无效的字符。",
            (AddressFault::NotUtf8, true) => "网址中的查询参数无效：含有无效的字符。",
            (AddressFault::Control, false) => "请求有误：网址中含有不可见的控制字符（如 NUL）。",
            (AddressFault::Control, true) => {
                "网址中的查询参数无效：含有不可见的控制字符（如 NUL）。"
            }
        }
    }
}

/// The fault of `raw`, a path or a query string as sent, once its escapes are decoded.
pub fn address_fault(raw: &str) -> Option<AddressFault> {
    let decoded = percent_decode(raw.as_bytes(), false).ok_or(AddressFault::NotUtf8);
    match decoded.as_deref().map(std::str::from_utf8) {
        Err(f) => Some(*f),
        Ok(Err(_)) => Some(AddressFault::NotUtf8),
        Ok(Ok(s)) if crate::rules::input::has_any_control(s) => Some(AddressFault::Control),
        Ok(Ok(_)) => None,
    }
}

/// Free texts (text areas, names): their rules refuse a control character with the message
/// beside the field and what was typed kept; in every other field the extractor refuses it.
const FREE_TEXT: &[&str] = &[
    "work_done",
    "problems",
    "next_steps",
    "coordination",
    "closing_note",
    "message",
    "answer",
    "reason",
    "display_name",
    "short_name",
    "full_name",
    "checkpoints",
];

/// The first field of a url-encoded body (not a free text) whose name or value holds a
/// control character; tab and line breaks are allowed in values, which text areas send.
fn field_with_control(body: &[u8]) -> Option<String> {
    use crate::rules::input::{control_char, has_any_control};
    for pair in body.split(|b| *b == b'&') {
        let mut kv = pair.splitn(2, |b| *b == b'=');
        let decode = |raw: Option<&[u8]>| {
            percent_decode(raw.unwrap_or_default(), true)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        };
        let name = decode(kv.next());
        let value = decode(kv.next());
        if has_any_control(&name) {
            return Some(String::new());
        }
        if !FREE_TEXT.contains(&name.as_str()) && control_char(&value).is_some() {
            return Some(name);
        }
    }
    None
}

/// A field of a multipart form, as [`Form`] checks a url-encoded one: a control character in
/// its name, or in its value where the field is not a free text, is refused.
pub fn check_multipart_field(name: &str, value: &str) -> Result<(), AppError> {
    use crate::rules::input::{control_char, has_any_control};
    if has_any_control(name) {
        return Err(control_refusal(""));
    }
    if !FREE_TEXT.contains(&name) && control_char(value).is_some() {
        return Err(control_refusal(name));
    }
    Ok(())
}

/// The field's name in the interface, for a refusal that cannot be shown beside it.
fn field_label(field: &str) -> &str {
    match field {
        "" => "字段名",
        "login" => "登录名",
        "password" => "密码",
        "current_password" => "当前密码",
        "new_password" => "新密码",
        "confirm_password" => "确认新密码",
        "version" => "版本号",
        "plan" => "工作要点",
        "unit" | "add_unit" => "单位",
        "role" | "add_role" => "职责",
        "period" => "报送期次",
        "status" => "进展状态",
        "self_assessment" => "自评",
        "office_assessment" => "办公室评估",
        "decision" => "审核意见",
        "action" => "操作",
        "deadline_kind" => "时限类型",
        "deadline_date" => "完成日期",
        "cycle" => "报送周期",
        "due_days" => "报送期限",
        "task" => "任务",
        "back" => "返回地址",
        "next" => "登录后前往的地址",
        "active" => "启用或停用",
        f if f.starts_with("role_") => "职责",
        f => f,
    }
}

/// 422 naming the field: a control character where no form puts one.
fn control_refusal(field: &str) -> AppError {
    AppError::Unprocessable {
        field: field.to_string(),
        message: format!(
            "“{}”中含有不可见的控制字符（如 NUL），请删除后重新提交。",
            field_label(field)
        ),
    }
}

/// Messages keyed by field name; a template asks `errors.get("login")`.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(HashMap<&'static str, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Faults `(field, message)` as a workflow gives them, each beside its field.
    pub fn of(faults: Vec<(&'static str, String)>) -> Self {
        let mut e = FieldErrors::default();
        for (field, message) in faults {
            e.add(field, message);
        }
        e
    }

    pub fn single(field: &'static str, message: impl Into<String>) -> Self {
        let mut e = FieldErrors::default();
        e.add(field, message);
        e
    }
}

/// A field a form may leave out: `None` when it was not sent, which means “unchanged”, never
/// “empty”. Shown as its text (nothing when not sent).
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Sent(pub Option<String>);

impl Sent {
    pub fn of(s: impl Into<String>) -> Sent {
        Sent(Some(s.into()))
    }

    pub fn text(&self) -> &str {
        self.0.as_deref().unwrap_or_default()
    }

    pub fn unsent(&self) -> bool {
        self.0.is_none()
    }
}

impl std::fmt::Display for Sent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

/// A step of the rounds refused, as the page it came from shows it again: faults beside their
/// fields (422), a conflict above the form under `conflict_at` (409); anything else answers
/// as an error page.
pub fn shown_again(
    e: crate::workflows::refusal::Refusal,
    conflict_at: &'static str,
) -> Result<(FieldErrors, axum::http::StatusCode), super::AppError> {
    use crate::workflows::refusal::Refusal;
    use axum::http::StatusCode;
    match e {
        Refusal::Fields(f) => Ok((FieldErrors::of(f), StatusCode::UNPROCESSABLE_ENTITY)),
        Refusal::Conflict(m) => Ok((FieldErrors::single(conflict_at, m), StatusCode::CONFLICT)),
        e => Err(e.into()),
    }
}

//! JSON API, version 1, for callers holding an API token: reads of plans, tasks and reports,
//! and filing a report for one's unit.

mod acknowledgements;
mod addresses;
pub mod doc;
mod editions;
pub mod extensions;
mod fields;
mod instruction_steps;
mod instructions;
mod notifications;
mod plans;
mod reports;
mod sign_offs;
mod tasks;

/// API routes anyone may read, without a token: the description of the interface itself.
pub fn public_routes() -> super::Routes {
    super::Routes::default().get("/openapi.json", doc::openapi_json)
}

/// Every API route that needs a token (the guard is applied by `web::routes`).
pub fn routes() -> super::Routes {
    super::Routes::default()
        .get("/plans", plans::list)
        .get("/plans/{id}/tasks", plans::tasks)
        .get("/plans/{id}/tasks/{code}/reports", reports::list)
        .post("/plans/{id}/tasks/{code}/reports", reports::create)
        .post("/reports/{id}/sign-off", sign_offs::decide)
        .post("/plans/{id}/tasks/{code}/extensions", extensions::request)
        .post("/extensions/{id}/decision", extensions::decide)
        .post("/plans/{id}/tasks/{code}/instructions", instructions::write)
        .post(
            "/plans/{id}/tasks/{code}/acknowledgement",
            acknowledgements::answer,
        )
        .get("/instructions", instructions::list)
        .post("/instructions/{id}/answer", instruction_steps::answer)
        .get("/notifications", notifications::list)
        .post("/notifications/{id}/read", notifications::read)
}

/// API routes for office tokens only (the guard is applied by `web::routes`).
pub fn office_routes() -> super::Routes {
    super::Routes::default()
        .patch("/plans/{id}/tasks/{code}", tasks::patch)
        .post("/plans/{id}/editions", editions::issue)
        .post("/instructions/{id}/relay", instruction_steps::relay)
        .post("/instructions/{id}/send-back", instruction_steps::send_back)
        .post("/instructions/{id}/close", instruction_steps::close)
        .post("/acknowledgements/{id}/decision", acknowledgements::decide)
}

/// A JSON body that must be an object: 400 when it is not JSON or not an object; 422 naming
/// the first field whose text (or name) holds a control character (tab and line breaks aside),
/// refused here for every body since PostgreSQL cannot store U+0000.
pub fn json_object(
    body: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, super::ApiError> {
    use super::{ApiError, AppError};
    let body: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| ApiError(AppError::BadRequest("请求体不是有效的 JSON".into())))?;
    let serde_json::Value::Object(obj) = body else {
        return Err(ApiError(AppError::BadRequest(
            "请求体应为 JSON 对象".into(),
        )));
    };
    for (k, v) in &obj {
        if let Some(field) = control_in(k, v) {
            return Err(ApiError(AppError::Unprocessable {
                message: format!("“{field}”中含有不可见的控制字符（如 NUL），请删除后重新提交"),
                field,
            }));
        }
    }
    Ok(obj)
}

/// The path (`coordination[1]`, `deadline.checkpoints[0].title`) of the first string under
/// `at` holding a control character.
fn control_in(at: &str, v: &serde_json::Value) -> Option<String> {
    use crate::rules::input::{control_char, has_any_control};
    use serde_json::Value;
    if has_any_control(at) {
        return Some(at.escape_debug().to_string());
    }
    match v {
        Value::String(s) => control_char(s).map(|_| at.to_string()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| control_in(&format!("{at}[{i}]"), v)),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if has_any_control(k) {
                return Some(format!("{at}.{}", k.escape_debug()));
            }
            control_in(&format!("{at}.{k}"), v)
        }),
        _ => None,
    }
}

/// `?page=&per_page=` of the API's lists. Bad values are clamped, never refused: a page
/// below 1 or not a number is the first, one past the end the last; `per_page` is 1 to
/// [`MAX_PER_PAGE`]. Each list answers `{items…, page, per_page, max_per_page, total, pages}`.
/// (No address may hold a control character: the pattern says so, `web::layers` refuses one.)
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// The page, from 1; anything else is page 1, past the end the last page.
    #[param(value_type = Option<String>, example = "1", pattern = r"^[^\x00-\x1F\x7F]*$")]
    page: Option<String>,
    /// Items per page, 100 by default, clamped to 1 to 500; not a number is the default.
    #[param(value_type = Option<String>, example = "100", pattern = r"^[^\x00-\x1F\x7F]*$")]
    per_page: Option<String>,
}

pub const DEFAULT_PER_PAGE: i64 = 100;
pub const MAX_PER_PAGE: i64 = 500;

impl Paging {
    pub fn pager(&self, total: i64) -> super::pager::Pager {
        let per_page = self
            .per_page
            .as_deref()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .unwrap_or(DEFAULT_PER_PAGE)
            .clamp(1, MAX_PER_PAGE);
        super::pager::Pager::new(
            super::pager::page_number(self.page.as_deref()),
            per_page,
            total,
        )
    }
}

/// Where a page of a list stands in the whole list (flattened into each list's answer).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PageInfo {
    /// The page answered, from 1 (a page asked past the end is the last).
    #[schema(minimum = 1)]
    page: i64,
    #[schema(minimum = 1, maximum = 500)]
    per_page: i64,
    /// The largest `per_page` honoured.
    max_per_page: i64,
    /// Items in the whole list.
    #[schema(minimum = 0)]
    total: i64,
    /// Pages in the whole list, at least 1.
    #[schema(minimum = 1)]
    pages: i64,
}

impl PageInfo {
    pub fn of(p: &super::pager::Pager) -> PageInfo {
        PageInfo {
            page: p.page,
            per_page: p.per_page,
            max_per_page: MAX_PER_PAGE,
            total: p.total,
            pages: p.pages(),
        }
    }
}

/// Asserts that the documented body `T` names exactly the `fields` its handler reads, and gives
/// its schema for further checks.
#[cfg(test)]
fn assert_documents<T: utoipa::PartialSchema>(fields: &[&str]) -> serde_json::Value {
    let schema = serde_json::to_value(T::schema()).unwrap();
    let mut named: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut read = fields.to_vec();
    named.sort_unstable();
    read.sort_unstable();
    assert_eq!(named, read);
    schema
}

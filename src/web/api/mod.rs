//! JSON API, version 1, for callers holding an API token: reads of plans, tasks and reports,
//! and filing a report for one's unit.

mod plans;
mod reports;
mod tasks;

/// Every API route; all need a token (the guard is applied by `web::routes`).
pub fn routes() -> super::Routes {
    super::Routes::default()
        .get("/plans", plans::list)
        .get("/plans/{id}/tasks", plans::tasks)
        .get("/plans/{id}/tasks/{code}/reports", reports::list)
        .post("/plans/{id}/tasks/{code}/reports", reports::create)
}

/// API routes for office tokens only (the guard is applied by `web::routes`).
pub fn office_routes() -> super::Routes {
    super::Routes::default().patch("/plans/{id}/tasks/{code}", tasks::patch)
}

/// `?page=&per_page=` of the API's lists. Bad values are clamped, never refused: a page
/// below 1 or not a number is the first, one past the end the last; `per_page` is 1 to
/// [`MAX_PER_PAGE`]. Each list answers `{items…, page, per_page, max_per_page, total, pages}`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Paging {
    page: Option<String>,
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

/// A page of `items` under `key`, with where it stands in the whole list.
pub fn paged(
    key: &str,
    items: Vec<serde_json::Value>,
    p: &super::pager::Pager,
) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    out.insert(key.into(), serde_json::Value::Array(items));
    out.insert("page".into(), p.page.into());
    out.insert("per_page".into(), p.per_page.into());
    out.insert("max_per_page".into(), MAX_PER_PAGE.into());
    out.insert("total".into(), p.total.into());
    out.insert("pages".into(), p.pages().into());
    serde_json::Value::Object(out)
}

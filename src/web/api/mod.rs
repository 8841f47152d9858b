//! JSON API, version 1 (read-only for now), for callers holding an API token.

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

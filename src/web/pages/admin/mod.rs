//! The office's administration: users (`/admin/users`) and the audit log (`/admin/audit`).

mod audit;
mod users;

use crate::web::{AppError, Routes};
use crate::workflows::accounts::AccountError;

pub fn routes() -> Routes {
    Routes::default()
        .get("/admin/users", users::list)
        .post("/admin/users", users::create)
        .get("/admin/users/{id}", users::show)
        .post("/admin/users/{id}", users::update)
        .post("/admin/users/{id}/active", users::set_active)
        .post("/admin/users/{id}/password", users::reset_password)
        .post("/admin/users/{id}/tokens", users::create_token)
        .post(
            "/admin/users/{id}/tokens/{token_id}/revoke",
            users::revoke_token,
        )
        .get("/admin/audit", audit::list)
}

/// Account errors that are not about a form field.
pub fn account_error(e: AccountError) -> AppError {
    match e {
        AccountError::NotFound => AppError::NotFound("找不到该用户。".into()),
        AccountError::Refused(m) | AccountError::Field { message: m, .. } => {
            AppError::BadRequest(m)
        }
        AccountError::Hash => AppError::Internal("password hashing failed".into()),
        AccountError::Db(e) => AppError::Db(e),
    }
}

//! The office's administration: users (`/admin/users`), the audit log (`/admin/audit`) and the
//! delivery log of notifications (`/admin/notifications`).

mod audit;
mod notifications;
mod users;

use crate::web::Routes;

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
        .get("/admin/notifications", notifications::list)
        .post("/admin/notifications/{id}/resend", notifications::resend)
        .post(
            "/admin/notifications/office-channel",
            notifications::save_office_channel,
        )
}

//! Server-rendered pages. Each page's struct sits beside its handler.

mod account;
mod acknowledgements;
mod admin;
mod desk;
mod document_issue;
mod documents;
mod editions;
mod exports;
mod extensions;
mod home;
mod inbox;
mod instruction_steps;
mod instructions;
mod login;
mod milestones;
mod my;
mod notice_settings;
mod plan_matches;
mod query;
mod report_post;
mod report_sign_off;
mod report_view;
mod reporting;
mod reports;
mod review;
mod roundtrip;
mod sign_off_view;
mod summary;
mod task;
mod task_earlier;
mod tasks;
mod tasks_bulk;
mod unit_brief;
mod unit_sign_off;
mod units;
mod views;
mod work;
mod year_over;

use super::{AppError, Routes};
use axum::response::{IntoResponse, Response};

/// Reachable without signing in.
pub fn public_routes() -> Routes {
    Routes::default()
        .get("/login", login::form)
        .post("/login", login::submit)
}

/// Any signed-in user (the guard is applied by `web::routes`).
pub fn signed_in_routes() -> Routes {
    Routes::default()
        .get("/", desk::show)
        .get("/plan", home::show)
        .get("/tasks", tasks::list)
        .get("/tasks/{code}", task::show)
        .get("/units", units::list)
        .get("/units/{id}", units::show)
        .get("/units/{id}/brief", unit_brief::show)
        .get("/tasks/{code}/extensions", extensions::show)
        .post("/tasks/{code}/extensions", extensions::request)
        .get("/tasks/{code}/milestones", milestones::show)
        .post("/tasks/{code}/milestones", milestones::add)
        .post("/milestones/{id}", milestones::step)
        .get("/tasks/{code}/acknowledgements", acknowledgements::show)
        .post("/tasks/{code}/acknowledgement", acknowledgements::answer)
        .get("/tasks/{code}/instructions", instructions::on_task)
        .post("/tasks/{code}/instructions", instruction_steps::write)
        .get("/instructions", instructions::list)
        .get("/instructions/{id}", instructions::show)
        .post("/instructions/{id}/answer", instruction_steps::answer)
        .post("/logout", login::logout)
        .get("/account/password", account::form)
        .post("/account/password", account::submit)
        .get("/account/notifications", notice_settings::show)
        .post("/account/notifications", notice_settings::save)
        .get("/tasks/{code}/report", reports::new_form)
        .get("/reports/{id}", report_view::show)
        .post("/reports/{id}/sign-off", report_sign_off::decide)
        .post("/attachments/{id}/delete", report_view::delete_attachment)
        .get("/attachments/{id}", report_view::download)
        .get("/my", my::my)
        .get("/inbox", inbox::show)
        .post("/inbox/read-all", inbox::read_all)
        .post("/inbox/{id}/read", inbox::read)
        .post("/tasks/{code}/follow", task::follow)
        .get("/summary", summary::show)
        .get("/editions", editions::list)
        .get("/editions/{id}", summary::edition)
        .get("/editions/{id}/xlsx", editions::download)
        .post("/urges/{id}/ack", work::acknowledge)
        .get("/my/template.xlsx", roundtrip::template)
        .get("/my/upload", roundtrip::form)
        .post("/my/upload/confirm", roundtrip::confirm)
        .post("/my/upload/submit", roundtrip::submit_all)
        .merge(uploads())
}

/// Uploads: the only routes that take a large body.
fn uploads() -> Routes {
    // The report form posts its texts with the files chosen beside them.
    let attachments = Routes::default()
        .post("/tasks/{code}/report", reports::save)
        .post("/reports/{id}", report_view::update)
        .post("/reports/{id}/attachments", report_view::upload)
        .guard(|r| {
            r.route_layer(axum::extract::DefaultBodyLimit::max(
                crate::formats::attachments::MAX_FILE_BYTES + 64 * 1024,
            ))
        });
    let sheets = Routes::default()
        .post("/my/upload", roundtrip::upload)
        .guard(|r| {
            r.route_layer(axum::extract::DefaultBodyLimit::max(
                crate::formats::roundtrip::MAX_UPLOAD_BYTES + 64 * 1024,
            ))
        });
    attachments.merge(sheets)
}

/// Any signed-in user, or the holder of an API token (the exports, for scheduled pulls, and
/// the documents; each document's handler checks its readers).
pub fn export_routes() -> Routes {
    Routes::default()
        .get("/tasks.xlsx", exports::xlsx)
        .get("/tasks.csv", exports::csv)
        .get("/editions/{id}/bulletin.docx", documents::bulletin)
        .get("/tasks/{code}/supervision.docx", documents::supervision)
        .get("/urges/{id}/notice.docx", documents::urge)
        .get("/units/{id}/brief.docx", documents::brief)
        .get("/documents/{id}/docx", documents::download)
}

/// Office staff only.
pub fn office_routes() -> Routes {
    admin::routes()
        .post("/plans/{id}/settings", home::save_settings)
        .get("/plans/{id}/matches", plan_matches::show)
        .post("/plans/{id}/matches/{code}", plan_matches::review)
        .post(
            "/plans/{id}/acknowledge-days",
            acknowledgements::save_window,
        )
        .post("/units", units::create)
        .post("/units/{id}/channels", units::save_channels)
        .post("/units/{id}/sign-off", unit_sign_off::save)
        .get("/reporting", reporting::show)
        .post("/tasks/bulk-units", tasks_bulk::preview)
        .post("/tasks/bulk-units/confirm", tasks_bulk::confirm)
        .post("/tasks/bulk-units/{id}/undo", tasks_bulk::undo)
        .post("/tasks/{code}/close", task::close)
        .post("/tasks/{code}/reopen", task::reopen)
        .post("/reports/{id}/review", report_view::review)
        .post("/coordination/{id}/answer", report_view::answer)
        .get("/review", review::review)
        .post("/editions", editions::issue)
        .post("/editions/confirm", editions::confirm)
        .post("/urges", work::urge)
        .post("/tasks/{code}/units", task::save_units)
        .post("/tasks/{code}/schedule", task::save_schedule)
        .get(
            "/tasks/{code}/supervision",
            document_issue::supervision_form,
        )
        .post(
            "/tasks/{code}/supervision",
            document_issue::issue_supervision,
        )
        .get("/urges/{id}/notice", document_issue::urge_form)
        .post("/urges/{id}/notice", document_issue::issue_urge)
        .post("/editions/{id}/bulletin", document_issue::issue_bulletin)
        .post("/units/{id}/brief", unit_brief::issue)
        .get("/admin/documents", document_issue::register)
        .post("/admin/documents/series", document_issue::save_series)
        .post("/extensions/{id}/decision", extensions::decide)
        .post("/acknowledgements/{id}/decision", acknowledgements::decide)
        .post("/instructions/{id}/relay", instruction_steps::relay)
        .post("/instructions/{id}/send-back", instruction_steps::send_back)
        .post("/instructions/{id}/close", instruction_steps::close)
}

/// A multipart body that cannot be read: 413 when it is over the route's limit, else 400
/// with `message`.
fn multipart_error(
    message: impl Into<String>,
) -> impl Fn(axum::extract::multipart::MultipartError) -> AppError {
    let message = message.into();
    move |e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest(message.clone())
        }
    }
}

/// Any path no route claims.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return super::ApiError(AppError::NotFound("没有这个接口".into())).into_response();
    }
    AppError::NotFound("您访问的页面不存在。".into()).into_response()
}

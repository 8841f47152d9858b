//! The OpenAPI 3.1 description of `/api/v1`, generated at build time from the handlers'
//! `#[utoipa::path]` annotations and the answers' types, and served at
//! `GET /api/v1/openapi.json`. `tests/it/openapi.rs` checks it names exactly the routes the
//! router serves and that real answers match it.

use super::{
    acknowledgements, editions, extensions, instruction_steps, instructions, notifications, plans,
    reports, sign_offs, tasks,
};
use crate::web::error::{ErrorBody, ErrorCode, ErrorDetail};
use axum::Json;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToResponse};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "duban 督办 API",
        version = "1",
        description = "The JSON API of duban: plans, tasks, progress reports. Every call but this \
                       description needs `Authorization: Bearer TOKEN` (`duban user token LOGIN`, \
                       or the office's `/admin/users`); errors are `{\"error\": {code, message}}`."
    ),
    paths(
        openapi_json,
        plans::list,
        plans::tasks,
        reports::list,
        reports::create,
        sign_offs::decide,
        tasks::patch,
        editions::issue,
        extensions::request,
        extensions::decide,
        instructions::write,
        acknowledgements::answer,
        acknowledgements::decide,
        instructions::list,
        instruction_steps::relay,
        instruction_steps::answer,
        instruction_steps::send_back,
        instruction_steps::close,
        notifications::list,
        notifications::read
    ),
    components(
        schemas(ErrorBody, ErrorDetail, ErrorCode),
        responses(
            BadRequest,
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict,
            TooLarge,
            Unprocessable,
            Unavailable
        )
    ),
    modifiers(&BearerToken),
    security(("bearer" = [])),
    tags(
        (name = "plans", description = "工作要点：plans and their tasks"),
        (name = "tasks", description = "The office's changes to a task"),
        (name = "reports", description = "进展情况：progress reports"),
        (name = "instructions", description = "领导批示：leaders' instructions and the units' answers"),
        (name = "notifications", description = "站内消息：the caller's notifications"),
        (name = "meta", description = "This description")
    )
)]
pub struct ApiDoc;

/// `Authorization: Bearer TOKEN`: an API token of an active user.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        // utoipa fills the licence from Cargo.toml, which names none: say nothing rather than "".
        api.info.license = None;
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The description itself; no token needed: it describes the interface, not data.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "openapi",
    tag = "meta",
    security(()),
    responses(
        (status = 200, description = "This OpenAPI 3.1 document", content_type = "application/json",
         body = Object),
        (status = 400, response = BadRequest),
        (status = 503, response = Unavailable),
    )
)]
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// A response of [`ErrorBody`] with the description given, and the headers named.
fn error_response(description: &str, headers: &[(&str, &str)]) -> RefOr<Response> {
    let mut response = ResponseBuilder::new().description(description).content(
        "application/json",
        Content::new(Some(Ref::from_schema_name("ErrorBody"))),
    );
    for (name, about) in headers {
        response = response.header(
            *name,
            HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .description(Some(*about))
                .build(),
        );
    }
    response.build().into()
}

/// The error answers, one response component each, named by their use.
macro_rules! error_responses {
    ($($name:ident: $description:literal $(, $header:literal = $about:literal)*;)*) => {$(
        pub struct $name;

        impl<'r> ToResponse<'r> for $name {
            fn response() -> (&'r str, RefOr<Response>) {
                (stringify!($name), error_response($description, &[$(($header, $about)),*]))
            }
        }
    )*};
}

error_responses! {
    BadRequest: "`bad_request`: the address or query has bytes that are not UTF-8, or the body \
                 is not a JSON object (405 and 415 answer the same shape)";
    Unauthorized: "`unauthorized`: no token, or one revoked or of a disabled user",
        "WWW-Authenticate" = "`Bearer`";
    Forbidden: "`forbidden`: the token's role or unit may not do this";
    NotFound: "`not_found`: no such plan, or no such task in the plan";
    Conflict: "`conflict`: the object changed since the `version` sent (`current_version` says \
               what it is now), or the report can no longer be changed (submitted, closed task)";
    TooLarge: "`too_large`: a body over 1 MiB";
    Unprocessable: "`unprocessable`: a value breaks a rule; `field` names it";
    Unavailable: "`unavailable`: the database is away, or duban is busy or timed out; try again",
        "Retry-After" = "Seconds to wait, when duban is busy";
}

/// The refusals a list may answer besides its page: [`BadRequest`], [`Unauthorized`],
/// [`NotFound`], [`Unavailable`].
pub struct ReadRefusals;

/// The refusals a write may answer besides its result: those of a read and [`Forbidden`],
/// [`Conflict`], [`TooLarge`], [`Unprocessable`].
pub struct WriteRefusals;

/// Responses named by their status, each a reference to its component above.
fn refusals(named: &[(u16, &str)]) -> std::collections::BTreeMap<String, RefOr<Response>> {
    named
        .iter()
        .map(|(status, name)| {
            (
                status.to_string(),
                RefOr::Ref(Ref::from_response_name(*name)),
            )
        })
        .collect()
}

const READ: [(u16, &str); 4] = [
    (400, "BadRequest"),
    (401, "Unauthorized"),
    (404, "NotFound"),
    (503, "Unavailable"),
];

impl utoipa::IntoResponses for ReadRefusals {
    fn responses() -> std::collections::BTreeMap<String, RefOr<Response>> {
        refusals(&READ)
    }
}

impl utoipa::IntoResponses for WriteRefusals {
    fn responses() -> std::collections::BTreeMap<String, RefOr<Response>> {
        let mut all = refusals(&READ);
        all.extend(refusals(&[
            (403, "Forbidden"),
            (409, "Conflict"),
            (413, "TooLarge"),
            (422, "Unprocessable"),
        ]));
        all
    }
}

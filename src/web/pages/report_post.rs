//! The report form's body: url-encoded (older clients, scripts) or `multipart/form-data` (the
//! form itself, with its file input), read into the same [`ReportForm`] plus the files chosen.

use super::reports::ReportForm;
use crate::web::AppError;
use crate::web::forms::{Form, check_multipart_field};
use crate::workflows::progress::NewFile;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use serde_json::{Map, Value};

/// The report form as posted: its fields and the files chosen in it (none when url-encoded).
pub struct ReportPost {
    pub form: ReportForm,
    pub files: Vec<NewFile>,
}

impl<S: Send + Sync> FromRequest<S> for ReportPost {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("multipart/form-data"));
        if !multipart {
            // The route takes files; a form without them keeps every other form's limit.
            let (parts, body) = req.into_parts();
            let bytes = axum::body::to_bytes(body, crate::web::layers::BODY_LIMIT)
                .await
                .map_err(|_| AppError::TooLarge)?;
            let req = Request::from_parts(parts, axum::body::Body::from(bytes));
            let Form(form) = Form::<ReportForm>::from_request(req, state).await?;
            return Ok(ReportPost {
                form,
                files: Vec::new(),
            });
        }
        let bad = super::multipart_error("提交的表单内容无效或附件超过大小限制，请返回重新填写。");
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest("提交的表单内容无效，请返回重新填写。".into()))?;
        let mut fields = Map::new();
        let mut files = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(&bad)? {
            let name = field.name().unwrap_or_default().to_string();
            if name == "file" {
                let file_name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(&bad)?;
                // A file input left empty still sends a part, without a name or content.
                if !file_name.is_empty() || !bytes.is_empty() {
                    files.push(NewFile {
                        name: file_name,
                        bytes: bytes.to_vec(),
                    });
                }
                continue;
            }
            let bytes = field.bytes().await.map_err(&bad)?;
            let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                AppError::BadRequest(
                    "提交的内容含有无效的字符（不是 UTF-8 文字），请返回重新填写。".into(),
                )
            })?;
            check_multipart_field(&name, &text)?;
            fields.insert(name, Value::String(text));
        }
        let form = serde_json::from_value(Value::Object(fields))
            .map_err(|_| AppError::BadRequest("提交的表单内容无效，请返回重新填写。".into()))?;
        Ok(ReportPost { form, files })
    }
}

//! The fields of a JSON body as the writes read them: each refusal names its field (422).

use crate::web::{ApiError, AppError};
use serde_json::{Map, Value};

/// 422 `{error: {field, message}}`.
pub(super) fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError(AppError::Unprocessable {
        field: field.into(),
        message: message.into(),
    })
}

/// A text field; `required` refuses one left out or `null`.
pub(super) fn string(
    obj: &Map<String, Value>,
    key: &str,
    required: bool,
) -> Result<Option<String>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) if !required => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        _ => Err(bad(
            key,
            if required {
                "必填，应为文字"
            } else {
                "应为文字"
            },
        )),
    }
}

/// Refuses a field the write does not know.
pub(super) fn only(obj: &Map<String, Value>, fields: &[&str]) -> Result<(), ApiError> {
    match obj.keys().find(|k| !fields.contains(&k.as_str())) {
        Some(k) => Err(bad(k, "未知字段")),
        None => Ok(()),
    }
}

/// The version read, a whole number from 0: required, or (`required` false) absent for none.
pub(super) fn version(obj: &Map<String, Value>, required: bool) -> Result<Option<i32>, ApiError> {
    match obj.get("version") {
        None | Some(Value::Null) if !required => Ok(None),
        v => v
            .and_then(Value::as_i64)
            .and_then(|v| i32::try_from(v).ok())
            .filter(|v| *v >= 0)
            .map(Some)
            .ok_or_else(|| bad("version", "必填，应为不小于 0 的整数")),
    }
}

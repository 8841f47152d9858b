//! Numeric ids in paths (`/reports/{id}`): each kind answers its own 404 for an id that is not
//! a number, since such a path names nothing, exactly as for a number that names nothing.

use super::AppError;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

macro_rules! id_in_path {
    ($(#[$doc:meta])* $name:ident, $missing:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name(pub i64);

        impl $name {
            /// The page's answer when no such thing exists.
            pub fn missing() -> AppError {
                AppError::NotFound($missing.into())
            }
        }

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = Response;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
                let Path(raw) = Path::<String>::from_request_parts(parts, state)
                    .await
                    .map_err(IntoResponse::into_response)?;
                raw.parse()
                    .map($name)
                    .map_err(|_| Self::missing().into_response())
            }
        }
    };
}

id_in_path!(
    /// 进展情况: a report.
    ReportId,
    "找不到该报告。"
);
id_in_path!(
    /// 附件: an attachment of a report.
    AttachmentId,
    "附件不存在。"
);
id_in_path!(
    /// 需协调事项: a coordination request.
    CoordinationId,
    "没有该需协调事项。"
);
id_in_path!(
    /// 督办通报: an issued edition.
    EditionId,
    "没有该期督办通报。"
);
id_in_path!(
    /// 单位: a member unit.
    UnitId,
    "找不到该单位。"
);
id_in_path!(
    /// 用户: an account.
    UserId,
    "找不到该用户。"
);
id_in_path!(
    /// 批量调整: a bulk change of tasks' units.
    BulkChangeId,
    "找不到该批量调整。"
);
id_in_path!(
    /// 催办: an urge sent to a unit.
    UrgeId,
    "找不到该催办。"
);
id_in_path!(
    /// 公文: an issued document.
    DocumentId,
    "找不到该公文。"
);
id_in_path!(
    /// 延期申请: a request to move a task's deadline.
    ExtensionId,
    "找不到该延期申请。"
);
id_in_path!(
    /// 签收 or 申诉: a unit's answer to its assignment.
    AcknowledgementId,
    "找不到该申诉。"
);
id_in_path!(
    /// 领导批示: a leader's instruction.
    InstructionId,
    "找不到该批示。"
);
id_in_path!(
    /// 工作要点: a plan.
    PlanId,
    "找不到该工作要点。"
);
id_in_path!(
    /// 里程碑: a milestone of a task.
    MilestoneId,
    "找不到该里程碑。"
);

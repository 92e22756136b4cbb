use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::dto::Liveness;
use crate::{features::health::status::CheckStatus, http::ApiTags};

#[derive(Default)]
pub(crate) struct CheckLivenessRoute;

#[derive(ApiResponse)]
enum LivenessResponse {
    /// The process answers.
    #[oai(status = 200)]
    Ok(Json<Liveness>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Health")]
impl CheckLivenessRoute {
    /// Check liveness
    ///
    /// 200 whenever the process answers; no dependency is checked (that is
    /// `/api/v1/health/ready`). For liveness probes: failing it means restart the process.
    #[oai(path = "/health/live", method = "get", operation_id = "checkLiveness")]
    async fn check_liveness(&self) -> LivenessResponse {
        LivenessResponse::Ok(Json(Liveness {
            status: CheckStatus::Ok,
        }))
    }
}

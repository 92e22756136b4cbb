use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{dto::Health, handler::check_health};
use crate::http::{ApiTags, AppState};

#[derive(Default)]
pub(crate) struct CheckHealthRoute;

#[derive(ApiResponse)]
enum HealthResponse {
    /// The service can serve; `status` is `ok` or `degraded`.
    #[oai(status = 200)]
    Ok(Json<Health>),
    /// The service cannot serve; `checks` says which dependency is down.
    #[oai(status = 503)]
    Unavailable(Json<Health>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Health")]
impl CheckHealthRoute {
    /// Check health
    ///
    /// 200 while the service can serve (`degraded` when the rate limiter's store is down but
    /// requests are let through, or the e-mail verifier's last call failed), 503 when the
    /// database or a fail-closed limiter is down.
    #[oai(path = "/health", method = "get", operation_id = "checkHealth")]
    async fn check_health(&self, state: Data<&AppState>) -> HealthResponse {
        let report = check_health(&state.db, &state.limits, &state.verifier).await;
        let body = Json(Health::from(&report));
        if report.healthy() {
            HealthResponse::Ok(body)
        } else {
            HealthResponse::Unavailable(body)
        }
    }
}

use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{dto::Readiness, handler::check_readiness};
use crate::http::{ApiTags, AppState};

#[derive(Default)]
pub(crate) struct CheckReadinessRoute;

#[derive(ApiResponse)]
enum ReadinessResponse {
    /// Ready: every configured dependency answers and the outbox is drained in time.
    #[oai(status = 200)]
    Ok(Json<Readiness>),
    /// Not ready; `checks` says which dependency is down or how old the outbox backlog is.
    #[oai(status = 503)]
    Unavailable(Json<Readiness>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Health")]
impl CheckReadinessRoute {
    /// Check readiness
    ///
    /// For readiness probes and load balancers: 200 while the database, and Redis and Kafka
    /// when configured, answer (each with its latency) and no unpublished event is older
    /// than the configured bound; 503 otherwise.
    #[oai(
        path = "/health/ready",
        method = "get",
        operation_id = "checkReadiness"
    )]
    async fn check_readiness(&self, state: Data<&AppState>) -> ReadinessResponse {
        let report = check_readiness(&state).await;
        let body = Json(Readiness::from(&report));
        if report.ready() {
            ReadinessResponse::Ok(body)
        } else {
            ReadinessResponse::Unavailable(body)
        }
    }
}

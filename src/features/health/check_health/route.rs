use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{CheckHealth, check_health, dto::Health};
use crate::{app::AppState, features::ApiTags};

pub struct CheckHealthRoute;

#[derive(ApiResponse)]
pub enum HealthResponse {
    /// Every dependency answers.
    #[oai(status = 200)]
    Ok(Json<Health>),
    /// A dependency does not answer; `checks` says which.
    #[oai(status = 503)]
    Unavailable(Json<Health>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Health")]
impl CheckHealthRoute {
    /// Check health
    ///
    /// 200 when the database answers, 503 when it does not.
    #[oai(path = "/health", method = "get", operation_id = "checkHealth")]
    async fn check_health(&self, state: Data<&AppState>) -> HealthResponse {
        let report = check_health(&state.db, CheckHealth).await;
        let body = Json(Health::from(&report));
        if report.healthy() {
            HealthResponse::Ok(body)
        } else {
            HealthResponse::Unavailable(body)
        }
    }
}

use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::dto::Mfa;
use crate::{
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, error_statuses},
    services::mfa,
};

#[derive(Default)]
pub(crate) struct GetMfaRoute;

error_statuses!(GetMfaErrors: 401, 429, 500, 503);

#[derive(ApiResponse)]
enum GetMfaResponse {
    /// The caller's second factors.
    #[oai(status = 200)]
    Ok(Json<Mfa>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Mfa")]
impl GetMfaRoute {
    /// Get my second factors
    ///
    /// Whether TOTP guards the account, how many recovery codes are left, and the methods a
    /// login's second step accepts.
    #[oai(path = "/mfa", method = "get", operation_id = "getMfa")]
    async fn get_mfa(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
    ) -> Result<GetMfaResponse, Problem<GetMfaErrors>> {
        let status = mfa::status(&state.db, caller.user_id())
            .await
            .map_err(ApiError::from)?;
        Ok(GetMfaResponse::Ok(Json(status.into())))
    }
}

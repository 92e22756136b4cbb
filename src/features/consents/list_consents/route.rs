use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::dto::ClientConsent;
use crate::{
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, error_statuses},
    services::oidc,
};

#[derive(Default)]
pub(crate) struct ListConsentsRoute;

error_statuses!(ListConsentsErrors: 401, 429, 500, 503);

#[derive(ApiResponse)]
enum ListConsentsResponse {
    /// The caller's consents, the latest first; empty when it never consented to a client.
    #[oai(status = 200)]
    Ok(Json<Vec<ClientConsent>>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Consents")]
impl ListConsentsRoute {
    /// List my consents
    ///
    /// The third-party clients the caller let sign in with this account on the consent
    /// page, with the scopes each was granted. First-party clients ask no consent and are
    /// not listed.
    #[oai(path = "/consents", method = "get", operation_id = "listConsents")]
    async fn list_consents(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
    ) -> Result<ListConsentsResponse, Problem<ListConsentsErrors>> {
        let consents = oidc::consents(&state.db, caller.user_id())
            .await
            .map_err(ApiError::from)?;
        let listed = consents.into_iter().map(ClientConsent::from).collect();
        Ok(ListConsentsResponse::Ok(Json(listed)))
    }
}

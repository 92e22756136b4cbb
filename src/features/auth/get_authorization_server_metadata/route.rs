use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::dto::AuthorizationServerMetadata;
use crate::http::{ApiTags, AppState, Origin};

/// The metadata changes only with a deployment; caches may keep it this long.
const CACHE_CONTROL: &str = "public, max-age=300";

#[derive(Default)]
pub(crate) struct GetAuthorizationServerMetadataRoute;

#[derive(ApiResponse)]
enum AuthorizationServerMetadataResponse {
    /// The metadata document.
    #[oai(status = 200)]
    Ok(
        Json<AuthorizationServerMetadata>,
        /// `public, max-age=300`: it changes only when the service is redeployed.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[OpenApi(tag = "ApiTags::Auth")]
impl GetAuthorizationServerMetadataRoute {
    /// The authorization server metadata
    ///
    /// OAuth 2.0 authorization server metadata (RFC 8414): the issuer, the token,
    /// revocation and key-set endpoints (absolute URLs on the origin the request was made
    /// to), and the grant types and client authentication methods they support.
    #[oai(
        path = "/.well-known/oauth-authorization-server",
        method = "get",
        operation_id = "getAuthorizationServerMetadata"
    )]
    async fn metadata(
        &self,
        state: Data<&AppState>,
        origin: Origin,
    ) -> AuthorizationServerMetadataResponse {
        let metadata = AuthorizationServerMetadata::new(state.tokens.issuer(), &origin);
        AuthorizationServerMetadataResponse::Ok(Json(metadata), CACHE_CONTROL.into())
    }
}

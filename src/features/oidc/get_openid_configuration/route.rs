use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::dto::OpenidConfiguration;
use crate::http::{ApiTags, AppState, Origin};

/// The metadata changes only with a deployment; caches may keep it this long.
const CACHE_CONTROL: &str = "public, max-age=300";

#[derive(Default)]
pub(crate) struct GetOpenidConfigurationRoute;

#[derive(ApiResponse)]
enum OpenidConfigurationResponse {
    /// The metadata document.
    #[oai(status = 200)]
    Ok(
        Json<OpenidConfiguration>,
        /// `public, max-age=300`.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[OpenApi(tag = "ApiTags::Oidc")]
impl GetOpenidConfigurationRoute {
    /// OpenID Provider metadata
    ///
    /// OpenID Connect Discovery: the issuer, the authorization, token, userinfo,
    /// revocation and key-set endpoints (absolute URLs on the origin the request was made
    /// to), and what they support: the code flow with PKCE `S256`, id_tokens signed by
    /// `JWT_ALGORITHM`, client authentication by HTTP Basic, form post or none (public
    /// clients).
    #[oai(
        path = "/.well-known/openid-configuration",
        method = "get",
        operation_id = "getOpenidConfiguration"
    )]
    async fn get_openid_configuration(
        &self,
        state: Data<&AppState>,
        origin: Origin,
    ) -> OpenidConfigurationResponse {
        let document =
            OpenidConfiguration::new(state.tokens.issuer(), state.tokens.algorithm(), &origin);
        OpenidConfigurationResponse::Ok(Json(document), CACHE_CONTROL.into())
    }
}

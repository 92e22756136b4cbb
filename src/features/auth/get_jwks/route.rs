use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::dto::KeySet;
use crate::http::{ApiTags, AppState};

/// Keys change only with a deployment; caches may keep them this long.
const CACHE_CONTROL: &str = "public, max-age=300";

#[derive(Default)]
pub(crate) struct GetJwksRoute;

#[derive(ApiResponse)]
enum JwksResponse {
    /// The key set.
    #[oai(status = 200)]
    Ok(
        Json<KeySet>,
        /// `public, max-age=300`: the keys change only when the service restarts with new ones.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[OpenApi(tag = "ApiTags::Auth")]
impl GetJwksRoute {
    /// The keys that verify access tokens
    ///
    /// The public keys (JWK set, RFC 7517) that verify this service's access tokens and
    /// id_tokens (`JWT_ALGORITHM`: RS256, ES256 or EdDSA; retired keys may be of another
    /// kind), each named by the `kid` the tokens carry in their header.
    #[oai(
        path = "/.well-known/jwks.json",
        method = "get",
        operation_id = "getJwks"
    )]
    async fn jwks(&self, state: Data<&AppState>) -> JwksResponse {
        let keys = KeySet::from(state.tokens.public_keys());
        JwksResponse::Ok(Json(keys), CACHE_CONTROL.into())
    }
}

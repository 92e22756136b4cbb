use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, OpenApi,
    payload::{Form, Json},
};

use super::{
    client_auth::{authenticate, basic_credentials},
    command::{ClientCredentials, TokenRequest},
    dto::{OauthErrorBody, OauthTokenForm, OauthTokenResponse},
    handler::{Issuing, Refused, issue},
};
use crate::{
    domain::oauth::{OAuthError, OAuthErrorCode},
    http::{ApiError, ApiTags, AppState, PerIp, Problem, error_statuses},
    services::{audit::Provenance, sessions::Device},
};

#[derive(Default)]
pub(crate) struct CreateOauthTokenRoute;

error_statuses!(CreateOauthTokenErrors: 413, 415, 429, 500, 503);

#[derive(ApiResponse)]
enum OauthTokenAnswer {
    /// The tokens.
    #[oai(status = 200)]
    Ok(
        Json<OauthTokenResponse>,
        /// `no-store`.
        #[oai(header = "Cache-Control")]
        String,
    ),
    /// `invalid_request`, `invalid_grant` (the code or refresh token is unknown, expired,
    /// used, another client's or another redirect URI's, or the PKCE verifier is wrong),
    /// `unauthorized_client` or `unsupported_grant_type` (RFC 6749 §5.2).
    #[oai(status = 400)]
    BadRequest(Json<OauthErrorBody>),
    /// `invalid_client`: unknown client, wrong secret, a confidential client without its
    /// secret or a public one with one; `WWW-Authenticate: Basic` after HTTP Basic.
    #[oai(status = 401)]
    Unauthorized(
        Json<OauthErrorBody>,
        /// `Basic realm="oauth2"` when the client used HTTP Basic.
        #[oai(header = "WWW-Authenticate")]
        Option<String>,
    ),
}

fn body(error: OAuthError) -> Json<OauthErrorBody> {
    Json(OauthErrorBody {
        error: error.code.as_str().to_owned(),
        error_description: error.description,
    })
}

#[OpenApi(tag = "ApiTags::Oidc")]
impl CreateOauthTokenRoute {
    /// Token endpoint (authorization code flow)
    ///
    /// OAuth 2.0's token endpoint for the code flow, as `application/x-www-form-urlencoded`:
    /// `grant_type=authorization_code` (`code`, `redirect_uri`, `code_verifier`) or
    /// `refresh_token` (`refresh_token`). Confidential clients authenticate with HTTP Basic
    /// (`client_secret_basic`) or `client_id` and `client_secret` in the form
    /// (`client_secret_post`); public clients send `client_id` alone. Errors are RFC 6749's
    /// JSON (`{"error": "invalid_grant", "error_description": ...}`), not problem+json.
    #[oai(
        path = "/oauth2/token",
        method = "post",
        operation_id = "createOauthToken"
    )]
    async fn create_oauth_token(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        request: &Request,
        device: Device,
        provenance: Provenance,
        form: Form<OauthTokenForm>,
    ) -> Result<OauthTokenAnswer, Problem<CreateOauthTokenErrors>> {
        let authorization = request
            .headers()
            .get("authorization")
            .and_then(|value| value.to_str().ok());
        let basic = basic_credentials(authorization);
        let parsed = match TokenRequest::parse(form.0, basic) {
            Ok(parsed) => parsed,
            Err(error) => return Ok(OauthTokenAnswer::BadRequest(body(error))),
        };
        let client = authenticate(&state.db, &parsed.credentials)
            .await
            .map_err(ApiError::from)?;
        let Some(client) = client else {
            let challenge = matches!(parsed.credentials, ClientCredentials::Basic { .. })
                .then(|| r#"Basic realm="oauth2""#.to_owned());
            let error = OAuthError::new(
                OAuthErrorCode::InvalidClient,
                "client authentication failed",
            );
            return Ok(OauthTokenAnswer::Unauthorized(body(error), challenge));
        };
        let with = Issuing {
            db: &state.db,
            single_statement_db: &state.single_statement_db,
            tokens: &state.tokens,
            sessions: &state.sessions,
            require_verified_email: state.require_verified_email,
            provenance: &provenance,
            now: state.clock.now(),
        };
        match issue(&with, &client, parsed.grant, device).await {
            Ok(issued) => Ok(OauthTokenAnswer::Ok(
                Json(OauthTokenResponse {
                    access_token: issued.access.token,
                    token_type: "Bearer".into(),
                    expires_in: issued.access.expires_in,
                    refresh_token: issued.refresh_token,
                    id_token: issued.id_token,
                    scope: issued.scope,
                }),
                "no-store".into(),
            )),
            Err(Refused::OAuth(error)) => Ok(OauthTokenAnswer::BadRequest(body(error))),
            Err(Refused::Api(err)) => Err(err.into()),
        }
    }
}

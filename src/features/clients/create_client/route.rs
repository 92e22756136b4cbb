use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};
use secrecy::ExposeSecret;

use super::{
    command::CreateClient,
    dto::{CreatedClient, NewClient},
    handler::create_client,
};
use crate::{
    http::{ApiError, ApiTags, AppState, Permitted, Problem, can, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct CreateClientRoute;

error_statuses!(CreateClientErrors: 400, 401, 403, 413, 415, 422, 429, 500, 503;
    403 => "The caller lacks the `clients:write` permission.",
    422 => "A field is missing, of the wrong type or invalid (a redirect URI with a wildcard or fragment, `http` off loopback, an unknown scope or grant type, `password` for a client that is not first-party, the `authorization_code` grant without a redirect URI...); `errors` names each.",
);

#[derive(ApiResponse)]
enum CreateClientResponse {
    /// The client is registered; a confidential one's secret is in the answer, this once.
    #[oai(status = 201)]
    Created(
        Json<CreatedClient>,
        /// Always `no-store`: the answer may hold the secret.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Clients")]
impl CreateClientRoute {
    /// Register a client
    ///
    /// Registers an OAuth 2.0 / OpenID Connect client with its redirect URIs (matched
    /// exactly), allowed scopes and grant types. A confidential client gets a secret,
    /// returned in this answer only: store it at once, it cannot be read back (make a new
    /// one with `rotateClientSecret`). Audited as `client.created`.
    #[oai(
        path = "/admin/clients",
        method = "post",
        operation_id = "createClient"
    )]
    async fn create_client(
        &self,
        caller: Permitted<can::WriteClients>,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<NewClient>,
    ) -> Result<CreateClientResponse, Problem<CreateClientErrors>> {
        let command =
            CreateClient::parse(caller.caller.user_id(), body.0).map_err(ApiError::validation)?;
        let (client, secret) = create_client(&state.db, &state.clock, &provenance, command).await?;
        let created = CreatedClient {
            client: client.into(),
            client_secret: secret.map(|secret| secret.expose_secret().to_owned()),
        };
        Ok(CreateClientResponse::Created(
            Json(created),
            "no-store".into(),
        ))
    }
}

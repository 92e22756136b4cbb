use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path, payload::Json};
use secrecy::ExposeSecret;

use super::{command::RotateClientSecret, dto::ClientSecret, handler::rotate_client_secret};
use crate::{
    features::clients::no_such_client,
    http::{ApiTags, AppState, Permitted, Problem, ResourceId, can, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct RotateClientSecretRoute;

error_statuses!(RotateClientSecretErrors: 401, 403, 404, 409, 429, 500, 503;
    403 => "The caller lacks the `clients:write` permission.",
    404 => "No client has this `client_id` (or it is not a UUID).",
    409 => "`/problems/public-client`: a public client has no secret.",
);

#[derive(ApiResponse)]
enum RotateClientSecretResponse {
    /// The new secret, shown this once.
    #[oai(status = 200)]
    Ok(
        Json<ClientSecret>,
        /// Always `no-store`: the answer holds the secret.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Clients")]
impl RotateClientSecretRoute {
    /// Rotate a client's secret
    ///
    /// Makes a confidential client a new secret, returned in this answer only; the old
    /// secret stops working at once. A public client has none (409). Audited as
    /// `client.secret_rotated`.
    #[oai(
        path = "/admin/clients/:client_id/secret",
        method = "post",
        operation_id = "rotateClientSecret"
    )]
    async fn rotate_client_secret(
        &self,
        caller: Permitted<can::WriteClients>,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The client's `client_id`.
        client_id: Path<ResourceId>,
    ) -> Result<RotateClientSecretResponse, Problem<RotateClientSecretErrors>> {
        let command = RotateClientSecret {
            actor: caller.caller.user_id(),
            client_id: client_id.get().ok_or_else(no_such_client)?,
        };
        let client_id = command.client_id;
        let secret = rotate_client_secret(&state.db, &state.clock, &provenance, command).await?;
        let body = ClientSecret {
            client_id,
            client_secret: secret.expose_secret().to_owned(),
        };
        Ok(RotateClientSecretResponse::Ok(
            Json(body),
            "no-store".into(),
        ))
    }
}

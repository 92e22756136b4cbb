use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path, payload::Json};

use super::{command::UpdateClient, dto::UpdateClientRequest, handler::update_client};
use crate::{
    features::clients::{dto::Client, no_such_client},
    http::{
        ApiError, ApiTags, AppState, AtLeastOne, Permitted, Problem, ResourceId, can,
        error_statuses,
    },
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct UpdateClientRoute;

error_statuses!(UpdateClientErrors: 400, 401, 403, 404, 413, 415, 422, 429, 500, 503;
    403 => "The caller lacks the `clients:write` permission.",
    404 => "No client has this `client_id` (or it is not a UUID).",
    422 => "No field to change, or a field of the wrong type or invalid, alone or with the client's other fields (`password` for a client that is not first-party, the `authorization_code` grant without a redirect URI...); `errors` names each.",
);

#[derive(ApiResponse)]
enum UpdateClientResponse {
    /// The client as changed.
    #[oai(status = 200)]
    Ok(Json<Client>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Clients")]
impl UpdateClientRoute {
    /// Update a client
    ///
    /// Replaces the fields given (at least one); the others keep their values, and the
    /// client must still pass every check of a registration. Its type and secret do not
    /// change here. Audited as `client.updated`, naming the fields whose value changed,
    /// only when one did.
    #[oai(
        path = "/admin/clients/:client_id",
        method = "patch",
        operation_id = "updateClient"
    )]
    async fn update_client(
        &self,
        caller: Permitted<can::WriteClients>,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The client's `client_id`.
        client_id: Path<ResourceId>,
        body: Json<AtLeastOne<UpdateClientRequest>>,
    ) -> Result<UpdateClientResponse, Problem<UpdateClientErrors>> {
        let client_id = client_id.get().ok_or_else(no_such_client)?;
        let command = UpdateClient::parse(caller.caller.user_id(), client_id, body.0.0)
            .map_err(ApiError::validation)?;
        let client = update_client(&state.db, &state.clock, &provenance, command).await?;
        Ok(UpdateClientResponse::Ok(Json(client.into())))
    }
}

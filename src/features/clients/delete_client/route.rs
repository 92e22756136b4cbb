use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path};

use super::{command::DeleteClient, handler::delete_client};
use crate::{
    features::clients::no_such_client,
    http::{ApiTags, AppState, Permitted, Problem, ResourceId, can, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct DeleteClientRoute;

error_statuses!(DeleteClientErrors: 401, 403, 404, 429, 500, 503;
    403 => "The caller lacks the `clients:write` permission.",
    404 => "No client has this `client_id` (or it is not a UUID).",
);

#[derive(ApiResponse)]
enum DeleteClientResponse {
    /// The client is deleted: its `client_id` and secret are no longer accepted.
    #[oai(status = 204)]
    NoContent,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Clients")]
impl DeleteClientRoute {
    /// Delete a client
    ///
    /// Deletes a registered client: its `client_id` and secret are no longer accepted.
    /// Audited as `client.deleted`.
    #[oai(
        path = "/admin/clients/:client_id",
        method = "delete",
        operation_id = "deleteClient"
    )]
    async fn delete_client(
        &self,
        caller: Permitted<can::WriteClients>,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The client's `client_id`.
        client_id: Path<ResourceId>,
    ) -> Result<DeleteClientResponse, Problem<DeleteClientErrors>> {
        let command = DeleteClient {
            actor: caller.caller.user_id(),
            client_id: client_id.get().ok_or_else(no_such_client)?,
        };
        delete_client(&state.db, &state.clock, &provenance, command).await?;
        Ok(DeleteClientResponse::NoContent)
    }
}

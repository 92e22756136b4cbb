use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path, payload::Json};

use super::{handler::get_client, query::GetClient};
use crate::{
    features::clients::{dto::Client, no_such_client},
    http::{ApiTags, AppState, Permitted, Problem, ResourceId, can, error_statuses},
};

#[derive(Default)]
pub(crate) struct GetClientRoute;

error_statuses!(GetClientErrors: 401, 403, 404, 429, 500, 503;
    403 => "The caller lacks the `clients:write` permission.",
    404 => "No client has this `client_id` (or it is not a UUID).",
);

#[derive(ApiResponse)]
enum GetClientResponse {
    /// The client's registration (never its secret).
    #[oai(status = 200)]
    Ok(Json<Client>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Clients")]
impl GetClientRoute {
    /// Get a client
    ///
    /// A registered client by `client_id`: its redirect URIs, scopes, grant types and when
    /// its secret was made; never the secret itself.
    #[oai(
        path = "/admin/clients/:client_id",
        method = "get",
        operation_id = "getClient"
    )]
    async fn get_client(
        &self,
        _caller: Permitted<can::WriteClients>,
        state: Data<&AppState>,
        /// The client's `client_id`.
        client_id: Path<ResourceId>,
    ) -> Result<GetClientResponse, Problem<GetClientErrors>> {
        let query = GetClient {
            client_id: client_id.get().ok_or_else(no_such_client)?,
        };
        let client = get_client(&state.db, query).await?;
        Ok(GetClientResponse::Ok(Json(client.into())))
    }
}

use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Query, payload::Json};

use super::{dto::ClientPage, handler::list_clients, query::ListClients};
use crate::http::{
    ApiError, ApiTags, AppState, KeysetPage, Permitted, Problem, can, error_statuses,
};

#[derive(Default)]
pub(crate) struct ListClientsRoute;

error_statuses!(ListClientsErrors: 401, 403, 422, 429, 500, 503;
    403 => "The caller lacks the `clients:write` permission.",
    422 => "A parameter is invalid: `limit` out of 1 to 100, or a `cursor` this service did not hand out; `errors` names it.",
);

#[derive(ApiResponse)]
enum ListClientsResponse {
    /// One page of clients, oldest first.
    #[oai(status = 200)]
    Ok(Json<ClientPage>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Clients")]
impl ListClientsRoute {
    /// List clients
    ///
    /// Every registered client, oldest first (by registration, then `client_id`), a page
    /// at a time: pass the previous page's `next_cursor` as `cursor` for the next one.
    /// Clients registered while paging never repeat or hide the others. Never a secret.
    #[oai(path = "/admin/clients", method = "get", operation_id = "listClients")]
    async fn list_clients(
        &self,
        _caller: Permitted<can::WriteClients>,
        state: Data<&AppState>,
        /// How many clients per page (1 to 100).
        #[oai(
            default = "KeysetPage::default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u32>,
        /// The previous page's `next_cursor`; leave it out for the first page.
        cursor: Query<Option<String>>,
    ) -> Result<ListClientsResponse, Problem<ListClientsErrors>> {
        let page = KeysetPage::parse(limit.0, cursor.0.as_deref())
            .map_err(|err| ApiError::validation(vec![err]))?;
        let page = list_clients(&state.db, ListClients { page }).await?;
        Ok(ListClientsResponse::Ok(Json(page.into())))
    }
}

use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, param::Query, payload::Json};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::{
    features::passkeys::dto::PasskeyView,
    http::{
        ApiError, ApiTags, AppState, Authenticated, Cursor, Direction, Keyset, KeysetPage, Problem,
        error_statuses,
    },
    infra::db::entities::passkey,
};

#[derive(Default)]
pub(crate) struct ListPasskeysRoute;

error_statuses!(ListPasskeysErrors: 401, 422, 429, 500, 503;
    422 => "`limit` is out of 1 to 100, or `cursor` is not one this service handed out.",
);

/// One page of the caller's passkeys, oldest first.
#[derive(Object)]
struct PasskeyPage {
    items: Vec<PasskeyView>,
    /// Pass it as `cursor` for the next page; `null` on the last page.
    #[oai(nullable)]
    next_cursor: Option<String>,
}

#[derive(ApiResponse)]
enum ListPasskeysResponse {
    #[oai(status = 200)]
    Ok(Json<PasskeyPage>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Passkeys")]
impl ListPasskeysRoute {
    /// List my passkeys
    ///
    /// The caller's passkeys in registration order, a page at a time: pass the previous
    /// page's `next_cursor` as `cursor` for the next one.
    #[oai(path = "/passkeys", method = "get", operation_id = "listPasskeys")]
    async fn list_passkeys(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        /// How many passkeys per page (1 to 100).
        #[oai(
            default = "KeysetPage::default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u32>,
        /// The previous page's `next_cursor`; leave it out for the first page.
        cursor: Query<Option<String>>,
    ) -> Result<ListPasskeysResponse, Problem<ListPasskeysErrors>> {
        let page = KeysetPage::parse(limit.0, cursor.0.as_deref())
            .map_err(|err| ApiError::validation(vec![err]))?;
        let select = passkey::Entity::find().filter(passkey::Column::UserId.eq(caller.user_id()));
        let keyset = Keyset {
            at: passkey::Column::CreatedAt,
            id: passkey::Column::Id,
            direction: Direction::Ascending,
        };
        let position = |row: &passkey::Model| Cursor::new(row.created_at, row.id);
        let page = page
            .fetch(&state.db, select, keyset, position)
            .await
            .map_err(ApiError::from)?;
        Ok(ListPasskeysResponse::Ok(Json(PasskeyPage {
            items: page.items.into_iter().map(PasskeyView::from).collect(),
            next_cursor: page.next_cursor.map(|cursor| cursor.encode()),
        })))
    }
}

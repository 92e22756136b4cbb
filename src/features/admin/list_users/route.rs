use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Query, payload::Json};

use super::{dto::AdminUserPage, handler::list_users, query::ListUsers};
use crate::http::{
    ApiError, ApiTags, AppState, KeysetPage, Permitted, Problem, can, error_statuses,
};

#[derive(Default)]
pub(crate) struct ListUsersRoute;

error_statuses!(ListUsersErrors: 401, 403, 422, 429, 500, 503;
    403 => "The caller lacks the `users:read` permission.",
    422 => "A parameter is invalid: `limit` out of 1 to 100, a `cursor` this service did not hand out, a date-time that is not RFC 3339, a boolean that is not `true` or `false`; `errors` names it.",
);

#[derive(ApiResponse)]
enum ListUsersResponse {
    /// One page of accounts, oldest first.
    #[oai(status = 200)]
    Ok(Json<AdminUserPage>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Admin")]
impl ListUsersRoute {
    /// List accounts
    ///
    /// Every account, oldest first (by creation, then id), a page at a time: pass the
    /// previous page's `next_cursor` as `cursor` for the next one, with the same filters.
    /// Accounts created while paging never repeat or hide the others. The filters combine.
    #[oai(path = "/admin/users", method = "get", operation_id = "listUsers")]
    #[expect(clippy::too_many_arguments, reason = "one per query parameter")]
    async fn list_users(
        &self,
        _caller: Permitted<can::ReadUsers>,
        state: Data<&AppState>,
        /// How many accounts per page (1 to 100).
        #[oai(
            default = "KeysetPage::default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u32>,
        /// The previous page's `next_cursor`; leave it out for the first page.
        cursor: Query<Option<String>>,
        /// Only accounts whose username or e-mail address starts with this, in any case
        /// (`%` and `_` match themselves).
        #[oai(validator(max_length = 254))]
        q: Query<Option<String>>,
        /// Only accounts whose address is confirmed (`true`) or not (`false`).
        email_verified: Query<Option<bool>>,
        /// Only disabled (`true`) or enabled (`false`) accounts.
        disabled: Query<Option<bool>>,
        /// Only accounts with (`true`) or without (`false`) a second factor (a confirmed
        /// TOTP).
        mfa: Query<Option<bool>>,
        /// Only accounts created strictly after this instant (RFC 3339, e.g.
        /// `2026-12-01T00:00:00Z`; a `+` offset must be sent as `%2B`).
        created_after: Query<Option<DateTime<Utc>>>,
        /// Only accounts created strictly before this instant (RFC 3339).
        created_before: Query<Option<DateTime<Utc>>>,
    ) -> Result<ListUsersResponse, Problem<ListUsersErrors>> {
        let page = KeysetPage::parse(limit.0, cursor.0.as_deref())
            .map_err(|err| ApiError::validation(vec![err]))?;
        let query = ListUsers {
            page,
            login_prefix: q.0,
            email_verified: email_verified.0,
            disabled: disabled.0,
            mfa: mfa.0,
            created_after: created_after.0,
            created_before: created_before.0,
        };
        let page = list_users(&state.db, query).await?;
        Ok(ListUsersResponse::Ok(Json(page.into())))
    }
}

use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Query, payload::Json};
use uuid::Uuid;

use super::{
    dto::{AuditActionName, AuditEventPage},
    handler::list_audit_events,
    query::ListAuditEvents,
};
use crate::http::{
    ApiError, ApiTags, AppState, KeysetPage, Permitted, Problem, can, error_statuses,
};

#[derive(Default)]
pub(crate) struct ListAuditEventsRoute;

error_statuses!(ListAuditEventsErrors: 401, 403, 422, 429, 500, 503;
    403 => "The caller lacks the `audit:read` permission (`/problems/missing-permission`).",
    422 => "A parameter is invalid: `limit` out of 1-100, a `cursor` this service did not hand out, an `actor` that is neither an account id nor `system`, a `target` that is not a UUID, an unknown `action`; `errors` names it.",
);

#[derive(ApiResponse)]
enum ListAuditEventsResponse {
    /// A page of events, newest first.
    #[oai(status = 200)]
    Ok(Json<AuditEventPage>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Admin")]
impl ListAuditEventsRoute {
    /// List audit events
    ///
    /// The audit trail (sign-ups, logins, logouts and revocations, password and e-mail
    /// changes, permission and account changes), newest first, a page at a time: pass a
    /// page's `next_cursor` as `cursor` for the next one. Paging is stable: an event
    /// recorded meanwhile is newer than every page still to come, so none is skipped or
    /// listed twice.
    #[oai(
        path = "/admin/audit",
        method = "get",
        operation_id = "listAuditEvents"
    )]
    #[expect(
        clippy::too_many_arguments,
        reason = "one argument per query parameter"
    )]
    async fn list_audit_events(
        &self,
        _caller: Permitted<can::ReadAudit>,
        state: Data<&AppState>,
        /// Events per page.
        #[oai(
            default = "KeysetPage::default_limit",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        limit: Query<u32>,
        /// The `next_cursor` of the previous page; none for the newest page.
        cursor: Query<Option<String>>,
        /// Only the events of this actor: an account id, or `system` for those of no
        /// account.
        actor: Query<Option<String>>,
        /// Only the events on this account.
        target: Query<Option<Uuid>>,
        /// Only the events of this action.
        action: Query<Option<AuditActionName>>,
    ) -> Result<ListAuditEventsResponse, Problem<ListAuditEventsErrors>> {
        let query = ListAuditEvents::parse(
            limit.0,
            cursor.0.as_deref(),
            actor.0.as_deref(),
            target.0,
            action.0.map(Into::into),
        )
        .map_err(ApiError::validation)?;
        let page = list_audit_events(&state.db, query).await?;
        Ok(ListAuditEventsResponse::Ok(Json(page.into())))
    }
}

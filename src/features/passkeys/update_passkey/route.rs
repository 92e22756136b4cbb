use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, payload::Json};

use crate::{
    domain::{AuditAction, Validator},
    features::passkeys::dto::{PasskeyNameRules, PasskeyView, passkey_name},
    http::{
        ApiError, ApiTags, AppState, Authenticated, JsonString, Problem, ResourceId, error_statuses,
    },
    services::{
        audit::{AuditEntry, Provenance},
        passkeys,
    },
};

#[derive(Default)]
pub(crate) struct UpdatePasskeyRoute;

error_statuses!(UpdatePasskeyErrors: 400, 401, 404, 413, 415, 422, 429, 500, 503;
    404 => "The caller has no passkey with this id: unknown, another account's, or not a UUID.",
);

/// A passkey's new name.
#[derive(Object)]
struct UpdatePasskeyRequest {
    /// 1 to 64 characters, not all spaces, no control characters (line breaks, tabs); trimmed.
    name: JsonString<PasskeyNameRules>,
}

#[derive(ApiResponse)]
enum UpdatePasskeyResponse {
    /// The renamed passkey.
    #[oai(status = 200)]
    Ok(Json<PasskeyView>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Passkeys")]
impl UpdatePasskeyRoute {
    /// Rename a passkey
    #[oai(
        path = "/passkeys/:id",
        method = "patch",
        operation_id = "updatePasskey"
    )]
    async fn update_passkey(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The passkey id.
        id: Path<ResourceId>,
        body: Json<UpdatePasskeyRequest>,
    ) -> Result<UpdatePasskeyResponse, Problem<UpdatePasskeyErrors>> {
        let mut v = Validator::default();
        let name = v.check("name", passkey_name(body.0.name.value()));
        let name = v.finish(|| name).map_err(ApiError::validation)?;
        let not_found = || ApiError::not_found("you have no passkey with this id");
        let id = id.get().ok_or_else(not_found)?;
        let renamed = passkeys::rename(&state.db, caller.user_id(), id, name)
            .await
            .map_err(ApiError::from)?
            .ok_or_else(not_found)?;
        AuditEntry::new(AuditAction::PasskeyRenamed)
            .by_self(caller.user_id())
            .with("passkey_id", id.to_string())
            .record(&state.db, &provenance, state.clock.now())
            .await
            .map_err(ApiError::from)?;
        Ok(UpdatePasskeyResponse::Ok(Json(renamed.into())))
    }
}

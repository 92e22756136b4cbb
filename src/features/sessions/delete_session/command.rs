use uuid::Uuid;

use crate::{
    domain::AuditAction,
    http::Authenticated,
    services::sessions::{Ending, OwnerEnding},
};

/// The caller ends its session `session_id` if it is still open, audited as a revocation.
pub(super) fn end_one(caller: &Authenticated, session_id: Uuid) -> OwnerEnding {
    Ending::One(session_id).by(caller.user_id(), AuditAction::SessionRevoked)
}

use crate::{
    domain::AuditAction,
    http::Authenticated,
    services::sessions::{Ending, OwnerEnding},
};

/// The caller ends every open session of its account but the current one, in one statement,
/// audited as one revocation naming how many ended; none is not an error, and leaves no row.
pub(super) fn end_the_others(caller: &Authenticated) -> OwnerEnding {
    Ending::AllBut(caller.session_id).by(caller.user_id(), AuditAction::SessionRevoked)
}

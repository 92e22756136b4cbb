use crate::{
    domain::AuditAction,
    http::Authenticated,
    services::sessions::{Ending, OwnerEnding},
};

/// Logging out: the caller ends the session its token belongs to, audited as a logout. One
/// that ended meanwhile (a concurrent logout) is just as logged out, and audited once, by
/// whichever ended it.
pub(super) fn log_out(caller: &Authenticated) -> OwnerEnding {
    Ending::One(caller.session_id).by(caller.user_id(), AuditAction::LoggedOut)
}

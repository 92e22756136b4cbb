use poem_openapi::Object;

use crate::features::sessions::dto::UserSession;

/// A live session: one login on one device. It ends at `expires_at`, or earlier when it goes
/// `SESSION_IDLE_TIMEOUT` without a refresh, or when it is ended (logout, revocation).
#[derive(Object)]
pub(super) struct Session {
    #[oai(flatten)]
    pub session: UserSession,
    /// Whether this is the session of the token making the request.
    pub current: bool,
}

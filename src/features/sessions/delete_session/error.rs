use crate::http::ApiError;

/// Not a live session of the caller's: unknown, someone else's, already ended, or an id that
/// is not a UUID. Alike, so session ids of other accounts cannot be probed.
pub(super) fn no_such_session() -> ApiError {
    ApiError::not_found("you have no live session with this id")
}

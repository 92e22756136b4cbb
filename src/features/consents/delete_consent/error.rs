use crate::http::ApiError;

/// No consent of the caller's to this client: never given, already withdrawn, or an id that
/// is not a UUID.
pub(super) fn no_such_consent() -> ApiError {
    ApiError::not_found("you have not consented to a client with this id")
}

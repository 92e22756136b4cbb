use poem_openapi::Object;
use uuid::Uuid;

/// A confidential client's new secret.
#[derive(Object)]
pub(super) struct ClientSecret {
    /// The client's `client_id` (UUID v7).
    pub client_id: Uuid,
    /// The new secret (43 characters), shown this once: only its hash is kept. The old one
    /// no longer works.
    pub client_secret: String,
}

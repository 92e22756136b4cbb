use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use crate::services::oidc::Consent;

/// A third-party client the caller let sign in with this account, and what it may use.
#[derive(Object)]
pub(super) struct ClientConsent {
    /// The client's `client_id`.
    pub client_id: Uuid,
    /// The client's name, as its consent page showed it.
    pub client_name: String,
    /// Every scope granted to it so far; the consent page asks only for others.
    pub scopes: Vec<String>,
    /// When the caller last granted it scopes.
    pub granted_at: DateTime<Utc>,
}

impl From<Consent> for ClientConsent {
    fn from(consent: Consent) -> Self {
        Self {
            client_id: consent.client_id,
            client_name: consent.client_name,
            scopes: consent
                .scopes
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            granted_at: consent.granted_at,
        }
    }
}

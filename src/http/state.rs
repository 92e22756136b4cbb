use std::sync::Arc;

use ipnet::IpNet;
use poem::Request;
use sea_orm::DatabaseConnection;

use super::error::ApiError;
use crate::infra::{
    clock::Clock,
    email_verifier::EmailVerifier,
    rate_limit::RateLimits,
    security::{PasswordHasher, SessionSettings, TokenService},
};

/// Everything a request handler may need, built once at start-up.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub clock: Clock,
    pub tokens: Arc<TokenService>,
    pub sessions: SessionSettings,
    pub hasher: Arc<PasswordHasher>,
    pub limits: Arc<RateLimits>,
    pub verifier: Arc<EmailVerifier>,
    /// `REQUIRE_VERIFIED_EMAIL`: no access token for an unconfirmed address.
    pub require_verified_email: bool,
    pub trusted_proxies: Arc<[IpNet]>,
}

impl AppState {
    /// The state the application attached to every request.
    pub(crate) fn of(req: &Request) -> Result<&Self, ApiError> {
        req.data::<Self>()
            .ok_or_else(|| ApiError::internal(&"the request carries no application state"))
    }
}

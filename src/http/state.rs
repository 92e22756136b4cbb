use std::{sync::Arc, time::Duration};

use poem::Request;
use sea_orm::DatabaseConnection;

use super::{client_ip::Proxies, error::ApiError};
use crate::{
    domain::MinScore,
    infra::{
        clock::Clock,
        db::SingleStatementDb,
        email_verifier::EmailVerifier,
        events::kafka::KafkaProbe,
        pwned_passwords::BreachCheck,
        rate_limit::RateLimits,
        redis::SharedRedis,
        security::{PasswordHasher, SessionSettings, TokenService},
    },
    services::{
        credentials::CredentialCheck, mfa::Totp, passkeys::Passkeys,
        password_policy::PasswordPolicy, sessions::NewSignInSettings,
    },
};

/// A handle on what every request shares: poem's `data` clones it into each request, so it
/// is one reference count, not a copy of every field (BENCHMARKS.md, issue 28).
#[derive(Clone)]
pub struct AppState(Arc<SharedState>);

impl AppState {
    /// The handle on `shared`, built once at start-up.
    pub fn new(shared: SharedState) -> Self {
        Self(Arc::new(shared))
    }

    /// The state the application attached to every request.
    pub(crate) fn of(req: &Request) -> Result<&Self, ApiError> {
        req.data::<Self>()
            .ok_or_else(|| ApiError::internal(&"the request carries no application state"))
    }
}

impl std::ops::Deref for AppState {
    type Target = SharedState;

    fn deref(&self) -> &SharedState {
        &self.0
    }
}

/// Everything a request handler may need, built once at start-up.
pub struct SharedState {
    pub db: DatabaseConnection,
    /// Where the bearer check and a refresh run their one statement (connections kept from
    /// `db`'s pool).
    pub single_statement_db: SingleStatementDb,
    pub clock: Clock,
    pub tokens: Arc<TokenService>,
    pub sessions: SessionSettings,
    pub hasher: Arc<PasswordHasher>,
    pub limits: Arc<RateLimits>,
    pub verifier: Arc<EmailVerifier>,
    /// `PASSWORD_MIN_SCORE`: the lowest zxcvbn score of a new password.
    pub min_password_score: MinScore,
    /// `PWNED_PASSWORDS_*`: the breach lookup of new passwords, or none.
    pub breaches: Arc<BreachCheck>,
    /// `MFA_*`: the keys that seal TOTP secrets, and the issuer apps show.
    pub totp: Totp,
    /// `WEBAUTHN_*`: the relying party passkeys are bound to, and the mobile apps.
    pub passkeys: Passkeys,
    /// `NEW_SIGNIN_*`: mail the owner of a login from a new device.
    pub new_sign_in: NewSignInSettings,
    /// `REQUIRE_VERIFIED_EMAIL`: no access token for an unconfirmed address.
    pub require_verified_email: bool,
    /// `TRUSTED_PROXIES` and `CLIENT_IP_HEADER`: where a request came from.
    pub proxies: Proxies,
    /// The dependencies the readiness check probes when configured.
    pub redis: Option<Arc<SharedRedis>>,
    pub kafka: Option<KafkaProbe>,
    /// `READINESS_MAX_OUTBOX_AGE_SECONDS`: not ready while an unpublished event is older;
    /// zero: the outbox is not checked.
    pub max_outbox_age: Duration,
}

impl SharedState {
    /// The policy new passwords meet (`PASSWORD_MIN_SCORE`, `PWNED_PASSWORDS_*`).
    pub(crate) fn password_policy(&self) -> PasswordPolicy {
        PasswordPolicy::new(self.min_password_score, self.breaches.clone())
    }

    /// What checking a caller's password and second-factor code needs.
    pub(crate) fn credential_check(&self) -> CredentialCheck<'_> {
        CredentialCheck {
            db: &self.db,
            hasher: &self.hasher,
            limits: &self.limits,
            totp: &self.totp,
        }
    }
}

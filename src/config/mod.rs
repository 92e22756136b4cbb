//! Settings from the environment (and an optional `.env`), validated once at start-up.
//!
//! One serde struct per section, each next to the adapter that uses it, read with envy from
//! the variables under the section's prefix (`JWT_`, `SMTP_`, ...): a field `issuer` under
//! `JWT_` is `JWT_ISSUER`. Every default sits next to its field (`#[default(...)]`), and
//! `#[serde(default)]` uses the same one, so `Settings::default()` is the embedded,
//! zero-setup run. The sections are listed once, in [`load`](load::load).

mod load;
mod sections;
#[cfg(test)]
mod tests;

use std::env;

pub use self::sections::{AppEnv, AppSettings, MetricsAddr, ServerSettings};
pub use crate::{
    http::ClientIpHeader,
    infra::{
        clock::Clock,
        db::{DEFAULT_DATABASE_URL, DatabaseSettings},
        email_verifier::EmailVerifierSettings,
        events::{KafkaSettings, OutboxSettings},
        mail::{EmailSettings, SmtpSettings, SmtpTls},
        pwned_passwords::PwnedPasswordsSettings,
        rate_limit::{Quota, RateLimitSettings},
        redis::RedisSettings,
        security::{HasherKind, JwtSettings, SessionSettings},
        telemetry::LogFormat,
    },
    services::{
        audit::AuditSettings,
        email_confirmation::EmailVerificationSettings,
        mfa::MfaSettings,
        passkeys::{AndroidApp, PasskeySettings},
        password_reset::PasswordResetSettings,
        sessions::NewSignInSettings,
    },
};

/// Every setting the service reads; `Settings::default()` is the embedded, zero-setup run.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// `APP_*`: the environment and the listen address.
    pub app: AppSettings,
    /// `DATABASE_*`.
    pub database: DatabaseSettings,
    /// The variables without a section prefix (`PASSWORD_HASH_COST`, `CORS_ORIGINS`, ...).
    pub server: ServerSettings,
    /// `JWT_*`.
    pub jwt: JwtSettings,
    /// `SESSION_TTL`, `SESSION_IDLE_TIMEOUT`, `REFRESH_TOKEN_REUSE_GRACE`.
    pub sessions: SessionSettings,
    /// `REDIS_*`.
    pub redis: RedisSettings,
    /// `RATE_LIMIT_*`.
    pub rate_limit: RateLimitSettings,
    /// `KAFKA_*`; `None` (no `KAFKA_BROKERS`): events are delivered in-process.
    pub kafka: Option<KafkaSettings>,
    /// `SMTP_*`; `None` (no `SMTP_HOST`): e-mails are logged, not sent.
    pub smtp: Option<SmtpSettings>,
    /// `EMAIL_PRODUCT_NAME`, `EMAIL_PRODUCT_URL`, `EMAIL_LOGO_URL`, `EMAIL_SUPPORT_ADDRESS`,
    /// `EMAIL_TEMPLATES_DIR`.
    pub email: EmailSettings,
    /// `OUTBOX_*`.
    pub outbox: OutboxSettings,
    /// `EMAIL_VERIFIER_*`; `None` (`EMAIL_VERIFIER_ENABLED=false`): sign-up runs no
    /// reputation check (the null verifier).
    pub email_verifier: Option<EmailVerifierSettings>,
    /// `PWNED_PASSWORDS_*`; `None` (no `PWNED_PASSWORDS_URL`): new passwords are not looked
    /// up in a breach corpus.
    pub pwned_passwords: Option<PwnedPasswordsSettings>,
    /// `EMAIL_VERIFICATION_*` and `REQUIRE_VERIFIED_EMAIL`.
    pub email_verification: EmailVerificationSettings,
    /// `PASSWORD_RESET_*`.
    pub password_reset: PasswordResetSettings,
    /// `AUDIT_RETENTION`.
    pub audit: AuditSettings,
    /// `NEW_SIGNIN_*`.
    pub new_sign_in: NewSignInSettings,
    /// `MFA_*`.
    pub mfa: MfaSettings,
    /// `WEBAUTHN_*`.
    pub webauthn: PasskeySettings,
    /// Not from the environment: tests set a manual clock; production refuses one.
    pub clock: Clock,
    /// Not from the environment: tests pick the fast hasher; production refuses it.
    pub password_hasher: HasherKind,
}

/// A setting that is missing or malformed; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {var}: {reason}")]
pub struct ConfigError {
    pub var: String,
    pub reason: String,
}

impl ConfigError {
    fn new(var: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            var: var.into(),
            reason: reason.into(),
        }
    }
}

impl Settings {
    /// Reads `.env` (when present) into the environment, then the environment once; the
    /// first bad value stops start-up.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_vars(
            env::vars_os().filter_map(|(var, value)| {
                Some((var.into_string().ok()?, value.into_string().ok()?))
            }),
        )
    }

    /// For the binaries: the settings, or `None` after printing why they are invalid.
    pub fn from_env_or_report() -> Option<Self> {
        Self::from_env()
            .inspect_err(|err| eprintln!("error: {err}"))
            .ok()
    }

    /// Settings from any set of variables; set-but-empty counts as unset.
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        load::load(&mut load::Vars::new(vars))
    }

    /// The envelope sender (`SMTP_SENDER`, or its default when e-mails are only logged).
    pub fn sender(&self) -> String {
        self.smtp.clone().unwrap_or_default().sender
    }

    pub fn is_production(&self) -> bool {
        self.app.env == AppEnv::Production
    }

    /// `LOG_FORMAT`, or when unset JSON in production and pretty otherwise.
    pub fn log_format(&self) -> LogFormat {
        self.server.log_format.unwrap_or(match self.app.env {
            AppEnv::Production => LogFormat::Json,
            AppEnv::Development | AppEnv::Test => LogFormat::Pretty,
        })
    }
}

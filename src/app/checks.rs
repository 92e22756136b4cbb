//! What `APP_ENV=production` refuses, or warns about, at start; elsewhere only the throw-away
//! key that seals TOTP secrets when none is set, and the passkeys' default origin.

use webauthn_rs::prelude::Url;

use super::StartupError;
use crate::{
    config::{Settings, SmtpSettings},
    infra::{
        clock::Clock,
        security::{HasherKind, SealingKeys},
    },
    services::passkeys::Passkeys,
};

/// SMTP AUTH set to go out unencrypted in production.
#[derive(Debug, thiserror::Error)]
#[error(
    "SMTP_USERNAME and SMTP_PASSWORD are set with SMTP_TLS=none and APP_ENV=production: the \
     credentials would cross the network in clear text; set SMTP_TLS=starttls or implicit, or \
     SMTP_ALLOW_PLAINTEXT_AUTH=true for a relay on localhost"
)]
pub struct PlaintextSmtpAuth;

/// The SMTP rule, for both processes that send e-mail (the server and the worker).
pub(super) fn smtp_auth(settings: &Settings) -> Result<(), PlaintextSmtpAuth> {
    let in_clear = (settings.smtp.as_ref()).is_some_and(SmtpSettings::sends_credentials_in_clear);
    if settings.is_production() && in_clear {
        return Err(PlaintextSmtpAuth);
    }
    Ok(())
}

/// The server's checks: no test seam and the SMTP rule; one warning when limits are counted
/// per instance.
pub(super) fn server(settings: &Settings) -> Result<(), StartupError> {
    if !settings.is_production() {
        return Ok(());
    }
    if settings.password_hasher != HasherKind::Bcrypt {
        return Err(StartupError::TestSeam("the fast password hasher"));
    }
    if !matches!(settings.clock, Clock::System) {
        return Err(StartupError::TestSeam("a manual clock"));
    }
    smtp_auth(settings)?;
    if settings.redis.url.is_none() {
        tracing::warn!(
            "REDIS_URL is unset: rate limits and login throttling are counted per instance"
        );
    }
    Ok(())
}

/// `MFA_ENCRYPTION_KEY`; production refuses to start without it, development seals with a
/// throw-away key and says so.
pub(super) fn mfa_keys(settings: &Settings) -> Result<SealingKeys, StartupError> {
    match &settings.mfa.encryption_key {
        Some(keys) => Ok(keys.clone()),
        None if settings.is_production() => Err(StartupError::MissingMfaKey),
        None => {
            tracing::warn!(
                "MFA_ENCRYPTION_KEY is unset: TOTP secrets are sealed with a throw-away key; \
                 enrolments die with this process"
            );
            Ok(SealingKeys::throwaway())
        }
    }
}

/// `JWT_ISSUER`, or `http://localhost:<APP_PORT>` outside production; production needs an
/// https issuer (OpenID Connect Core §2), or http on a loopback host for local drills.
pub(super) fn issuer(settings: &Settings) -> Result<String, StartupError> {
    let Some(issuer) = &settings.jwt.issuer else {
        if settings.is_production() {
            return Err(StartupError::MissingIssuer);
        }
        return Ok(format!("http://localhost:{}", settings.app.port));
    };
    let loopback = Url::parse(issuer)
        .is_ok_and(|url| matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")));
    if settings.is_production() && !issuer.starts_with("https://") && !loopback {
        return Err(StartupError::InsecureIssuer(issuer.clone()));
    }
    Ok(issuer.clone())
}

/// The passkeys' relying party: `WEBAUTHN_ORIGINS`, or `http://localhost:<APP_PORT>` outside
/// production; production without origins serves no passkeys and says so once.
pub(super) fn passkeys(settings: &Settings) -> Result<Passkeys, StartupError> {
    let default_origin = (!settings.is_production())
        .then(|| Url::parse(&format!("http://localhost:{}", settings.app.port)).ok())
        .flatten();
    let passkeys =
        Passkeys::new(&settings.webauthn, default_origin).map_err(StartupError::Passkeys)?;
    if !passkeys.configured() {
        tracing::warn!(
            "WEBAUTHN_ORIGINS is unset: passkey operations answer 503 passkeys-not-configured"
        );
    }
    Ok(passkeys)
}

#[cfg(test)]
mod tests {
    use super::{issuer, server, smtp_auth};
    use crate::config::Settings;

    const AUTH_IN_CLEAR: [(&str, &str); 4] = [
        ("SMTP_HOST", "mail.example.com"),
        ("SMTP_USERNAME", "accounts"),
        ("SMTP_PASSWORD", "hunter2"),
        ("SMTP_TLS", "none"),
    ];

    fn settings(env: &str, extra: &[(&str, &str)]) -> Settings {
        let base = [("APP_ENV", env), ("DATABASE_URL", "sqlite::memory:")];
        let vars = base
            .iter()
            .chain(AUTH_IN_CLEAR.iter())
            .chain(extra)
            .map(|(k, v)| (k.to_string(), v.to_string()));
        Settings::from_vars(vars).unwrap()
    }

    #[test]
    fn production_refuses_smtp_credentials_in_clear_text() {
        let refused = settings("production", &[]);
        let message = smtp_auth(&refused).unwrap_err().to_string();
        for named in ["SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_TLS", "clear text"] {
            assert!(message.contains(named), "{message}");
        }
        assert!(!message.contains("hunter2"), "{message}");
        let message = server(&refused).unwrap_err().to_string();
        assert!(message.contains("SMTP_ALLOW_PLAINTEXT_AUTH"), "{message}");
    }

    #[test]
    fn the_allow_flag_tls_or_no_password_let_production_start() {
        for extra in [
            ("SMTP_ALLOW_PLAINTEXT_AUTH", "true"),
            ("SMTP_TLS", "starttls"),
            ("SMTP_TLS", "implicit"),
        ] {
            let allowed = settings("production", &[extra]);
            assert!(smtp_auth(&allowed).is_ok(), "{extra:?}");
            assert!(server(&allowed).is_ok(), "{extra:?}");
        }
        let mut no_password = settings("production", &[]);
        no_password.smtp.as_mut().unwrap().password = None;
        assert!(smtp_auth(&no_password).is_ok());
    }

    #[test]
    fn outside_production_nothing_is_refused() {
        for env in ["development", "test"] {
            let settings = settings(env, &[]);
            assert!(smtp_auth(&settings).is_ok(), "{env}");
            assert!(server(&settings).is_ok(), "{env}");
        }
    }

    #[test]
    fn the_issuer_defaults_to_the_port_outside_production_and_is_https_in_production() {
        let unset = settings("development", &[("APP_PORT", "9000")]);
        assert_eq!(issuer(&unset).unwrap(), "http://localhost:9000");
        let message = issuer(&settings("production", &[]))
            .unwrap_err()
            .to_string();
        assert!(message.contains("JWT_ISSUER must be set"), "{message}");
        let insecure = settings(
            "production",
            &[("JWT_ISSUER", "http://accounts.example.com")],
        );
        assert!(issuer(&insecure).is_err());
        for allowed in ["https://accounts.example.com/id", "http://127.0.0.1:8080"] {
            let set = settings("production", &[("JWT_ISSUER", allowed)]);
            assert_eq!(issuer(&set).unwrap(), allowed);
        }
    }
}

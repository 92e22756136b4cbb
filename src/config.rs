//! Settings from the environment (and an optional `.env`), validated once at start-up.

use std::{env, fmt, path::PathBuf, str::FromStr, time::Duration};

use ipnet::IpNet;

use secrecy::SecretString;

pub use crate::{
    features::email_confirmation::EmailVerificationSettings,
    infra::{
        clock::Clock,
        email_verifier::EmailVerifierSettings,
        events::{KafkaSettings, OutboxSettings},
        mail::{SmtpSettings, SmtpTls},
        rate_limit::{Quota, RateLimitSettings},
        security::{HasherKind, JwtSettings},
        telemetry::LogFormat,
    },
};

/// The default database: an SQLite file under `./data`, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/app.db?mode=rwc";

/// Every setting the service reads; `Settings::default()` is the embedded, zero-setup run.
#[derive(Clone, Debug)]
pub struct Settings {
    pub env: AppEnv,
    pub host: String,
    pub port: u16,
    pub database_url: String,
    pub database_max_connections: u32,
    pub jwt: JwtSettings,
    pub password_hash_cost: u32,
    pub cors_origins: Vec<String>,
    pub request_body_limit: usize,
    pub log_format: LogFormat,
    pub shutdown_timeout: Duration,
    /// `None`: the in-process limiter.
    pub redis_url: Option<String>,
    pub redis_key_prefix: String,
    pub rate_limit: RateLimitSettings,
    /// Proxies whose `Forwarded` / `X-Forwarded-For` headers are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// `None`: events are delivered in-process.
    pub kafka: Option<KafkaSettings>,
    /// `None`: e-mails are logged, not sent.
    pub smtp: Option<SmtpSettings>,
    pub outbox: OutboxSettings,
    /// `None`: sign-up runs no reputation check (the null verifier).
    pub email_verifier: Option<EmailVerifierSettings>,
    pub email_verification: EmailVerificationSettings,
    /// Not from the environment: tests set a manual clock; production refuses one.
    pub clock: Clock,
    /// Not from the environment: tests pick the fast hasher; production refuses it.
    pub password_hasher: HasherKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Test,
    Production,
}

/// A setting that is missing or malformed; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {var}: {reason}")]
pub struct ConfigError {
    pub var: &'static str,
    pub reason: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            env: AppEnv::Development,
            host: "127.0.0.1".into(),
            port: 8080,
            database_url: DEFAULT_DATABASE_URL.into(),
            database_max_connections: 10,
            jwt: JwtSettings {
                private_key_path: ".certs/jwt-private.pem".into(),
                public_key_path: ".certs/jwt-public.pem".into(),
                access_token_ttl: Duration::from_secs(900),
                issuer: "accounts-api".into(),
                audience: "accounts-api".into(),
            },
            password_hash_cost: 12,
            cors_origins: Vec::new(),
            request_body_limit: 64 * 1024,
            log_format: LogFormat::Pretty,
            shutdown_timeout: Duration::from_secs(30),
            redis_url: None,
            redis_key_prefix: "accounts-api:".into(),
            rate_limit: RateLimitSettings {
                enabled: true,
                per_ip: Quota {
                    limit: 100,
                    window: Duration::from_secs(60),
                },
                per_user: Quota {
                    limit: 20,
                    window: Duration::from_secs(60),
                },
                login_failures: Quota {
                    limit: 10,
                    window: Duration::from_secs(15 * 60),
                },
                verification_emails: Quota {
                    limit: 5,
                    window: Duration::from_secs(3600),
                },
                fail_closed: false,
            },
            trusted_proxies: Vec::new(),
            kafka: None,
            smtp: None,
            outbox: OutboxSettings {
                poll_interval: Duration::from_millis(100),
                batch_size: 500,
            },
            email_verifier: None,
            email_verification: EmailVerificationSettings {
                token_ttl: Duration::from_secs(24 * 3600),
                confirm_url: None,
                required: false,
            },
            clock: Clock::System,
            password_hasher: HasherKind::Bcrypt,
        }
    }
}

impl Settings {
    /// Reads `.env` (when present) and the environment; the first bad value stops start-up.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_vars(|var| env::var(var).ok())
    }

    /// For the binaries: the settings, or `None` after printing why they are invalid.
    pub fn from_env_or_report() -> Option<Self> {
        Self::from_env()
            .inspect_err(|err| eprintln!("error: {err}"))
            .ok()
    }

    /// Settings from any variable source; set-but-empty counts as unset.
    pub fn from_vars(source: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars(source);
        let d = Settings::default();
        let env = vars.parse_or("APP_ENV", d.env)?;
        let database_url = match vars.lookup("DATABASE_URL") {
            Some(url) => url,
            None if env == AppEnv::Production => {
                return Err(invalid(
                    "DATABASE_URL",
                    "must be set when APP_ENV=production",
                ));
            }
            None => d.database_url,
        };
        let default_log_format = match env {
            AppEnv::Production => LogFormat::Json,
            _ => LogFormat::Pretty,
        };
        let password_hash_cost = vars.parse_or("PASSWORD_HASH_COST", d.password_hash_cost)?;
        if !(4..=31).contains(&password_hash_cost) {
            return Err(invalid("PASSWORD_HASH_COST", "must be between 4 and 31"));
        }
        let access_ttl = vars.parse_or("JWT_ACCESS_TOKEN_TTL_SECONDS", 900u64)?;
        if access_ttl == 0 {
            return Err(invalid("JWT_ACCESS_TOKEN_TTL_SECONDS", "must be positive"));
        }
        Ok(Self {
            env,
            host: vars.lookup("APP_HOST").unwrap_or(d.host),
            port: vars.parse_or("APP_PORT", d.port)?,
            database_url,
            database_max_connections: vars
                .parse_or("DATABASE_MAX_CONNECTIONS", d.database_max_connections)?,
            jwt: JwtSettings {
                private_key_path: vars
                    .lookup("JWT_PRIVATE_KEY_PATH")
                    .map_or(d.jwt.private_key_path, PathBuf::from),
                public_key_path: vars
                    .lookup("JWT_PUBLIC_KEY_PATH")
                    .map_or(d.jwt.public_key_path, PathBuf::from),
                access_token_ttl: Duration::from_secs(access_ttl),
                issuer: vars.lookup("JWT_ISSUER").unwrap_or(d.jwt.issuer),
                audience: vars.lookup("JWT_AUDIENCE").unwrap_or(d.jwt.audience),
            },
            password_hash_cost,
            cors_origins: vars
                .lookup("CORS_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            request_body_limit: vars.parse_or("REQUEST_BODY_LIMIT_BYTES", d.request_body_limit)?,
            log_format: vars.parse_or("LOG_FORMAT", default_log_format)?,
            shutdown_timeout: Duration::from_secs(vars.parse_or("SHUTDOWN_TIMEOUT_SECONDS", 30)?),
            redis_url: vars.lookup("REDIS_URL"),
            redis_key_prefix: vars
                .lookup("REDIS_KEY_PREFIX")
                .unwrap_or(d.redis_key_prefix),
            rate_limit: RateLimitSettings {
                enabled: vars.parse_or("RATE_LIMIT_ENABLED", d.rate_limit.enabled)?,
                per_ip: vars.parse_or("RATE_LIMIT_PER_IP", d.rate_limit.per_ip)?,
                per_user: vars.parse_or("RATE_LIMIT_PER_USER", d.rate_limit.per_user)?,
                login_failures: vars
                    .parse_or("RATE_LIMIT_LOGIN_FAILURES", d.rate_limit.login_failures)?,
                verification_emails: vars.parse_or(
                    "RATE_LIMIT_VERIFICATION_EMAILS",
                    d.rate_limit.verification_emails,
                )?,
                fail_closed: vars.parse_or("RATE_LIMIT_FAIL_CLOSED", d.rate_limit.fail_closed)?,
            },
            trusted_proxies: match vars.lookup("TRUSTED_PROXIES") {
                None => Vec::new(),
                Some(list) => list
                    .split(',')
                    .map(str::trim)
                    .filter(|cidr| !cidr.is_empty())
                    .map(parse_proxy)
                    .collect::<Result<_, _>>()
                    .map_err(|reason| invalid("TRUSTED_PROXIES", &reason))?,
            },
            kafka: match vars.lookup("KAFKA_BROKERS") {
                None => None,
                Some(brokers) => Some(KafkaSettings {
                    brokers,
                    topic: vars
                        .lookup("KAFKA_TOPIC")
                        .unwrap_or_else(|| "email_notifications".into()),
                    consumer_group: vars
                        .lookup("KAFKA_CONSUMER_GROUP")
                        .unwrap_or_else(|| "accounts-api-email-worker".into()),
                    partitions: vars.parse_or("KAFKA_TOPIC_PARTITIONS", 3)?,
                    replication_factor: vars.parse_or("KAFKA_REPLICATION_FACTOR", 1)?,
                }),
            },
            smtp: match vars.lookup("SMTP_HOST") {
                None => None,
                Some(host) => Some(SmtpSettings {
                    host,
                    port: vars.parse_or("SMTP_PORT", 25)?,
                    tls: vars.parse_or("SMTP_TLS", SmtpTls::None)?,
                    username: vars.lookup("SMTP_USERNAME"),
                    password: vars.lookup("SMTP_PASSWORD").map(SecretString::from),
                    sender: vars
                        .lookup("SMTP_SENDER")
                        .unwrap_or_else(|| "accounts-api@localhost".into()),
                }),
            },
            outbox: OutboxSettings {
                poll_interval: Duration::from_millis(
                    vars.parse_or("OUTBOX_POLL_INTERVAL_MS", 100)?,
                ),
                batch_size: vars.parse_or("OUTBOX_BATCH_SIZE", d.outbox.batch_size)?,
            },
            email_verifier: email_verifier_settings(&vars)?,
            email_verification: EmailVerificationSettings {
                token_ttl: positive_secs(
                    &vars,
                    "EMAIL_VERIFICATION_TOKEN_TTL_SECONDS",
                    d.email_verification.token_ttl,
                )?,
                confirm_url: http_url(&vars, "EMAIL_VERIFICATION_URL")?,
                required: vars.parse_or("REQUIRE_VERIFIED_EMAIL", d.email_verification.required)?,
            },
            clock: d.clock,
            password_hasher: d.password_hasher,
        })
    }

    pub fn is_production(&self) -> bool {
        self.env == AppEnv::Production
    }
}

impl FromStr for AppEnv {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "development" | "dev" => Ok(Self::Development),
            "test" => Ok(Self::Test),
            "production" | "prod" => Ok(Self::Production),
            _ => Err("expected development, test or production".into()),
        }
    }
}

impl FromStr for SmtpTls {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "none" | "false" => Ok(Self::None),
            "starttls" => Ok(Self::StartTls),
            "implicit" | "tls" | "true" => Ok(Self::Implicit),
            _ => Err("expected none, starttls or implicit".into()),
        }
    }
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "json" => Ok(Self::Json),
            "pretty" => Ok(Self::Pretty),
            _ => Err("expected json or pretty".into()),
        }
    }
}

/// A source of variables, e.g. the process environment.
struct Vars<F>(F);

impl<F: Fn(&str) -> Option<String>> Vars<F> {
    fn lookup(&self, var: &str) -> Option<String> {
        (self.0)(var).filter(|v| !v.trim().is_empty())
    }

    fn parse_or<T>(&self, var: &'static str, default: T) -> Result<T, ConfigError>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        match self.lookup(var) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse()
                .map_err(|e: T::Err| invalid(var, &e.to_string())),
        }
    }
}

/// The reputation check when `EMAIL_VERIFIER_ENABLED=true`, which then needs a key.
fn email_verifier_settings<F: Fn(&str) -> Option<String>>(
    vars: &Vars<F>,
) -> Result<Option<EmailVerifierSettings>, ConfigError> {
    if !vars.parse_or("EMAIL_VERIFIER_ENABLED", false)? {
        return Ok(None);
    }
    let api_key = vars.lookup("EMAIL_VERIFIER_API_KEY").ok_or_else(|| {
        invalid(
            "EMAIL_VERIFIER_API_KEY",
            "must be set when EMAIL_VERIFIER_ENABLED=true",
        )
    })?;
    Ok(Some(EmailVerifierSettings {
        api_url: http_url(vars, "EMAIL_VERIFIER_API_URL")?
            .unwrap_or_else(|| "https://emailreputation.abstractapi.com/v1/".into()),
        api_key: SecretString::from(api_key),
        timeout: match vars.parse_or("EMAIL_VERIFIER_TIMEOUT_MS", 5000)? {
            0 => return Err(invalid("EMAIL_VERIFIER_TIMEOUT_MS", "must be positive")),
            ms => Duration::from_millis(ms),
        },
        cache_ttl: positive_secs(
            vars,
            "EMAIL_VERIFIER_CACHE_TTL_SECONDS",
            Duration::from_secs(24 * 3600),
        )?,
        cooldown: positive_secs(
            vars,
            "EMAIL_VERIFIER_COOLDOWN_SECONDS",
            Duration::from_secs(30),
        )?,
    }))
}

/// An absolute http(s) URL, when set.
fn http_url<F: Fn(&str) -> Option<String>>(
    vars: &Vars<F>,
    var: &'static str,
) -> Result<Option<String>, ConfigError> {
    match vars.lookup(var) {
        Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => {
            Err(invalid(var, "must be an absolute http:// or https:// URL"))
        }
        url => Ok(url),
    }
}

/// A whole number of seconds, more than zero.
fn positive_secs<F: Fn(&str) -> Option<String>>(
    vars: &Vars<F>,
    var: &'static str,
    default: Duration,
) -> Result<Duration, ConfigError> {
    match vars.parse_or(var, default.as_secs())? {
        0 => Err(invalid(var, "must be positive")),
        secs => Ok(Duration::from_secs(secs)),
    }
}

/// A CIDR, or a bare address meaning just that host.
fn parse_proxy(cidr: &str) -> Result<IpNet, String> {
    cidr.parse::<IpNet>()
        .or_else(|_| cidr.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{cidr:?} is not an IP address or CIDR"))
}

fn invalid(var: &'static str, reason: &str) -> ConfigError {
    ConfigError {
        var,
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{AppEnv, LogFormat, Settings};

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_vars(|k| vars.get(k).cloned()).map_err(|e| e.to_string())
    }

    #[test]
    fn nothing_set_gives_the_embedded_defaults() {
        let s = settings(&[]).unwrap();
        assert_eq!((s.host.as_str(), s.port), ("127.0.0.1", 8080));
        assert_eq!(s.database_url, super::DEFAULT_DATABASE_URL);
        assert_eq!(
            (s.env, s.log_format),
            (AppEnv::Development, LogFormat::Pretty)
        );
        assert_eq!(s.jwt.access_token_ttl.as_secs(), 900);
    }

    #[test]
    fn reads_values_and_lists() {
        let s = settings(&[
            ("APP_PORT", "9000"),
            ("CORS_ORIGINS", "http://a.test, http://b.test,"),
            ("PASSWORD_HASH_COST", "10"),
            ("LOG_FORMAT", "JSON"),
        ])
        .unwrap();
        assert_eq!(s.port, 9000);
        assert_eq!(s.cors_origins, ["http://a.test", "http://b.test"]);
        assert_eq!((s.password_hash_cost, s.log_format), (10, LogFormat::Json));
        let s = settings(&[
            ("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"),
            ("RATE_LIMIT_PER_USER", "5/2s"),
        ])
        .unwrap();
        assert_eq!(s.trusted_proxies.len(), 2);
        assert_eq!(s.rate_limit.per_user.to_string(), "5/2s");
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        for (var, value) in [
            ("APP_PORT", "eighty"),
            ("APP_ENV", "staging"),
            ("PASSWORD_HASH_COST", "3"),
            ("JWT_ACCESS_TOKEN_TTL_SECONDS", "0"),
            ("LOG_FORMAT", "xml"),
            ("RATE_LIMIT_PER_IP", "100"),
            ("RATE_LIMIT_FAIL_CLOSED", "maybe"),
            ("TRUSTED_PROXIES", "10.0.0.0/8, not-an-ip"),
            ("EMAIL_VERIFIER_ENABLED", "yes please"),
            ("EMAIL_VERIFICATION_TOKEN_TTL_SECONDS", "0"),
            ("REQUIRE_VERIFIED_EMAIL", "sometimes"),
            ("EMAIL_VERIFICATION_URL", "app.example/confirm"),
        ] {
            let err = settings(&[(var, value)]).unwrap_err();
            assert!(err.contains(var), "{err}");
        }
    }

    #[test]
    fn the_reputation_check_needs_a_key_and_hides_it() {
        let err = settings(&[("EMAIL_VERIFIER_ENABLED", "true")]).unwrap_err();
        assert!(err.contains("EMAIL_VERIFIER_API_KEY"), "{err}");
        let s = settings(&[
            ("EMAIL_VERIFIER_ENABLED", "true"),
            ("EMAIL_VERIFIER_API_KEY", "k-123"),
        ])
        .unwrap();
        let verifier = s.email_verifier.expect("enabled");
        assert_eq!(verifier.timeout.as_millis(), 5000);
        assert!(!format!("{verifier:?}").contains("k-123"));
        assert!(
            settings(&[("EMAIL_VERIFIER_API_KEY", "k")])
                .unwrap()
                .email_verifier
                .is_none()
        );
        for (var, value) in [
            ("EMAIL_VERIFIER_API_URL", "emailreputation.example/v1"),
            ("EMAIL_VERIFIER_TIMEOUT_MS", "0"),
            ("EMAIL_VERIFIER_CACHE_TTL_SECONDS", "0"),
        ] {
            let enabled = [
                ("EMAIL_VERIFIER_ENABLED", "true"),
                ("EMAIL_VERIFIER_API_KEY", "k"),
                (var, value),
            ];
            let err = settings(&enabled).unwrap_err();
            assert!(err.contains(var), "{err}");
        }
    }

    #[test]
    fn production_requires_an_explicit_database() {
        let err = settings(&[("APP_ENV", "production")]).unwrap_err();
        assert!(err.contains("DATABASE_URL"), "{err}");
        let s = settings(&[
            ("APP_ENV", "production"),
            ("DATABASE_URL", "postgres://db/x"),
        ])
        .unwrap();
        assert_eq!(s.log_format, LogFormat::Json);
    }
}

//! The loader: every section once, in order, from a [`Source`]; the variables source with
//! its error naming; and the field names a section reads, taken from its `Deserialize`.

use std::{cell::Cell, collections::BTreeMap};

use secrecy::ExposeSecret;
use serde::{
    Deserialize, Deserializer,
    de::{DeserializeOwned, Error, Visitor, value},
    forward_to_deserialize_any,
};

use super::{AppEnv, ConfigError, Settings};

/// Where the sections come from: the variables, or (in the documentation check) a recorder
/// of the variables each section reads.
pub(super) trait Source {
    /// The section under `prefix`: a field `ttl_seconds` is `<prefix>TTL_SECONDS`; unset
    /// fields keep their defaults.
    fn section<T: DeserializeOwned + Default>(
        &mut self,
        prefix: &'static str,
    ) -> Result<T, ConfigError>;
}

/// `EMAIL_VERIFIER_ENABLED`: whether the reputation check runs at all.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Switch {
    enabled: bool,
}

/// Every section, with the rules that span more than one variable.
pub(super) fn load(src: &mut impl Source) -> Result<Settings, ConfigError> {
    let app: super::AppSettings = src.section("APP_")?;
    let database: super::DatabaseSettings = src.section("DATABASE_")?;
    if app.env == AppEnv::Production && database.url.is_none() {
        return Err(ConfigError::new(
            "DATABASE_URL",
            "must be set when APP_ENV=production",
        ));
    }
    let kafka: super::KafkaSettings = src.section("KAFKA_")?;
    let smtp: super::SmtpSettings = src.section("SMTP_")?;
    let verifier: Switch = src.section("EMAIL_VERIFIER_")?;
    let email_verifier: super::EmailVerifierSettings = src.section("EMAIL_VERIFIER_")?;
    if verifier.enabled && email_verifier.api_key.expose_secret().is_empty() {
        return Err(ConfigError::new(
            "EMAIL_VERIFIER_API_KEY",
            "must be set when EMAIL_VERIFIER_ENABLED=true",
        ));
    }
    let pwned: super::PwnedPasswordsSettings = src.section("PWNED_PASSWORDS_")?;
    Ok(Settings {
        app,
        database,
        server: src.section("")?,
        jwt: src.section("JWT_")?,
        sessions: src.section("")?,
        redis: src.section("REDIS_")?,
        rate_limit: src.section("RATE_LIMIT_")?,
        kafka: (!kafka.brokers.is_empty()).then_some(kafka),
        smtp: (!smtp.host.is_empty()).then_some(smtp),
        email: src.section("EMAIL_")?,
        outbox: src.section("OUTBOX_")?,
        email_verifier: verifier.enabled.then_some(email_verifier),
        pwned_passwords: (!pwned.url.is_empty()).then_some(pwned),
        email_verification: src.section("")?,
        password_reset: src.section("PASSWORD_RESET_")?,
        audit: src.section("AUDIT_")?,
        new_sign_in: src.section("NEW_SIGNIN_")?,
        mfa: src.section("MFA_")?,
        webauthn: src.section("WEBAUTHN_")?,
        ..Settings::default()
    })
}

/// The variables, set-but-empty ones left out and values trimmed.
pub(super) struct Vars(BTreeMap<String, String>);

impl Vars {
    pub(super) fn new(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        Self(
            vars.into_iter()
                .map(|(var, value)| (var, value.trim().to_owned()))
                .filter(|(_, value)| !value.is_empty())
                .collect(),
        )
    }
}

impl Source for Vars {
    fn section<T: DeserializeOwned + Default>(
        &mut self,
        prefix: &'static str,
    ) -> Result<T, ConfigError> {
        let own: Vec<(String, String)> = variables::<T>(prefix)
            .into_iter()
            .filter_map(|var| Some((var.clone(), self.0.get(&var)?.clone())))
            .collect();
        envy::prefixed(prefix)
            .from_iter(own.clone())
            .map_err(|err| culprit::<T>(prefix, &own, &err))
    }
}

/// The variable to blame for a section that failed: the first that fails on its own (the
/// others unset, so at their defaults). envy's messages name no prefix, and a custom
/// type's error names nothing.
fn culprit<T: DeserializeOwned>(
    prefix: &str,
    own: &[(String, String)],
    err: &envy::Error,
) -> ConfigError {
    own.iter()
        .find_map(|(var, value)| {
            let alone = envy::prefixed(prefix).from_iter::<_, T>([(var.clone(), value.clone())]);
            alone.err().map(|err| ConfigError::new(var, reason(&err)))
        })
        .unwrap_or_else(|| {
            let vars: Vec<&str> = own.iter().map(|(var, _)| var.as_str()).collect();
            ConfigError::new(vars.join(", "), reason(err))
        })
}

/// envy's message without the value it quotes (never echo a value: it may be a secret).
fn reason(err: &envy::Error) -> String {
    let message = err.to_string();
    match message.split_once(" while parsing value ") {
        Some((reason, _)) => reason.to_owned(),
        None => message,
    }
}

/// The variables a section reads: its prefix and each field's serde name, upper-case.
pub(super) fn variables<T: DeserializeOwned>(prefix: &str) -> Vec<String> {
    field_names::<T>()
        .iter()
        .map(|field| format!("{prefix}{}", field.to_ascii_uppercase()))
        .collect()
}

/// A struct's field names as its derived `Deserialize` announces them to
/// `deserialize_struct` (renames applied, skipped fields left out).
fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    let fields = Cell::new(&[][..]);
    let _ = T::deserialize(FieldNames(&fields));
    fields.get()
}

/// A deserializer that only records the field list it is asked for.
struct FieldNames<'a>(&'a Cell<&'static [&'static str]>);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(Self::Error::custom("a settings section is a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.set(fields);
        Err(Self::Error::custom("recorded"))
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

use std::{path::PathBuf, str::FromStr};

use secrecy::SecretString;
use serde::Deserialize;
use smart_default::SmartDefault;

use crate::{
    domain::is_bare_addr_spec,
    infra::setting::{deserialize_from_str, http_url},
};

/// The SMTP server e-mails go through (`SMTP_*`); used when `host` is set.
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct SmtpSettings {
    /// Empty: no SMTP server, e-mails are logged.
    pub host: String,
    #[default(25)]
    pub port: u16,
    pub tls: SmtpTls,
    /// SMTP AUTH, used when both are set.
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// The envelope sender and `From:`, a bare address (checked at start-up).
    #[default("accounts-api@localhost".into())]
    #[serde(deserialize_with = "bare_address")]
    pub sender: String,
    /// `true`: production starts even though AUTH goes out with `tls = none` (for a relay on
    /// localhost).
    pub allow_plaintext_auth: bool,
}

impl SmtpSettings {
    /// The SMTP AUTH user and password, when both are set (the only case they are sent).
    pub fn credentials(&self) -> Option<(&str, &SecretString)> {
        Some((self.username.as_deref()?, self.password.as_ref()?))
    }

    /// Whether AUTH would cross the network unencrypted without the operator allowing it.
    pub fn sends_credentials_in_clear(&self) -> bool {
        self.credentials().is_some() && self.tls == SmtpTls::None && !self.allow_plaintext_auth
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SmtpTls {
    #[default]
    None,
    StartTls,
    Implicit,
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

deserialize_from_str!(SmtpTls);

fn bare_address<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let raw = String::deserialize(d)?;
    let address = raw.trim();
    if is_bare_addr_spec(address) {
        Ok(address.to_owned())
    } else {
        Err(serde::de::Error::custom(
            "must be a bare address such as accounts@example.com (no display name)",
        ))
    }
}

/// What the e-mails say of the product and where their templates come from (`EMAIL_*`).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct EmailSettings {
    /// The name the e-mails carry, in the subject, the header and `From:`.
    #[default("Accounts".into())]
    pub product_name: String,
    /// Where the header and the footer link to.
    #[default("http://localhost:8000".into())]
    #[serde(deserialize_with = "http_url")]
    pub product_url: String,
    /// A logo shown in the header instead of the name (an https URL the mail clients load).
    #[serde(deserialize_with = "http_url")]
    pub logo_url: Option<String>,
    /// Where people write when something was not them; `SMTP_SENDER` when unset.
    #[serde(deserialize_with = "optional_bare_address")]
    pub support_address: Option<String>,
    /// A folder whose files replace the built-in templates one by one.
    pub templates_dir: Option<PathBuf>,
}

fn optional_bare_address<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    bare_address(d).map(Some)
}

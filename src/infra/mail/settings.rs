use std::str::FromStr;

use secrecy::SecretString;
use serde::Deserialize;
use smart_default::SmartDefault;

use crate::{domain::is_bare_addr_spec, infra::setting::deserialize_from_str};

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

use std::str::FromStr;

use serde::Deserialize;
use smart_default::SmartDefault;
use webauthn_rs::prelude::Url;

use crate::infra::setting::list;

/// Passkeys and the mobile apps' associations (`WEBAUTHN_*`).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct PasskeySettings {
    /// `WEBAUTHN_RP_ID`: the domain passkeys are bound to; unset: the host of the first
    /// origin. Changing it orphans every passkey.
    pub rp_id: Option<String>,
    /// `WEBAUTHN_RP_NAME`: the name authenticators show.
    #[default("accounts-api".into())]
    pub rp_name: String,
    /// `WEBAUTHN_ORIGINS`: where ceremonies may run (comma-separated web origins, and
    /// `android:apk-key-hash:...` for Android apps); unset: `http://localhost:<APP_PORT>`
    /// outside production, and no passkeys in production.
    #[serde(deserialize_with = "list")]
    pub origins: Vec<Url>,
    /// `WEBAUTHN_APPLE_APP_IDS`: `TEAMID.bundle.id` of the iOS apps that share the passkeys
    /// (`/.well-known/apple-app-site-association`).
    #[serde(deserialize_with = "list")]
    pub apple_app_ids: Vec<String>,
    /// `WEBAUTHN_ANDROID_APPS`: `package=FINGERPRINT[;FINGERPRINT...]` of the Android
    /// apps that share them (`/.well-known/assetlinks.json`), each fingerprint the SHA-256 of
    /// a signing certificate as 32 hex bytes joined by `:`.
    #[serde(deserialize_with = "list")]
    pub android_apps: Vec<AndroidApp>,
}

/// An Android app allowed to use the passkeys: its package and signing certificates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AndroidApp {
    pub package_name: String,
    /// SHA-256 fingerprints of its signing certificates, `AB:CD:...`.
    pub fingerprints: Vec<String>,
}

impl FromStr for AndroidApp {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let usage = "must be `package=FINGERPRINT[;FINGERPRINT...]`";
        let (package, prints) = raw.split_once('=').ok_or(usage)?;
        let fingerprints: Vec<String> = prints
            .split(';')
            .map(|print| print.trim().to_ascii_uppercase())
            .collect();
        let fingerprint_ok = |print: &String| {
            print.len() == 95
                && print.split(':').count() == 32
                && print
                    .split(':')
                    .all(|byte| byte.len() == 2 && byte.chars().all(|c| c.is_ascii_hexdigit()))
        };
        let package_ok = !package.trim().is_empty()
            && package
                .trim()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
        if !package_ok || !fingerprints.iter().all(fingerprint_ok) {
            return Err(format!(
                "{usage}, each fingerprint a certificate's SHA-256 as 32 hex bytes joined by \
                 `:` (AB:CD:...)"
            ));
        }
        Ok(Self {
            package_name: package.trim().to_owned(),
            fingerprints,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::AndroidApp;

    const PRINT: &str = "14:6d:e9:83:c5:73:06:50:d8:ee:b9:95:2f:34:fc:64:16:a0:83:42:e6:1d:be:a8:8a:04:96:b2:3f:cf:44:e5";

    #[test]
    fn an_android_app_is_a_package_and_its_fingerprints() {
        let app: AndroidApp = format!("com.example.app={PRINT};{PRINT}").parse().unwrap();
        assert_eq!(app.package_name, "com.example.app");
        assert_eq!(app.fingerprints, vec![PRINT.to_ascii_uppercase(); 2]);
    }

    #[test]
    fn a_malformed_android_app_is_refused() {
        for raw in [
            "com.example.app",
            "=AB:CD",
            "com.example.app=AB:CD",
            "a b=x",
        ] {
            assert!(raw.parse::<AndroidApp>().is_err(), "{raw}");
        }
    }
}

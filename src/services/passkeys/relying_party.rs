use std::sync::Arc;

use webauthn_rs::{
    Webauthn, WebauthnBuilder,
    prelude::{Url, WebauthnError},
};

use super::{AndroidApp, PasskeyError, PasskeySettings};

/// The relying party passkeys are bound to, and the mobile apps that share them.
#[derive(Clone)]
pub(crate) struct Passkeys {
    /// `None`: not configured (production without `WEBAUTHN_ORIGINS`).
    relying_party: Option<Arc<Webauthn>>,
    /// `WEBAUTHN_APPLE_APP_IDS`.
    pub apple_app_ids: Arc<[String]>,
    /// `WEBAUTHN_ANDROID_APPS`.
    pub android_apps: Arc<[AndroidApp]>,
}

impl Passkeys {
    /// The relying party of `settings`, its origins defaulting to `default_origin` (none in
    /// production: passkeys are then off). Fails on an RP ID that is not the host of the
    /// first web origin or a parent domain of it.
    pub(crate) fn new(
        settings: &PasskeySettings,
        default_origin: Option<Url>,
    ) -> Result<Self, String> {
        let origins: Vec<Url> = if settings.origins.is_empty() {
            default_origin.into_iter().collect()
        } else {
            settings.origins.clone()
        };
        let relying_party = match origins.iter().find(|origin| origin.domain().is_some()) {
            Some(first) => Some(Arc::new(build(settings, first, &origins).map_err(
                |err| {
                    format!(
                        "WEBAUTHN_RP_ID must be the host of the first web origin in \
                     WEBAUTHN_ORIGINS or a parent domain of it ({err})"
                    )
                },
            )?)),
            None if origins.is_empty() => None,
            None => return Err("WEBAUTHN_ORIGINS must hold at least one web origin".into()),
        };
        Ok(Self {
            relying_party,
            apple_app_ids: settings.apple_app_ids.clone().into(),
            android_apps: settings.android_apps.clone().into(),
        })
    }

    /// The relying party, or `NotConfigured`.
    pub(crate) fn relying_party(&self) -> Result<&Webauthn, PasskeyError> {
        self.relying_party
            .as_deref()
            .ok_or(PasskeyError::NotConfigured)
    }

    pub(crate) fn configured(&self) -> bool {
        self.relying_party.is_some()
    }
}

fn build(
    settings: &PasskeySettings,
    first: &Url,
    origins: &[Url],
) -> Result<Webauthn, WebauthnError> {
    let rp_id = match &settings.rp_id {
        Some(rp_id) => rp_id.clone(),
        None => first.domain().unwrap_or_default().to_owned(),
    };
    let mut builder = WebauthnBuilder::new(&rp_id, first)?.rp_name(&settings.rp_name);
    for origin in origins.iter().filter(|origin| *origin != first) {
        builder = builder.append_allowed_origin(origin);
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use webauthn_rs::prelude::Url;

    use super::Passkeys;
    use crate::services::passkeys::PasskeySettings;

    fn settings(origins: &[&str], rp_id: Option<&str>) -> PasskeySettings {
        PasskeySettings {
            origins: origins.iter().map(|o| Url::parse(o).unwrap()).collect(),
            rp_id: rp_id.map(Into::into),
            ..PasskeySettings::default()
        }
    }

    #[test]
    fn the_rp_id_defaults_to_the_first_web_origin_and_apps_may_follow() {
        let apk = "android:apk-key-hash:abc";
        let passkeys = Passkeys::new(&settings(&["https://app.example.com", apk], None), None);
        assert!(passkeys.unwrap().configured());
        let parent = settings(&["https://app.example.com"], Some("example.com"));
        assert!(Passkeys::new(&parent, None).is_ok());
    }

    #[test]
    fn an_rp_id_foreign_to_the_origin_is_refused() {
        let foreign = settings(&["https://app.example.com"], Some("example.org"));
        assert!(Passkeys::new(&foreign, None).is_err());
        assert!(Passkeys::new(&settings(&["android:apk-key-hash:abc"], None), None).is_err());
    }

    #[test]
    fn without_origins_the_default_one_serves_and_without_it_passkeys_are_off() {
        let local = Url::parse("http://localhost:8080").unwrap();
        assert!(
            Passkeys::new(&settings(&[], None), Some(local))
                .unwrap()
                .configured()
        );
        assert!(
            !Passkeys::new(&settings(&[], None), None)
                .unwrap()
                .configured()
        );
    }
}

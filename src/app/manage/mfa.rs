//! `manage mfa ...`: the second factors' keys.

use clap::Subcommand;

use crate::{
    config::Settings,
    infra::db,
    services::mfa::{self, Resealed, Totp},
};

#[derive(Debug, Subcommand)]
pub(super) enum MfaCommand {
    /// Seal every TOTP secret again with the first key of MFA_ENCRYPTION_KEY.
    ///
    /// Run it after putting a new key first, before removing the old one. Secrets sealed
    /// with a key no longer listed are counted and left: those accounts need `users
    /// reset-mfa`. Exit status 1 when there is any such secret.
    Reseal,
}

/// `mfa reseal`: needs the keys themselves, so MFA_ENCRYPTION_KEY must be set.
pub(super) async fn reseal(settings: &Settings, url: &str, target: &str) -> Result<String, String> {
    let keys = settings
        .mfa
        .encryption_key
        .clone()
        .ok_or("MFA_ENCRYPTION_KEY is not set: there is no key to seal with")?;
    let totp = Totp {
        keys,
        issuer: settings.mfa.issuer.clone(),
    };
    let conn = db::connect(url, 1)
        .await
        .map_err(|err| format!("cannot connect to {target}: {err}"))?;
    let outcome = mfa::reseal_all(&conn, &totp).await;
    conn.close().await.ok();
    let Resealed {
        resealed,
        unreadable,
    } = outcome.map_err(|err| format!("{target}: {err}"))?;
    let current = totp.keys.current_id();
    match unreadable {
        0 => Ok(format!(
            "sealed {resealed} TOTP secret(s) again with key {current}"
        )),
        _ => Err(format!(
            "sealed {resealed} TOTP secret(s) again with key {current}; {unreadable} sealed \
             with a key MFA_ENCRYPTION_KEY no longer lists were left (reset those accounts' \
             second factors)"
        )),
    }
}

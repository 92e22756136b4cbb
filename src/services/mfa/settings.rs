use serde::Deserialize;
use smart_default::SmartDefault;

use uuid::Uuid;

use crate::infra::{
    db::entities::totp_credential,
    security::{SealError, Sealed, SealingKeys, sealing_keys},
};

/// Second factors (`MFA_*`).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct MfaSettings {
    /// `MFA_ENCRYPTION_KEY`: `id:base64-32-bytes` pairs, comma-separated; the first seals TOTP
    /// secrets, every one opens them. Required in production; development makes a
    /// throw-away key (enrolments then die with the process).
    #[serde(deserialize_with = "sealing_keys")]
    pub encryption_key: Option<SealingKeys>,
    /// `MFA_ISSUER`: the name authenticator apps show beside the account.
    #[default("accounts-api".into())]
    pub issuer: String,
}

/// What the TOTP operations need: the keys that seal secrets and the issuer apps show.
#[derive(Clone, Debug)]
pub(crate) struct Totp {
    pub keys: SealingKeys,
    pub issuer: String,
}

impl Totp {
    /// `secret` sealed for `user_id` with the current key.
    pub(super) fn seal(&self, user_id: Uuid, secret: &[u8]) -> Sealed {
        self.keys.seal(secret, user_id.as_bytes())
    }

    /// The secret of `row`, with whichever listed key sealed it.
    pub(super) fn open(&self, row: &totp_credential::Model) -> Result<Vec<u8>, SealError> {
        let sealed = Sealed {
            key_id: row.key_id.clone(),
            text: row.sealed_secret.clone(),
        };
        self.keys.open(&sealed, row.user_id.as_bytes())
    }
}

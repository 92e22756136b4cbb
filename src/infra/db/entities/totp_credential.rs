//! The `totp_credentials` table: an account's TOTP secret, sealed, pending until confirmed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "totp_credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// Base64 of the nonce and the AES-256-GCM ciphertext of the secret.
    pub sealed_secret: String,
    /// Which `MFA_ENCRYPTION_KEY` sealed it.
    pub key_id: String,
    /// When the enrolment started; a pending one expires 15 minutes later.
    pub created_at: DateTimeUtc,
    /// `None` while pending: the account has no second factor yet.
    pub confirmed_at: Option<DateTimeUtc>,
    /// The newest accepted 30-second step: codes of it or earlier are refused.
    pub last_step: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

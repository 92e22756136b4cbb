//! The `passkeys` table: an account's WebAuthn credentials.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "passkeys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    /// Base64url of the credential id the authenticator chose; unique across accounts.
    pub credential_id: String,
    /// The owner's label for it.
    pub name: String,
    /// webauthn-rs's `Passkey` as JSON: the public key, algorithm and flags.
    pub credential: String,
    /// The newest signature counter accepted (0: the authenticator keeps none).
    pub sign_count: i64,
    pub backup_eligible: bool,
    pub backed_up: bool,
    /// The transports the authenticator named at registration, comma-separated.
    pub transports: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

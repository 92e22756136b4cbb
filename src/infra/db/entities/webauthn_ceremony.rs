//! The `webauthn_ceremonies` table: a registration or sign-in between its two requests.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webauthn_ceremonies")]
pub struct Model {
    /// Base64url of the challenge the options carried (the answer signs it back).
    #[sea_orm(primary_key, auto_increment = false)]
    pub challenge: String,
    /// `registration`, `sign_in` or `second_factor`.
    pub kind: String,
    /// The account a registration or second step belongs to; `None` for a sign-in.
    pub user_id: Option<Uuid>,
    /// Hex SHA-256 of the `mfa_token` a second step is bound to.
    pub mfa_token_hash: Option<String>,
    /// webauthn-rs's ceremony state as JSON.
    pub state: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

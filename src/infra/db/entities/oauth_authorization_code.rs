//! The `oauth_authorization_codes` table: codes the authorization endpoint issued.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_authorization_codes")]
pub struct Model {
    /// Hex SHA-256 of the code.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code_hash: String,
    pub client_id: Uuid,
    pub user_id: Uuid,
    /// The browser session that authorized it.
    pub session_id: Uuid,
    /// The redirect URI exactly as the request sent it; the exchange must send it again.
    pub redirect_uri: String,
    /// The granted scopes, space-separated.
    pub scopes: String,
    pub nonce: Option<String>,
    /// The PKCE S256 challenge.
    pub code_challenge: String,
    /// When the browser session's login was proven.
    pub auth_time: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub redeemed_at: Option<DateTimeUtc>,
    /// The session the exchange opened, ended when the code is replayed.
    pub issued_session_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

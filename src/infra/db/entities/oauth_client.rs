//! The `oauth_clients` table: the registered OAuth 2.0 / OpenID Connect clients.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_clients")]
pub struct Model {
    /// The `client_id` (a UUIDv7, so listing by id lists by registration).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    /// A [`crate::domain::oauth::ClientType`]'s name.
    pub client_type: String,
    /// Hex SHA-256 of a confidential client's secret; `None` for a public client.
    pub secret_hash: Option<String>,
    pub secret_set_at: Option<DateTimeUtc>,
    /// Space-separated, each a [`crate::domain::oauth::RedirectUri`].
    pub redirect_uris: String,
    /// Space-separated: where RP-initiated logout may send the browser back.
    pub post_logout_redirect_uris: String,
    /// Space-separated scope names.
    pub allowed_scopes: String,
    /// Space-separated grant type names.
    pub grant_types: String,
    /// Skips the consent page: the team's own applications.
    pub first_party: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

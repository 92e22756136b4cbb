//! The `oauth_pending_requests` table: authorization requests waiting for a hosted page.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_pending_requests")]
pub struct Model {
    /// Hex SHA-256 of the handle the pages carry.
    #[sea_orm(primary_key, auto_increment = false)]
    pub handle_hash: String,
    pub client_id: Uuid,
    /// The validated request, as JSON.
    pub request: String,
    /// Hex SHA-256 of the CSRF token its forms carry.
    pub csrf_hash: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

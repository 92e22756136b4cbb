//! The `audit_events` table: the audit trail, one row per security-relevant change.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    /// The account that acted; `None` for the system (the CLI, background work).
    pub actor_id: Option<Uuid>,
    /// A [`crate::domain::AuditAction`]'s name, e.g. `login.failed`.
    pub action: String,
    /// The account acted upon, when there is one (kept after the account is deleted).
    pub target_id: Option<Uuid>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    /// A small JSON object; never a secret.
    pub detail: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! The audit trail: who did what to which account, when, from where. Every change worth
//! auditing calls `record` inside the transaction that makes it, so a row exists exactly
//! when its change does; `prune` drops rows past `AUDIT_RETENTION`. The `audit_events`
//! table is written only here, and read by `admin::list_audit_events`.

mod provenance;
mod settings;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use serde_json::{Map, Value};
use uuid::Uuid;

pub(crate) use provenance::Provenance;
pub use settings::AuditSettings;

use crate::{
    domain::AuditAction,
    infra::{clock::earlier, db::entities::audit_event},
};

/// One audit row in the making: `AuditEntry::new(action).by(actor).on(target)`.
#[derive(Debug)]
pub(crate) struct AuditEntry {
    action: AuditAction,
    actor: Option<Uuid>,
    target: Option<Uuid>,
    detail: Map<String, Value>,
}

impl AuditEntry {
    /// An action by the system (no account), on no account, until said otherwise.
    pub(crate) fn new(action: AuditAction) -> Self {
        Self {
            action,
            actor: None,
            target: None,
            detail: Map::new(),
        }
    }

    /// The account that acted (`None`: the system).
    pub(crate) fn by(mut self, actor: impl Into<Option<Uuid>>) -> Self {
        self.actor = actor.into();
        self
    }

    /// The account acted upon (`None`: none, e.g. a login by an unknown name).
    pub(crate) fn on(mut self, target: impl Into<Option<Uuid>>) -> Self {
        self.target = target.into();
        self
    }

    /// The account acting upon itself.
    pub(crate) fn by_self(self, account: Uuid) -> Self {
        self.by(account).on(account)
    }

    /// A detail field; never a secret (no password, token or hash).
    pub(crate) fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.detail.insert(key.to_owned(), value.into());
        self
    }

    /// Writes the row; call it in the transaction that makes the change.
    pub(crate) async fn record(
        self,
        db: &impl ConnectionTrait,
        provenance: &Provenance,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        audit_event::ActiveModel {
            id: Set(Uuid::now_v7()),
            occurred_at: Set(now),
            actor_id: Set(self.actor),
            action: Set(self.action.as_str().to_owned()),
            target_id: Set(self.target),
            ip: Set(provenance.ip.clone()),
            request_id: Set(provenance.request_id.clone()),
            detail: Set(Value::Object(self.detail)),
        }
        .insert(db)
        .await
        .map(drop)
    }
}

/// Deletes the rows older than `AUDIT_RETENTION`; how many went.
pub(crate) async fn prune(
    db: &impl ConnectionTrait,
    settings: &AuditSettings,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let deleted = audit_event::Entity::delete_many()
        .filter(audit_event::Column::OccurredAt.lt(earlier(now, settings.retention)))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

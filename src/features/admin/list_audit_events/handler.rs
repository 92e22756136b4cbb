use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::{Map, Value};

use super::query::{Actor, AuditEventView, ListAuditEvents};
use crate::{
    http::{ApiError, Cursor, Direction, Keyset, Page},
    infra::db::entities::audit_event::{self, Column},
};

/// Reads one page, newest first by `(occurred_at, id)` (`KeysetPage`): the rows before the
/// cursor, which each filter's `(…, occurred_at, id)` index serves however deep the page.
pub(super) async fn list_audit_events(
    db: &DatabaseConnection,
    query: ListAuditEvents,
) -> Result<Page<AuditEventView>, ApiError> {
    let mut select = audit_event::Entity::find();
    select = match query.actor {
        Some(Actor::Account(id)) => select.filter(Column::ActorId.eq(id)),
        Some(Actor::System) => select.filter(Column::ActorId.is_null()),
        None => select,
    };
    if let Some(target) = query.target {
        select = select.filter(Column::TargetId.eq(target));
    }
    if let Some(action) = query.action {
        select = select.filter(Column::Action.eq(action.as_str()));
    }
    let keyset = Keyset {
        at: Column::OccurredAt,
        id: Column::Id,
        direction: Direction::Descending,
    };
    let position = |row: &audit_event::Model| Cursor::new(row.occurred_at, row.id);
    let page = query.page.fetch(db, select, keyset, position).await?;
    Ok(Page {
        items: page.items.into_iter().filter_map(view).collect(),
        next_cursor: page.next_cursor,
    })
}

/// The row as the API shows it; `None` for an action this build does not know (written by
/// a newer one during a rolling deploy): it is left out, and the cursor still moves past it.
fn view(row: audit_event::Model) -> Option<AuditEventView> {
    let Ok(action) = row.action.parse() else {
        tracing::warn!(id = %row.id, action = %row.action, "an audit action this build does not know");
        return None;
    };
    Some(AuditEventView {
        id: row.id,
        occurred_at: row.occurred_at,
        actor: Actor::of(row.actor_id),
        action,
        target_id: row.target_id,
        ip: row.ip,
        request_id: row.request_id,
        // `AuditEntry` writes objects only.
        detail: match row.detail {
            Value::Object(detail) => detail,
            _ => Map::new(),
        },
    })
}

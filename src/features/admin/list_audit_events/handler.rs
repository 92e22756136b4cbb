use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde_json::{Map, Value};

use super::query::{Actor, AuditEventView, AuditPage, ListAuditEvents};
use crate::{
    http::{ApiError, Cursor},
    infra::db::entities::audit_event::{self, Column},
};

/// Reads one page, newest first by `(occurred_at, id)`: the rows before the cursor (a
/// row-value comparison, so each filter's `(…, occurred_at, id)` index serves it however
/// deep the page), one more than the limit to learn whether another page follows.
pub(super) async fn list_audit_events(
    db: &DatabaseConnection,
    query: ListAuditEvents,
) -> Result<AuditPage, ApiError> {
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
    if let Some(after) = query.after {
        let row = Expr::tuple([Expr::col(Column::OccurredAt), Expr::col(Column::Id)]);
        select = select.filter(row.lt(Expr::tuple([Expr::value(after.at), Expr::value(after.id)])));
    }
    let mut rows = select
        .order_by_desc(Column::OccurredAt)
        .order_by_desc(Column::Id)
        .limit(query.limit + 1)
        .all(db)
        .await?;
    let next = if rows.len() as u64 > query.limit {
        rows.truncate(rows.len() - 1);
        rows.last().map(|row| Cursor::new(row.occurred_at, row.id))
    } else {
        None
    };
    Ok(AuditPage {
        events: rows.into_iter().filter_map(view).collect(),
        next,
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

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect,
    QueryTrait, RelationTrait,
};
use uuid::Uuid;

use super::narrowed;
use crate::{
    domain::Permission,
    infra::db::{
        SingleStatementDb,
        entities::{session, user, user_permission},
    },
};

/// The account behind a live session, with the permissions it holds now.
#[derive(Debug)]
pub(crate) struct Caller {
    pub account: user::Model,
    pub permissions: Vec<Permission>,
}

/// The account of `user_id`'s session `session_id` while the session is live and the account
/// enabled, and the account's permissions, in one round trip (one row per permission, at
/// least one): a logout, a revocation, a disabled or deleted account (its sessions go with
/// it) or a revoked permission counts at once, on every instance. `None`: the session ended.
pub(crate) async fn caller(
    db: &SingleStatementDb,
    user_id: Uuid,
    session_id: Uuid,
    now: DateTime<Utc>,
    idle_timeout: Duration,
) -> Result<Option<Caller>, DbErr> {
    let query = user::Entity::find()
        .join_rev(JoinType::InnerJoin, session::Relation::User.def())
        .join(JoinType::LeftJoin, user::Relation::Permissions.def())
        .column_as(user_permission::Column::Permission, user_permission::JOINED)
        .column_as(session::Column::Scopes, SCOPES)
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::live(now, idle_timeout))
        .filter(user::Column::DisabledAt.is_null())
        .build(db.backend());
    let rows = db.query_all(query).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let account = user::Model::from_query_result(first, "")?;
    let permissions = user_permission::joined(&rows)?;
    // A client's session holds only the permissions its scopes were granted.
    let scopes: Option<String> = first.try_get("", SCOPES)?;
    Ok(Some(Caller {
        account,
        permissions: narrowed(permissions, scopes.as_deref()),
    }))
}

/// The alias of the session's granted scopes.
const SCOPES: &str = "session_scopes";

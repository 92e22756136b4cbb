use std::{sync::OnceLock, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QuerySelect, QueryTrait, RelationTrait, Statement, Values,
};
use uuid::Uuid;

use super::narrowed;
use crate::{
    domain::Permission,
    infra::{
        clock::earlier,
        db::{
            SingleStatementDb,
            entities::{session, user, user_permission},
        },
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
    let backend = db.backend();
    let values = values(user_id, session_id, now, idle_timeout);
    let query = Statement::from_sql_and_values(backend, text(backend), values);
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

/// The statement's text for `backend`, built by sea-query once: building it per request was
/// ~3% of a read's CPU (BENCHMARKS.md, issue 28). Only its values change.
fn text(backend: DbBackend) -> &'static str {
    static POSTGRES: OnceLock<String> = OnceLock::new();
    static SQLITE: OnceLock<String> = OnceLock::new();
    let cell = match backend {
        DbBackend::Postgres => &POSTGRES,
        _ => &SQLITE, // the only other backend the service runs on
    };
    cell.get_or_init(|| {
        built(
            backend,
            Uuid::nil(),
            Uuid::nil(),
            DateTime::UNIX_EPOCH,
            Duration::ZERO,
        )
        .sql
    })
}

/// The values of [`text`], in the order of its placeholders (a test compares them with
/// sea-query's).
fn values(user_id: Uuid, session_id: Uuid, now: DateTime<Utc>, idle_timeout: Duration) -> Values {
    Values(vec![
        session_id.into(),
        user_id.into(),
        now.into(),
        earlier(now, idle_timeout).into(),
    ])
}

/// The statement as sea-query builds it.
fn built(
    backend: DbBackend,
    user_id: Uuid,
    session_id: Uuid,
    now: DateTime<Utc>,
    idle_timeout: Duration,
) -> Statement {
    user::Entity::find()
        .join_rev(JoinType::InnerJoin, session::Relation::User.def())
        .join(JoinType::LeftJoin, user::Relation::Permissions.def())
        .column_as(user_permission::Column::Permission, user_permission::JOINED)
        .column_as(session::Column::Scopes, SCOPES)
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::live(now, idle_timeout))
        .filter(user::Column::DisabledAt.is_null())
        .build(backend)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_text_and_the_values_in_order_are_what_sea_query_builds() {
        let (user_id, session_id) = (Uuid::now_v7(), Uuid::now_v7());
        let now = Utc::now();
        let idle_timeout = Duration::from_secs(1800);
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            let expected = built(backend, user_id, session_id, now, idle_timeout);
            assert_eq!(text(backend), expected.sql);
            let values = values(user_id, session_id, now, idle_timeout);
            assert_eq!(Some(values), expected.values, "{backend:?}");
        }
    }
}

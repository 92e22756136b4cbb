//! The usual refresh on PostgreSQL, in one statement: a live session of an enabled account
//! whose presented token is still unused. Everything else (an unknown or replayed token, an
//! unconfirmed address) is left to the transaction of `rotate`, which tells them apart.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DbBackend, DbErr, FromQueryResult,
    sea_query::{
        Alias, Asterisk, CommonTableExpression, Expr, ExprTrait, Order, Query, UpdateStatement,
        WithClause,
    },
};

use super::narrowed;
use crate::{
    domain::Permission,
    infra::{
        db::{
            SingleStatementDb,
            entities::{refresh_token, session, user, user_permission},
        },
        deadline,
        security::SessionSettings,
    },
};

/// The session touched by the refresh (the `UPDATE`'s rows).
const TOUCHED: &str = "touched";
/// The token claimed in it.
const CLAIMED: &str = "claimed";

/// What the one statement presents: who to sign for.
pub(super) struct Rotated {
    pub session: session::Model,
    pub permissions: Vec<Permission>,
}

/// Marks the session of the token hashed `hash` used, claims the token, stores its
/// successor's hash `successor_hash` and reads the account's permissions, in one statement
/// and one round trip (no `BEGIN`, no `COMMIT`). It takes the same locks in the same order as
/// `rotate`'s transaction (the session's row, then the token's; a concurrent claim is
/// re-checked after the wait by READ COMMITTED's rules), so two refreshes of one token still
/// claim it once. `None`: nothing was claimed, and at most the session's `last_used_at`
/// moved; the caller then takes the long way. Always `None` on SQLite, which has no round
/// trip to save and no `UPDATE` in a `WITH`.
pub(super) async fn rotate_unused(
    db: &SingleStatementDb,
    settings: &SessionSettings,
    require_verified_email: bool,
    (hash, successor_hash): (&str, &str),
    now: DateTime<Utc>,
) -> Result<Option<Rotated>, DbErr> {
    if db.backend() != DbBackend::Postgres {
        return Ok(None);
    }
    let claim = Query::update()
        .table(refresh_token::Entity)
        .value(refresh_token::Column::UsedAt, now)
        .and_where(refresh_token::Column::TokenHash.eq(hash))
        .and_where(refresh_token::Column::UsedAt.is_null())
        .and_where(
            refresh_token::Column::SessionId.in_subquery(
                Query::select()
                    .column(session::Column::Id)
                    .from(Alias::new(TOUCHED))
                    .to_owned(),
            ),
        )
        .returning_col(refresh_token::Column::SessionId)
        .to_owned();
    let store_successor = Query::insert()
        .into_table(refresh_token::Entity)
        .columns([
            refresh_token::Column::TokenHash,
            refresh_token::Column::SessionId,
            refresh_token::Column::IssuedAt,
        ])
        .select_from(
            Query::select()
                .expr(Expr::val(successor_hash))
                .column(refresh_token::Column::SessionId)
                .expr(Expr::val(now))
                .from(Alias::new(CLAIMED))
                .to_owned(),
        )
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .to_owned();
    // Only before the request's deadline (by the server's clock): held by a partition
    // past it, the statement would spend a token whose client was already answered 503,
    // and that client's retry would then be taken for a replay and end the session.
    let touched = touch(settings, require_verified_email, hash, now)
        .and_where(Expr::cust("clock_timestamp()").lt(deadline::not_after()))
        .to_owned();
    let ctes = WithClause::new()
        .cte(cte(TOUCHED, touched))
        .cte(cte(CLAIMED, claim))
        .cte(cte("stored", store_successor))
        .to_owned();
    // One row per permission (at least one), and none unless the token was claimed.
    let permission = (user_permission::Entity, user_permission::Column::Permission);
    let select = Query::select()
        .column((Alias::new(TOUCHED), Asterisk))
        .expr_as(Expr::col(permission), Alias::new(user_permission::JOINED))
        .from(Alias::new(TOUCHED))
        .inner_join(
            Alias::new(CLAIMED),
            Expr::col((Alias::new(CLAIMED), refresh_token::Column::SessionId))
                .equals((Alias::new(TOUCHED), session::Column::Id)),
        )
        .left_join(
            user_permission::Entity,
            Expr::col((user_permission::Entity, user_permission::Column::UserId))
                .equals((Alias::new(TOUCHED), session::Column::UserId)),
        )
        .order_by(permission, Order::Asc)
        .to_owned();
    let rows = db.query_all(db.backend().build(&select.with(ctes))).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let session = session::Model::from_query_result(first, "")?;
    let permissions = narrowed(user_permission::joined(&rows)?, session.scopes.as_deref());
    Ok(Some(Rotated {
        session,
        permissions,
    }))
}

/// `UPDATE sessions SET last_used_at` on the token's session, if it is live and its account
/// enabled (and confirmed, when that is required), returning the session: the lock both ways
/// of refreshing start with. Disabling an account ends its sessions; this also refuses one
/// whose account was disabled some other way (by hand in the database), as the bearer check
/// does.
pub(super) fn touch(
    settings: &SessionSettings,
    require_verified_email: bool,
    hash: &str,
    now: DateTime<Utc>,
) -> UpdateStatement {
    let session_of_token = Query::select()
        .column(refresh_token::Column::SessionId)
        .from(refresh_token::Entity)
        .and_where(refresh_token::Column::TokenHash.eq(hash))
        .to_owned();
    let mut accounts = Query::select()
        .column(user::Column::Id)
        .from(user::Entity)
        .and_where(user::Column::DisabledAt.is_null())
        .to_owned();
    if require_verified_email {
        accounts.and_where(user::Column::EmailVerified.eq(true));
    }
    Query::update()
        .table(session::Entity)
        .value(session::Column::LastUsedAt, now)
        // `=` a scalar subquery, not `IN`: the token's hash is its key, so the plan is two
        // key lookups whatever the statistics say (with `IN`, stale ones made PostgreSQL
        // walk every session of the account, 8 ms each with 2,000; BENCHMARKS.md).
        .and_where(
            Expr::col((session::Entity, session::Column::Id))
                .eq(Expr::SubQuery(None, Box::new(session_of_token.into()))),
        )
        .and_where(session::Column::UserId.in_subquery(accounts))
        .cond_where(session::live(now, settings.idle_timeout))
        .returning_all()
        .to_owned()
}

fn cte(
    name: &str,
    query: impl Into<sea_orm::sea_query::SubQueryStatement>,
) -> CommonTableExpression {
    CommonTableExpression::new()
        .query(query)
        .table_name(Alias::new(name))
        .to_owned()
}

//! The second step of a login: a right password for an account with a second factor opens a
//! challenge instead of a session, named by an opaque `mfa_token` (only its SHA-256 is
//! stored). It is bound to that account, single use, lives 5 minutes, dies after 5 wrong
//! codes, and dies with a password change.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    Set,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::infra::{clock::later, db::entities::mfa_challenge, security::OneTimeToken};

/// How long an `mfa_token` is good for.
pub(crate) const CHALLENGE_TTL: Duration = Duration::from_secs(5 * 60);
/// Wrong codes an `mfa_token` survives.
pub(crate) const MAX_FAILURES: i32 = 5;

/// A live challenge, found by its token.
pub(crate) struct Challenge {
    token_hash: String,
    pub user_id: Uuid,
}

/// Opens a challenge for `user_id`, forgetting its spent and expired ones; the `mfa_token`.
pub(crate) async fn open_challenge(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    mfa_challenge::Entity::delete_many()
        .filter(mfa_challenge::Column::UserId.eq(user_id))
        .filter(
            Condition::any()
                .add(mfa_challenge::Column::ExpiresAt.lte(now))
                .add(mfa_challenge::Column::UsedAt.is_not_null())
                .add(mfa_challenge::Column::Failures.gte(MAX_FAILURES)),
        )
        .exec(db)
        .await?;
    let token = OneTimeToken::generate();
    mfa_challenge::ActiveModel {
        token_hash: Set(token.hash),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(later(now, CHALLENGE_TTL)),
        failures: Set(0),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(token.token)
}

/// Forgets every challenge of `user_id` (its password changed, or its factors went).
pub(crate) async fn forget_challenges(
    txn: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<(), DbErr> {
    mfa_challenge::Entity::delete_many()
        .filter(mfa_challenge::Column::UserId.eq(user_id))
        .exec(txn)
        .await
        .map(drop)
}

/// Forgets the challenges that can no longer be answered (expired, spent, or dead of wrong
/// codes); how many.
pub(super) async fn forget_dead_challenges(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let dead = mfa_challenge::Entity::delete_many()
        .filter(live(now).not())
        .exec(db)
        .await?;
    Ok(dead.rows_affected)
}

impl Challenge {
    /// The live challenge `token` names: unused, unexpired, under the failure limit.
    pub(crate) async fn find(
        db: &impl ConnectionTrait,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Self>, DbErr> {
        let token_hash = OneTimeToken::hash(token);
        let row = mfa_challenge::Entity::find_by_id(token_hash.clone())
            .filter(live(now))
            .one(db)
            .await?;
        Ok(row.map(|row| Self {
            token_hash,
            user_id: row.user_id,
        }))
    }

    /// Spends it in the login's transaction; `false` when another request spent it first or
    /// it died meanwhile.
    pub(crate) async fn claim(
        &self,
        txn: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> Result<bool, DbErr> {
        let claimed = mfa_challenge::Entity::update_many()
            .col_expr(mfa_challenge::Column::UsedAt, Expr::value(now))
            .filter(mfa_challenge::Column::TokenHash.eq(&self.token_hash))
            .filter(live(now))
            .exec(txn)
            .await?;
        Ok(claimed.rows_affected == 1)
    }

    /// Counts a wrong code against it.
    pub(crate) async fn fail(&self, db: &impl ConnectionTrait) -> Result<(), DbErr> {
        mfa_challenge::Entity::update_many()
            .col_expr(
                mfa_challenge::Column::Failures,
                Expr::col(mfa_challenge::Column::Failures).add(1),
            )
            .filter(mfa_challenge::Column::TokenHash.eq(&self.token_hash))
            .exec(db)
            .await
            .map(drop)
    }
}

fn live(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(mfa_challenge::Column::UsedAt.is_null())
        .add(mfa_challenge::Column::ExpiresAt.gt(now))
        .add(mfa_challenge::Column::Failures.lt(MAX_FAILURES))
}

//! A single-use, hashed, expiring token bound to an account and an address: what a
//! confirmation or a reset e-mail carries. Only its SHA-256 is stored; it is minted only while
//! the account still has the address, and claimed only while it still does, once. The two
//! tables (`email_verifications`, `password_resets`) share one shape and are read and written
//! here only.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, DeriveIden, EntityName, EntityTrait, FromQueryResult,
    QueryFilter, Statement,
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement},
};
use uuid::Uuid;

use crate::{
    domain::UserEventData,
    infra::{
        clock::later,
        db::entities::{email_verification, password_reset, user},
        mail::SingleUseLink,
        security::OneTimeToken,
    },
};

/// What a token proves when it comes back, and so which table holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The account reads mail at the address (`email_verifications`).
    EmailConfirmation,
    /// The account may set a new password (`password_resets`).
    PasswordReset,
}

impl Purpose {
    fn table(self) -> &'static str {
        match self {
            Self::EmailConfirmation => email_verification::Entity.table_name(),
            Self::PasswordReset => password_reset::Entity.table_name(),
        }
    }
}

/// The columns both tables have.
#[derive(DeriveIden)]
enum Column {
    Id,
    UserId,
    Email,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

/// A stored token, by its hash.
#[derive(Debug, FromQueryResult)]
pub(crate) struct StoredToken {
    pub user_id: Uuid,
    /// The address it was mailed to.
    pub email: String,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Why a token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No such token (mistyped, forged, pruned, or its account is gone); for a reset, also
    /// one mailed to an address the account no longer has.
    Unknown,
    /// Spent: used already (for a reset, or the password changed since it was sent).
    Used,
    Expired,
    /// A confirmation token whose address is no longer the account's.
    AddressChanged,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ClaimError {
    #[error("single-use token refused: {0:?}")]
    Refused(Refusal),
    #[error(transparent)]
    Database(#[from] DbErr),
}

impl From<Refusal> for ClaimError {
    fn from(refusal: Refusal) -> Self {
        Self::Refused(refusal)
    }
}

/// Mints a token for `purpose` bound to the account and the address it goes to, valid for
/// `ttl`, and stores its hash: the link its e-mail carries (to `page_url`, when set). `None`
/// when it must not go out: the account is gone, its address changed since the request, or
/// (a confirmation) the address is already confirmed.
pub(crate) async fn mint(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    account: &UserEventData,
    (ttl, page_url): (Duration, &Option<String>),
    now: DateTime<Utc>,
) -> Result<Option<SingleUseLink>, DbErr> {
    let mut holder =
        user::Entity::find_by_id(account.user_id).filter(user::Column::Email.eq(&account.email));
    if purpose == Purpose::EmailConfirmation {
        holder = holder.filter(user::Column::EmailVerified.eq(false));
    }
    if holder.one(db).await?.is_none() {
        return Ok(None);
    }
    let token = OneTimeToken::generate();
    let insert = Query::insert()
        .into_table(Alias::new(purpose.table()))
        .columns([
            Column::Id,
            Column::UserId,
            Column::Email,
            Column::TokenHash,
            Column::CreatedAt,
            Column::ExpiresAt,
        ])
        .values_panic([
            Uuid::now_v7().into(),
            account.user_id.into(),
            account.email.clone().into(),
            token.hash.into(),
            now.into(),
            later(now, ttl).into(),
        ])
        .to_owned();
    db.execute(&insert).await?;
    Ok(Some(SingleUseLink {
        token: token.token,
        page_url: page_url.clone(),
        valid_for: ttl,
    }))
}

/// Spends the token; call it first in the transaction that acts on it, which then rolls the
/// claim back if it fails. It starts with the write (`UPDATE ... WHERE used_at IS NULL AND
/// expires_at > now` and the account still has the address the token was mailed to), so
/// SQLite takes its write lock first and concurrent uses queue rather than fail, and of two
/// uses exactly one wins; only then it reads the row, to tell why a token was refused.
pub(crate) async fn claim(
    txn: &impl ConnectionTrait,
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<StoredToken, ClaimError> {
    let hash = OneTimeToken::hash(token);
    let update = Query::update()
        .table(Alias::new(purpose.table()))
        .value(Column::UsedAt, now)
        .and_where(Expr::col(Column::TokenHash).eq(&hash))
        .and_where(Expr::col(Column::UsedAt).is_null())
        .and_where(Expr::col(Column::ExpiresAt).gt(now))
        .and_where(Expr::exists(still_addressed(purpose)))
        .to_owned();
    let claimed = txn.execute(&update).await?.rows_affected() == 1;
    let stored = find(txn, purpose, &hash).await?.ok_or(Refusal::Unknown)?;
    if claimed {
        return Ok(stored);
    }
    let addressed = holder_of(txn, &stored).await?.is_some();
    Err(refusal(purpose, &stored, addressed, now).into())
}

/// The account a token would act on, read without spending the token (so a request refused
/// for another reason leaves it usable); refused as [`claim`] would refuse it. `claim` still
/// decides a race.
pub(crate) async fn peek(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<user::Model, ClaimError> {
    let hash = OneTimeToken::hash(token);
    let stored = find(db, purpose, &hash).await?.ok_or(Refusal::Unknown)?;
    match holder_of(db, &stored).await? {
        Some(account) if stored.used_at.is_none() && stored.expires_at > now => Ok(account),
        account => Err(refusal(purpose, &stored, account.is_some(), now).into()),
    }
}

/// Spends every unused token of the account for `purpose`; call it in the transaction that
/// made them moot (a new password: a reset e-mail still in an inbox must not undo it).
pub(crate) async fn spend_all(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let update = Query::update()
        .table(Alias::new(purpose.table()))
        .value(Column::UsedAt, now)
        .and_where(Expr::col(Column::UserId).eq(user_id))
        .and_where(Expr::col(Column::UsedAt).is_null())
        .to_owned();
    db.execute(&update).await.map(drop)
}

/// Deletes the tokens for `purpose` spent or expired before `stale` (of one account, when
/// given); how many went.
pub(crate) async fn forget(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    account: Option<Uuid>,
    stale: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut delete = Query::delete()
        .from_table(Alias::new(purpose.table()))
        .cond_where(
            Expr::col(Column::UsedAt)
                .lte(stale)
                .or(Expr::col(Column::ExpiresAt).lte(stale)),
        )
        .to_owned();
    if let Some(account) = account {
        delete.and_where(Expr::col(Column::UserId).eq(account));
    }
    Ok(db.execute(&delete).await?.rows_affected())
}

/// Why a token that was not claimed is refused. A reset token is bound to its address first:
/// one for an address the account no longer has is unknown, whatever else holds; a
/// confirmation token reads used or expired before it reads "address changed".
fn refusal(purpose: Purpose, stored: &StoredToken, addressed: bool, now: DateTime<Utc>) -> Refusal {
    match purpose {
        Purpose::PasswordReset if !addressed => Refusal::Unknown,
        _ if stored.used_at.is_some() => Refusal::Used,
        _ if stored.expires_at <= now => Refusal::Expired,
        Purpose::EmailConfirmation if !addressed => Refusal::AddressChanged,
        // Neither spent nor expired, still addressed, yet not claimed: another use won.
        _ => Refusal::Used,
    }
}

async fn find(
    db: &impl ConnectionTrait,
    purpose: Purpose,
    hash: &str,
) -> Result<Option<StoredToken>, DbErr> {
    let select = Query::select()
        .columns([
            Column::UserId,
            Column::Email,
            Column::ExpiresAt,
            Column::UsedAt,
        ])
        .from(Alias::new(purpose.table()))
        .and_where(Expr::col(Column::TokenHash).eq(hash))
        .to_owned();
    let statement: Statement = db.get_database_backend().build(&select);
    StoredToken::find_by_statement(statement).one(db).await
}

/// The account while it still has the address the token was mailed to.
async fn holder_of(
    db: &impl ConnectionTrait,
    stored: &StoredToken,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(stored.user_id)
        .filter(user::Column::Email.eq(&stored.email))
        .one(db)
        .await
}

/// `SELECT 1 FROM users WHERE users.id = <table>.user_id AND users.email = <table>.email`,
/// for the claim's `EXISTS`.
fn still_addressed(purpose: Purpose) -> SelectStatement {
    let table = || Alias::new(purpose.table());
    Query::select()
        .expr(Expr::val(1))
        .from(user::Entity)
        .and_where(Expr::col((user::Entity, user::Column::Id)).equals((table(), Column::UserId)))
        .and_where(Expr::col((user::Entity, user::Column::Email)).equals((table(), Column::Email)))
        .to_owned()
}

#[cfg(test)]
mod tests;

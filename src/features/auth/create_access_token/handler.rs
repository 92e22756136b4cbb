use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Func},
};

use super::{command::CreateAccessToken, error::Refusal};
use crate::{
    domain::Password,
    features::email_confirmation,
    http::ApiError,
    infra::{
        clock::Clock,
        db::entities::user,
        rate_limit::{RateLimits, Scope},
        security::{AccessToken, PasswordHasher, TokenService},
    },
};

/// Unknown account and wrong password fail alike and take as long (a dummy hash is checked),
/// so the endpoint does not reveal which accounts exist. Failed attempts are counted per
/// account (per name when no account has it) from every IP, so guessing cannot be spread.
/// With `require_verified_email`, an unconfirmed account with the right password gets no
/// token but a fresh confirmation e-mail (within its quota): it has no token to ask with.
pub(super) async fn create_access_token(
    db: &DatabaseConnection,
    clock: &Clock,
    hasher: &PasswordHasher,
    tokens: &TokenService,
    limits: &RateLimits,
    require_verified_email: bool,
    command: CreateAccessToken,
) -> Result<AccessToken, ApiError> {
    let login = command.login.trim().to_lowercase();
    let by_login = if login.contains('@') {
        user::Column::Email.eq(&login)
    } else {
        Expr::expr(Func::lower(Expr::col(user::Column::Username))).eq(&login)
    };
    let account = user::Entity::find().filter(by_login).one(db).await?;
    let attempts_key = account.as_ref().map_or(login, |a| a.id.to_string());
    if let Some(decision) = limits.peek(Scope::LoginFailures, &attempts_key).await?
        && !decision.allowed
    {
        return Err(ApiError::too_many_requests(&decision));
    }
    // bcrypt ignores bytes past 72, so a longer password must never match.
    let checkable = command.password.expose().len() <= Password::MAX_BYTES;
    let hash = account
        .as_ref()
        .filter(|_| checkable)
        .map(|a| &a.password_hash);
    match (hasher.verify(&command.password, hash).await?, account) {
        (true, Some(account)) if require_verified_email && !account.email_verified => {
            // Over its quota, the account still learns why; it just gets no new e-mail.
            email_confirmation::resend(db, limits, &account, clock.now()).await?;
            Err(Refusal::EmailNotVerified.into())
        }
        (true, Some(account)) => Ok(tokens.issue(account.id, clock.now())?),
        _ => {
            limits
                .acquire(&[(Scope::LoginFailures, &attempts_key)])
                .await?;
            Err(Refusal::InvalidCredentials.into())
        }
    }
}

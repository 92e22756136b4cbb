use super::error::Refusal;
use crate::{
    domain::Password,
    features::{
        email_confirmation,
        sessions::{self, RotateError, SessionTokens},
    },
    http::{ApiError, AppState, Device, refuse_if_spent},
    infra::{db::entities::user, rate_limit::Scope},
};

/// Unknown account and wrong password fail alike and take as long (a dummy hash is checked),
/// so the endpoint does not reveal which accounts exist. Failed attempts are counted per
/// account (per name when no account has it) from every IP, so guessing cannot be spread.
/// With `require_verified_email`, an unconfirmed account with the right password gets no
/// token but a fresh confirmation e-mail (within its quota): it has no token to ask with.
/// The right password opens a session on `device`.
pub(super) async fn password_grant(
    state: &AppState,
    login: String,
    password: Password,
    device: Device,
) -> Result<SessionTokens, ApiError> {
    let AppState {
        db,
        clock,
        hasher,
        limits,
        ..
    } = state;
    let login = user::normalize_login(&login);
    let account = user::find_by_login(db, &login).await?;
    let attempts_key = account.as_ref().map_or(login, |a| a.id.to_string());
    refuse_if_spent(limits, Scope::LoginFailures, &attempts_key).await?;
    let hash = account.as_ref().map(|a| &a.password_hash);
    match (hasher.verify(&password, hash).await?, account) {
        (true, Some(account)) if state.require_verified_email && !account.email_verified => {
            not_verified(state, &account).await
        }
        (true, Some(account)) => {
            sessions::open(
                db,
                &state.tokens,
                &state.sessions,
                account.id,
                device,
                clock.now(),
            )
            .await
        }
        _ => {
            limits
                .acquire(&[(Scope::LoginFailures, &attempts_key)])
                .await?;
            Err(Refusal::InvalidCredentials.into())
        }
    }
}

/// Rotates a refresh token within its session (see `sessions::rotate`).
pub(super) async fn refresh_grant(
    state: &AppState,
    refresh_token: &str,
) -> Result<SessionTokens, ApiError> {
    let rotated = sessions::rotate(
        &state.db,
        &state.tokens,
        &state.sessions,
        state.require_verified_email,
        refresh_token,
        state.clock.now(),
    )
    .await;
    match rotated {
        Ok(tokens) => Ok(tokens),
        Err(RotateError::Refused) => Err(Refusal::InvalidRefreshToken.into()),
        Err(RotateError::EmailNotVerified(account)) => not_verified(state, &account).await,
        Err(RotateError::Database(err)) => Err(err.into()),
        Err(RotateError::Token(err)) => Err(err.into()),
    }
}

/// `REQUIRE_VERIFIED_EMAIL` refuses the account; it gets a new confirmation e-mail within its
/// quota (over it, the account still learns why; it just gets no new e-mail).
async fn not_verified(state: &AppState, account: &user::Model) -> Result<SessionTokens, ApiError> {
    email_confirmation::resend(&state.db, &state.limits, account, state.clock.now()).await?;
    Err(Refusal::EmailNotVerified.into())
}

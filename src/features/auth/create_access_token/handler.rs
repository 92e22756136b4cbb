use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction, EntityTrait};
use uuid::Uuid;

use super::error::Refusal;
use crate::{
    domain::{AuditAction, Password},
    http::{ApiError, MfaChallenge},
    infra::{
        clock::Clock,
        db::{self, entities::user},
        rate_limit::{RateLimits, Scope},
        security::{PasswordHasher, SessionSettings, TokenService},
    },
    services::{
        audit::{AuditEntry, Provenance},
        email_confirmation,
        mfa::{self, Totp},
        passkeys::Passkeys,
        sessions::{self, Amr, Device, Login, NewSignInSettings, RotateError, SessionTokens},
    },
};

/// What the token endpoint's grants need.
pub(super) struct Grants<'a> {
    pub db: &'a DatabaseConnection,
    pub clock: &'a Clock,
    pub hasher: &'a PasswordHasher,
    pub limits: &'a RateLimits,
    pub tokens: &'a TokenService,
    pub sessions: &'a SessionSettings,
    pub new_sign_in: &'a NewSignInSettings,
    pub totp: &'a Totp,
    pub passkeys: &'a Passkeys,
    /// `REQUIRE_VERIFIED_EMAIL`.
    pub require_verified_email: bool,
}

/// Unknown account and wrong password fail alike and take as long (a dummy hash is checked),
/// so the endpoint does not reveal which accounts exist. Failed attempts are counted per
/// account (per name when no account has it) from every IP, so guessing cannot be spread.
/// With `require_verified_email`, an unconfirmed account with the right password gets no
/// token but a fresh confirmation e-mail (within its quota): it has no token to ask with.
/// The right password opens a session on `device`, unless an administrator disabled the
/// account (403, told only to whoever knows the password). Every outcome is audited; a
/// failure names the account when there is one, never the login typed (it may be a
/// password typed into the wrong field). An account with a second factor gets no session
/// yet but a second step (`mfa-required`, `second_step::mfa_grant`). The route counts each
/// outcome (`accounts_logins_total`).
pub(super) async fn password_grant(
    grants: &Grants<'_>,
    login: String,
    password: Password,
    device: Device,
    provenance: &Provenance,
) -> Result<SessionTokens, ApiError> {
    let Grants {
        db,
        clock,
        hasher,
        limits,
        ..
    } = *grants;
    // A place in the hashing queue first: when the hasher is saturated, a refusal costs no
    // query; the slot only once the account is read (a slow database holds no slot).
    let turn = hasher.turn()?;
    let login = user::normalize_login(&login);
    let account = user::find_by_login(db, &login).await?;
    let attempts_key = account.as_ref().map_or(login, |a| a.id.to_string());
    // Charged before the hash, taken back for the right password: concurrent wrong guesses
    // cannot pass a quota that none of them has been counted against yet.
    let charge = limits
        .charge_failure(Scope::LoginFailures, &attempts_key)
        .await?;
    let hash = account.as_ref().map(|a| &a.password_hash);
    let verified = hasher.verify_in(turn, &password, hash).await;
    let now = clock.now();
    let failed =
        |account: Option<&user::Model>, reason: &str| login_failed(account.map(|a| a.id), reason);
    let account = match (verified, account) {
        (Ok(true), Some(account)) => {
            charge.forgive().await;
            account
        }
        (Ok(_), account) => {
            failed(account.as_ref(), "invalid_credentials")
                .record(db, provenance, now)
                .await?;
            return Err(Refusal::InvalidCredentials.into());
        }
        (Err(err), _) => {
            charge.forgive().await;
            return Err(err.into());
        }
    };
    if account.disabled_at.is_some() {
        failed(Some(&account), "account_disabled")
            .record(db, provenance, now)
            .await?;
        return Err(Refusal::AccountDisabled.into());
    }
    if grants.require_verified_email && !account.email_verified {
        failed(Some(&account), "email_not_verified")
            .record(db, provenance, now)
            .await?;
        return not_verified(grants, &account).await;
    }
    let factors = mfa::status(db, account.id).await?;
    if factors.enabled() {
        let mfa_token = mfa::open_challenge(db, account.id, now).await?;
        AuditEntry::new(AuditAction::LoginMfaRequired)
            .by_self(account.id)
            .record(db, provenance, now)
            .await?;
        let challenge = MfaChallenge {
            mfa_token: mfa_token.into(),
            methods: factors.methods(),
        };
        return Err(Refusal::MfaRequired(challenge).into());
    }
    // It reads the account's known devices before it writes (`sessions::open`).
    let txn = db::begin_write(db).await?;
    let login = Login {
        account: &account,
        device,
        amr: Amr::Password,
    };
    let opened = open_session(grants, &txn, login, provenance, now).await?;
    txn.commit().await?;
    Ok(opened)
}

/// The audit row of a failed login, naming the account when there is one and why.
pub(super) fn login_failed(account: Option<Uuid>, reason: &str) -> AuditEntry {
    AuditEntry::new(AuditAction::LoginFailed)
        .on(account)
        .with("reason", reason)
}

/// The account a second step or a passkey names (`unknown` when it is gone), refused
/// (and audited) when an administrator disabled it.
pub(super) async fn enabled_account(
    grants: &Grants<'_>,
    user_id: Uuid,
    unknown: Refusal,
    provenance: &Provenance,
) -> Result<user::Model, ApiError> {
    let account = user::Entity::find_by_id(user_id)
        .one(grants.db)
        .await?
        .ok_or(unknown)?;
    if account.disabled_at.is_some() {
        login_failed(Some(account.id), "account_disabled")
            .record(grants.db, provenance, grants.clock.now())
            .await?;
        return Err(Refusal::AccountDisabled.into());
    }
    Ok(account)
}

/// Opens the session of a proven login in `txn` and audits it, naming how it was proven.
pub(super) async fn open_session(
    grants: &Grants<'_>,
    txn: &DatabaseTransaction,
    login: Login<'_>,
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<SessionTokens, ApiError> {
    let (tokens, settings, notice) = (grants.tokens, grants.sessions, grants.new_sign_in);
    let (user_id, amr) = (login.account.id, login.amr);
    let opened = sessions::open(txn, tokens, settings, notice, login, now).await?;
    AuditEntry::new(AuditAction::LoginSucceeded)
        .by_self(user_id)
        .with("amr", amr.as_str())
        .record(txn, provenance, now)
        .await?;
    Ok(opened)
}

/// Rotates a refresh token within its session (see `sessions::rotate`).
pub(super) async fn refresh_grant(
    grants: &Grants<'_>,
    refresh_token: &str,
    provenance: &Provenance,
) -> Result<SessionTokens, ApiError> {
    let rotated = sessions::rotate(
        grants.db,
        grants.tokens,
        grants.sessions,
        grants.require_verified_email,
        refresh_token,
        provenance,
        grants.clock.now(),
    )
    .await;
    match rotated {
        Ok(tokens) => Ok(tokens),
        Err(RotateError::Refused) => Err(Refusal::InvalidRefreshToken.into()),
        Err(RotateError::EmailNotVerified(account)) => not_verified(grants, &account).await,
        Err(RotateError::Database(err)) => Err(err.into()),
        Err(RotateError::Token(err)) => Err(err.into()),
    }
}

/// `REQUIRE_VERIFIED_EMAIL` refuses the account; it gets a new confirmation e-mail within its
/// quota (over it, the account still learns why; it just gets no new e-mail).
pub(super) async fn not_verified(
    grants: &Grants<'_>,
    account: &user::Model,
) -> Result<SessionTokens, ApiError> {
    let now = grants.clock.now();
    email_confirmation::resend(grants.db, grants.limits, account, now).await?;
    Err(Refusal::EmailNotVerified.into())
}

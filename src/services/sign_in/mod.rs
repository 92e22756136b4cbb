//! Signing in: the password check and the second step's code, shared by the token
//! endpoint's grants and the hosted sign-in page. What follows a proven login (a session, a
//! cookie) is the caller's.

mod browser;
mod second_step;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait};
use uuid::Uuid;

pub(crate) use browser::open_browser_session;
pub(crate) use second_step::prove_code;

use crate::{
    domain::{AuditAction, Password},
    infra::{
        clock::Clock,
        db::entities::user,
        rate_limit::{ChargeError, RateLimits, Scope},
        security::{HashError, PasswordHasher},
    },
    services::{
        audit::{AuditEntry, Provenance},
        email_confirmation::{self, ResendError},
        mfa::{self, MfaError},
    },
};

/// What checking a password needs.
#[derive(Clone, Copy)]
pub(crate) struct PasswordCheck<'a> {
    pub db: &'a DatabaseConnection,
    pub clock: &'a Clock,
    pub hasher: &'a PasswordHasher,
    pub limits: &'a RateLimits,
    /// `REQUIRE_VERIFIED_EMAIL`.
    pub require_verified_email: bool,
}

/// A right password: the account, or for an account with a second factor, its second step.
pub(crate) enum Checked {
    /// No second factor: the login is proven.
    Proven(user::Model),
    /// The second step's token (single use, 5 minutes) and the methods that answer it.
    SecondStep {
        /// The opaque `mfa_token`.
        mfa_token: String,
        /// `totp`, `recovery_code`, `passkey`.
        methods: Vec<&'static str>,
    },
}

/// Why a sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SignInError {
    /// Unknown login or wrong password: alike.
    #[error("incorrect login or password")]
    InvalidCredentials,
    /// An administrator disabled the account.
    #[error("the account is disabled")]
    AccountDisabled,
    /// `REQUIRE_VERIFIED_EMAIL` and an unconfirmed address (a new e-mail was queued).
    #[error("the e-mail address is not confirmed")]
    EmailNotVerified,
    /// The second step's token is unknown, used, expired or spent by wrong codes.
    #[error("the second step's token is not valid")]
    InvalidMfaToken,
    /// A wrong second-factor code.
    #[error("the code is wrong")]
    InvalidMfaCode,
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Charge(#[from] ChargeError),
    #[error(transparent)]
    Resend(#[from] ResendError),
    #[error(transparent)]
    Mfa(MfaError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Unknown account and wrong password fail alike and take as long (a dummy hash is checked),
/// so a sign-in does not reveal which accounts exist. Failed attempts are counted per
/// account (per name when no account has it) from every IP, so guessing cannot be spread.
/// With `require_verified_email`, an unconfirmed account with the right password is refused
/// and gets a fresh confirmation e-mail (within its quota). A disabled account is refused
/// (told only to whoever knows the password). Every outcome is audited; a failure names the
/// account when there is one, never the login typed (it may be a password typed into the
/// wrong field). An account with a second factor gets its second step.
pub(crate) async fn check_password(
    check: &PasswordCheck<'_>,
    login: &str,
    password: &Password,
    provenance: &Provenance,
) -> Result<Checked, SignInError> {
    let PasswordCheck {
        db,
        clock,
        hasher,
        limits,
        ..
    } = *check;
    // A place in the hashing queue first: when the hasher is saturated, a refusal costs no
    // query; the slot only once the account is read (a slow database holds no slot).
    let turn = hasher.turn()?;
    let login = user::normalize_login(login);
    let account = user::find_by_login(db, &login).await?;
    let attempts_key = account.as_ref().map_or(login, |a| a.id.to_string());
    // Charged before the hash, taken back for the right password: concurrent wrong guesses
    // cannot pass a quota that none of them has been counted against yet.
    let charge = limits
        .charge_failure(Scope::LoginFailures, &attempts_key)
        .await?;
    let hash = account.as_ref().map(|a| &a.password_hash);
    let verified = hasher.verify_in(turn, password, hash).await;
    let now = clock.now();
    let account = match (verified, account) {
        (Ok(true), Some(account)) => {
            charge.forgive().await;
            account
        }
        (Ok(_), account) => {
            login_failed(account.map(|a| a.id), "invalid_credentials")
                .record(db, provenance, now)
                .await?;
            return Err(SignInError::InvalidCredentials);
        }
        (Err(err), _) => {
            charge.forgive().await;
            return Err(err.into());
        }
    };
    refuse_disabled_or_unverified(check, &account, provenance).await?;
    let factors = mfa::status(db, account.id).await?;
    if !factors.enabled() {
        return Ok(Checked::Proven(account));
    }
    let mfa_token = mfa::open_challenge(db, account.id, now).await?;
    AuditEntry::new(AuditAction::LoginMfaRequired)
        .by_self(account.id)
        .record(db, provenance, now)
        .await?;
    Ok(Checked::SecondStep {
        mfa_token,
        methods: factors.methods(),
    })
}

/// The account a verified passkey names, refused as a password sign-in would be when it is
/// gone (`InvalidCredentials`), disabled, or (with `require_verified_email`) unconfirmed.
pub(crate) async fn passkey_account(
    check: &PasswordCheck<'_>,
    user_id: Uuid,
    provenance: &Provenance,
) -> Result<user::Model, SignInError> {
    let account = user::Entity::find_by_id(user_id)
        .one(check.db)
        .await?
        .ok_or(SignInError::InvalidCredentials)?;
    refuse_disabled_or_unverified(check, &account, provenance).await?;
    Ok(account)
}

/// Refuses (and audits) a disabled account, and with `require_verified_email` an
/// unconfirmed one, which gets a new confirmation e-mail within its quota.
async fn refuse_disabled_or_unverified(
    check: &PasswordCheck<'_>,
    account: &user::Model,
    provenance: &Provenance,
) -> Result<(), SignInError> {
    let (db, now) = (check.db, check.clock.now());
    if account.disabled_at.is_some() {
        login_failed(Some(account.id), "account_disabled")
            .record(db, provenance, now)
            .await?;
        return Err(SignInError::AccountDisabled);
    }
    if check.require_verified_email && !account.email_verified {
        login_failed(Some(account.id), "email_not_verified")
            .record(db, provenance, now)
            .await?;
        email_confirmation::resend(db, check.limits, account, now).await?;
        return Err(SignInError::EmailNotVerified);
    }
    Ok(())
}

/// The audit row of a failed login, naming the account when there is one and why.
pub(crate) fn login_failed(account: Option<Uuid>, reason: &str) -> AuditEntry {
    AuditEntry::new(AuditAction::LoginFailed)
        .on(account)
        .with("reason", reason)
}

/// The account a second step names (`unknown` when it is gone), refused (and audited)
/// when an administrator disabled it.
pub(crate) async fn enabled_account(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    unknown: SignInError,
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<user::Model, SignInError> {
    let account = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(unknown)?;
    if account.disabled_at.is_some() {
        login_failed(Some(account.id), "account_disabled")
            .record(db, provenance, now)
            .await?;
        return Err(SignInError::AccountDisabled);
    }
    Ok(account)
}

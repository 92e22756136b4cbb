use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction, EntityTrait};
use uuid::Uuid;

use super::error::Refusal;
use crate::{
    domain::{AuditAction, Password},
    http::{ApiError, MfaChallenge},
    infra::{
        clock::Clock,
        db::{self, SingleStatementDb, entities::user},
        rate_limit::RateLimits,
        security::{PasswordHasher, SessionSettings, TokenService},
    },
    services::{
        audit::{AuditEntry, Provenance},
        email_confirmation,
        mfa::Totp,
        passkeys::Passkeys,
        sessions::{
            self, Amr, Device, Login, NewSignInSettings, RotateError, Rotation, SessionTokens,
        },
        sign_in::{self, Checked, PasswordCheck, SignInError, login_failed},
    },
};

/// What the token endpoint's grants need.
pub(super) struct Grants<'a> {
    pub db: &'a DatabaseConnection,
    /// Where a refresh runs as one statement (`sessions::Rotation`).
    pub single_statement_db: &'a SingleStatementDb,
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

impl Grants<'_> {
    /// What checking a password or a code needs.
    pub(super) fn password_check(&self) -> PasswordCheck<'_> {
        PasswordCheck {
            db: self.db,
            clock: self.clock,
            hasher: self.hasher,
            limits: self.limits,
            require_verified_email: self.require_verified_email,
        }
    }
}

/// The password grant: the password checked as every sign-in checks it
/// (`sign_in::check_password`); the right one opens a session on `device`, or for an account
/// with a second factor answers `mfa-required` with the second step's token
/// (`second_step::mfa_grant`). The route counts each outcome (`accounts_logins_total`).
pub(super) async fn password_grant(
    grants: &Grants<'_>,
    login: String,
    password: Password,
    device: Device,
    provenance: &Provenance,
) -> Result<SessionTokens, ApiError> {
    let checked = sign_in::check_password(&grants.password_check(), &login, &password, provenance)
        .await
        .map_err(refused)?;
    let account = match checked {
        Checked::Proven(account) => account,
        Checked::SecondStep { mfa_token, methods } => {
            let challenge = MfaChallenge {
                mfa_token: mfa_token.into(),
                methods,
            };
            return Err(Refusal::MfaRequired(challenge).into());
        }
    };
    // It reads the account's known devices before it writes (`sessions::open`).
    let txn = db::begin_write(grants.db).await?;
    let login = Login {
        account: &account,
        device,
        amr: Amr::Password,
    };
    let opened = open_session(grants, &txn, login, provenance, grants.clock.now()).await?;
    txn.commit().await?;
    Ok(opened)
}

/// A refused sign-in as the token endpoint answers it.
pub(super) fn refused(err: SignInError) -> ApiError {
    match err {
        SignInError::InvalidCredentials => Refusal::InvalidCredentials.into(),
        SignInError::AccountDisabled => Refusal::AccountDisabled.into(),
        SignInError::EmailNotVerified => Refusal::EmailNotVerified.into(),
        SignInError::InvalidMfaToken => Refusal::InvalidMfaToken.into(),
        SignInError::InvalidMfaCode => Refusal::InvalidMfaCode.into(),
        SignInError::Hash(err) => err.into(),
        SignInError::Charge(err) => err.into(),
        SignInError::Resend(err) => err.into(),
        SignInError::Mfa(err) => err.into(),
        SignInError::Database(err) => err.into(),
    }
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
    let rotation = Rotation {
        db: grants.db,
        single_statement_db: grants.single_statement_db,
        tokens: grants.tokens,
        settings: grants.sessions,
        require_verified_email: grants.require_verified_email,
    };
    let rotated = sessions::rotate(&rotation, refresh_token, provenance, grants.clock.now()).await;
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

//! Second factors: TOTP (RFC 6238) with single-use recovery codes, and the second step of a
//! login (`challenge`). The `totp_credentials`, `recovery_codes` and `mfa_challenges` tables
//! are written only here. An account "has a second factor" once its TOTP is confirmed; the
//! methods it can answer a challenge with are `MfaStatus::methods` (passkeys will add one).

mod challenge;
mod code;
mod enrolment;
mod recovery_codes;
mod removal;
mod reseal;
mod settings;
mod status;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

pub(crate) use challenge::{Challenge, forget_challenges, open_challenge};
pub(crate) use code::{Code, verify};
pub(crate) use enrolment::{confirm_totp, start_totp};
pub(crate) use recovery_codes::replace_recovery_codes;
pub(crate) use removal::remove_all;
pub use reseal::Resealed;
pub(crate) use reseal::reseal_all;
pub use settings::MfaSettings;
pub(crate) use settings::Totp;
pub(crate) use status::{MfaStatus, accounts_with_second_factor, status};

use crate::infra::security::SealError;

/// Why a second-factor operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MfaError {
    /// Wrong, outside its window, or already used.
    #[error("the code is wrong, expired or already used")]
    WrongCode,
    #[error("TOTP is already enabled")]
    AlreadyEnabled,
    /// The account has no second factor to remove or renew.
    #[error("TOTP is not enabled")]
    NotEnabled,
    /// None started, or it expired (15 minutes).
    #[error("no TOTP enrolment is pending")]
    NoPendingEnrolment,
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Forgets what can no longer be finished: dead second steps, expired enrolments and
/// unanswered passkey ceremonies (the pruner's pass); how many rows went.
pub(crate) async fn forget_leftovers(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let challenges = challenge::forget_dead_challenges(db, now).await?;
    let enrolments = enrolment::forget_expired_enrolments(db, now).await?;
    let ceremonies = crate::services::passkeys::forget_expired_ceremonies(db, now).await?;
    Ok(challenges + enrolments + ceremonies)
}

use std::time::Duration;

use sea_orm::DbErr;

use crate::{
    domain::FieldError,
    infra::{
        db,
        email_verifier::{Rejection, VerifierError},
        rate_limit::{Decision, LimiterError},
        security::{HashError, TokenError},
    },
};

/// What a command or query can fail with; knows nothing of HTTP.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AppError {
    #[error("invalid input: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("conflict: {0:?}")]
    Conflict(FieldError),
    #[error("incorrect login or password")]
    InvalidCredentials,
    #[error("unauthenticated: {0}")]
    Unauthenticated(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("rate limited")]
    RateLimited(Decision),
    #[error("unavailable: {detail}")]
    Unavailable {
        detail: String,
        retry_after: Duration,
    },
    #[error("the account's e-mail address is not confirmed")]
    EmailNotVerified,
    #[error("the e-mail address is already confirmed")]
    AlreadyVerified,
    #[error("confirmation token refused: {0:?}")]
    VerificationToken(TokenRefusal),
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

/// Why an e-mail confirmation token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenRefusal {
    /// No such token (mistyped, forged, or its account is gone).
    Unknown,
    Used,
    Expired,
    /// The account's address is no longer the one the token was sent to.
    AddressChanged,
}

impl AppError {
    /// A dependency is down; the client may retry in a few seconds.
    pub(crate) fn unavailable(detail: &str) -> Self {
        Self::Unavailable {
            detail: detail.to_owned(),
            retry_after: Duration::from_secs(5),
        }
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        if db::is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            Self::unavailable("the database is unavailable")
        } else {
            Self::Internal(Box::new(err))
        }
    }
}

impl From<HashError> for AppError {
    fn from(err: HashError) -> Self {
        Self::Internal(Box::new(err))
    }
}

impl From<TokenError> for AppError {
    fn from(err: TokenError) -> Self {
        match err {
            TokenError::Sign(_) => Self::Internal(Box::new(err)),
            TokenError::Expired | TokenError::Invalid => Self::Unauthenticated(err.to_string()),
        }
    }
}

impl From<LimiterError> for AppError {
    fn from(_: LimiterError) -> Self {
        Self::unavailable("the rate limiter is unavailable")
    }
}

impl From<VerifierError> for AppError {
    fn from(err: VerifierError) -> Self {
        Self::Unavailable {
            detail: format!("{err}; try again later"),
            retry_after: err.retry_after(),
        }
    }
}

impl From<Rejection> for AppError {
    fn from(rejection: Rejection) -> Self {
        Self::Validation(vec![FieldError::new("email", rejection.message())])
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::Validation(errors)
    }
}

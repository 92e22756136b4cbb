use sea_orm::DbErr;

use crate::{
    domain::FieldError,
    infra::{
        db,
        rate_limit::{Decision, LimiterError},
        security::{HashError, TokenError},
    },
};

/// What a command or query can fail with; knows nothing of HTTP.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
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
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        if db::is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            Self::Unavailable("the database is unavailable".into())
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
        Self::Unavailable("the rate limiter is unavailable".into())
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::Validation(errors)
    }
}

//! `ApiError`: the one error type at the HTTP boundary, answered as `application/problem+json`.
//! It is a kind (see `problem`) plus what this occurrence adds: a detail, the offending
//! fields, a `Retry-After`, a bearer challenge. Infrastructure errors convert into it here;
//! each slice converts its own refusals in its own folder.

use std::{fmt, time::Duration};

use poem::{Response, error::ResponseError, http::StatusCode};
use poem_openapi::{error::ParseParamError, types::ToJSON};
use sea_orm::DbErr;
use secrecy::{ExposeSecret, SecretString};

use super::problem::{self, FieldProblem, PROBLEM_JSON, ProblemDetails, ProblemKind};
use crate::{
    domain::{FieldError, Permission},
    infra::{
        db,
        email_verifier::VerifierError,
        rate_limit::{ChargeError, Decision, LimiterError},
        security::{HashError, TokenError},
    },
};

/// How long a client should wait when the database or the limiter's store is down.
const RETRY_DEPENDENCY: Duration = Duration::from_secs(5);
/// How long a client should wait when every password-hashing slot and queue place is taken.
const RETRY_HASHING: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub(crate) struct ApiError {
    kind: &'static ProblemKind,
    detail: Option<String>,
    errors: Option<Vec<FieldError>>,
    retry_after: Option<u64>,
    /// `WWW-Authenticate`.
    challenge: Option<String>,
    /// The permission a `missing-permission` problem names.
    permission: Option<Permission>,
    /// The second step an `mfa-required` problem opens (boxed: rare, and it would double the
    /// size of every `Result` carrying an `ApiError`).
    mfa: Option<Box<MfaChallenge>>,
}

/// What an `mfa-required` problem hands the client for the second step.
pub(crate) struct MfaChallenge {
    pub mfa_token: SecretString,
    pub methods: Vec<&'static str>,
}

impl fmt::Debug for MfaChallenge {
    /// Without the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MfaChallenge")
            .field("methods", &self.methods)
            .finish_non_exhaustive()
    }
}

impl ApiError {
    pub(crate) fn new(kind: &'static ProblemKind) -> Self {
        Self {
            kind,
            detail: None,
            errors: None,
            retry_after: None,
            challenge: None,
            permission: None,
            mfa: None,
        }
    }

    /// `kind` (an `mfa-required` problem) carrying the second step's token and methods.
    pub(crate) fn mfa_required(kind: &'static ProblemKind, challenge: MfaChallenge) -> Self {
        Self {
            mfa: Some(Box::new(challenge)),
            ..Self::new(kind)
        }
    }

    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub(crate) fn with_challenge(mut self, challenge: impl Into<String>) -> Self {
        self.challenge = Some(challenge.into());
        self
    }

    /// A `Retry-After` of `after` (at least a second).
    pub(crate) fn with_retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after.as_secs().max(1));
        self
    }

    pub(crate) fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(&problem::BAD_REQUEST).with_detail(detail)
    }

    /// A refused bearer token, with the challenge RFC 6750 asks for.
    pub(crate) fn unauthorized(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let challenge = format!(r#"Bearer error="invalid_token", error_description="{detail}""#);
        Self::new(&problem::UNAUTHORIZED)
            .with_detail(detail)
            .with_challenge(challenge)
    }

    /// 403 naming the permission the caller lacks.
    pub(crate) fn missing_permission(permission: Permission) -> Self {
        Self {
            permission: Some(permission),
            ..Self::new(&problem::MISSING_PERMISSION).with_detail(format!(
                "this operation needs the {permission} permission, which the caller lacks"
            ))
        }
    }

    pub(crate) fn not_found(detail: impl Into<String>) -> Self {
        Self::new(&problem::NOT_FOUND).with_detail(detail)
    }

    /// 422 with one entry per invalid field.
    pub(crate) fn validation(errors: Vec<FieldError>) -> Self {
        Self {
            errors: Some(errors),
            ..Self::new(&problem::VALIDATION)
        }
    }

    /// 409 naming the field whose value is taken.
    pub(crate) fn conflict(field: FieldError) -> Self {
        Self {
            detail: Some(field.message.clone()),
            errors: Some(vec![field]),
            ..Self::new(&problem::CONFLICT)
        }
    }

    pub(crate) fn too_many_requests(decision: &Decision) -> Self {
        let secs = retry_after_secs(decision);
        Self {
            retry_after: Some(secs),
            ..Self::new(&problem::TOO_MANY_REQUESTS)
                .with_detail(format!("rate limit exceeded; retry in {secs} s"))
        }
    }

    pub(crate) fn unavailable(detail: impl Into<String>, retry_after: Duration) -> Self {
        Self {
            retry_after: Some(retry_after.as_secs().max(1)),
            ..Self::new(&problem::UNAVAILABLE).with_detail(detail)
        }
    }

    /// A failure that is nobody's fault but ours: logged with its cause, answered generically.
    pub(crate) fn internal(cause: &dyn fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(&problem::INTERNAL)
    }

    /// Whether this is a problem of `kind`.
    pub(crate) fn is(&self, kind: &ProblemKind) -> bool {
        self.kind == kind
    }

    pub(crate) fn problem(&self) -> ProblemDetails {
        ProblemDetails {
            kind: format!("/problems/{}", self.kind.slug),
            title: self.kind.title.into(),
            status: self.kind.status,
            detail: self.detail.as_deref().unwrap_or(self.kind.detail).into(),
            errors: self
                .errors
                .clone()
                .map(|errors| errors.into_iter().map(FieldProblem::from).collect()),
            permission: self.permission.map(|p| p.as_str().to_owned()),
            mfa_token: self
                .mfa
                .as_ref()
                .map(|m| m.mfa_token.expose_secret().to_owned()),
            methods: self
                .mfa
                .as_ref()
                .map(|m| m.methods.iter().map(|&m| m.to_owned()).collect()),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let detail = self.detail.as_deref().unwrap_or(self.kind.detail);
        write!(f, "{}: {detail}", self.kind.title)
    }
}

impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        self.kind.status_code()
    }

    fn as_response(&self) -> Response {
        let mut response = Response::builder()
            .status(self.status())
            .content_type(PROBLEM_JSON)
            .body(self.problem().to_json_string());
        let headers = response.headers_mut();
        if let Some(value) = self.challenge.as_deref().and_then(|c| c.parse().ok()) {
            headers.insert("www-authenticate", value);
        }
        if let Some(secs) = self.retry_after {
            headers.insert("retry-after", secs.into());
        }
        response
    }
}

/// Whole seconds until a refused client may retry (at least 1).
pub(crate) fn retry_after_secs(decision: &Decision) -> u64 {
    (decision.reset.as_secs_f64().ceil() as u64).max(1)
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        if db::is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            Self::unavailable("the database is unavailable", RETRY_DEPENDENCY)
        } else {
            Self::internal(&err)
        }
    }
}

impl From<HashError> for ApiError {
    fn from(err: HashError) -> Self {
        match err {
            HashError::Busy => Self::unavailable(
                "too many passwords are being checked at once; retry shortly",
                RETRY_HASHING,
            ),
            HashError::Hash(_) | HashError::Lost => Self::internal(&err),
        }
    }
}

impl From<TokenError> for ApiError {
    fn from(err: TokenError) -> Self {
        match err {
            TokenError::Sign(_) => Self::internal(&err),
            TokenError::Expired | TokenError::Invalid => Self::unauthorized(err.to_string()),
        }
    }
}

impl From<LimiterError> for ApiError {
    fn from(_: LimiterError) -> Self {
        Self::unavailable("the rate limiter is unavailable", RETRY_DEPENDENCY)
    }
}

impl From<ChargeError> for ApiError {
    fn from(err: ChargeError) -> Self {
        match err {
            ChargeError::OverQuota(decision) => Self::too_many_requests(&decision),
            ChargeError::Store(err) => err.into(),
        }
    }
}

impl From<VerifierError> for ApiError {
    fn from(err: VerifierError) -> Self {
        Self::unavailable(format!("{err}; try again later"), err.retry_after())
    }
}

/// Turns any error poem or poem-openapi raises (bad payload, missing auth, unknown route,
/// ...) into a problem document, so every error response has one shape.
pub(crate) fn into_problem_response(err: poem::Error) -> Response {
    if let Some(api_error) = err.downcast_ref::<ApiError>() {
        return api_error.as_response();
    }
    // A query or path parameter of the wrong type or out of its documented range is
    // invalid input like any other: 422 naming the parameter.
    if let Some(param) = err.downcast_ref::<ParseParamError>() {
        let field = FieldError::new(param.name, param.reason.clone());
        return ApiError::validation(vec![field]).as_response();
    }
    let api_error = match err.status() {
        StatusCode::UNAUTHORIZED => ApiError::unauthorized(problem::UNAUTHORIZED.detail),
        StatusCode::NOT_FOUND => ApiError::new(&problem::NOT_FOUND),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(&problem::METHOD_NOT_ALLOWED),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(&problem::PAYLOAD_TOO_LARGE),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::new(&problem::UNSUPPORTED_MEDIA_TYPE).with_detail(err.to_string())
        }
        status if status.is_client_error() => ApiError::bad_request(err.to_string()),
        _ => ApiError::internal(&err),
    };
    api_error.as_response()
}

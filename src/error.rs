//! `ApiError`: the HTTP layer's one error type, answered as `application/problem+json`
//! (RFC 9457). `Problem<S>` carries it out of an endpoint while declaring, in the OpenAPI
//! document, exactly the statuses `S` that endpoint can return.

use std::{marker::PhantomData, time::Duration};

use poem::{Response, error::ResponseError, http::StatusCode};
use poem_openapi::{
    ApiResponse, Object,
    registry::{MetaHeader, MetaMediaType, MetaResponse, MetaResponses, Registry},
    types::{ToJSON, Type},
};

use crate::{
    domain::FieldError,
    features::{AppError, TokenRefusal},
    infra::rate_limit::Decision,
    platform::rate_limit::LIMIT_HEADERS,
};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Object)]
pub struct ProblemDetails {
    /// A URI reference naming the kind of problem, e.g. `/problems/validation`.
    #[oai(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// The offending fields (validation and conflict problems only).
    #[oai(skip_serializing_if_is_none)]
    pub errors: Option<Vec<FieldError>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("e-mail address not confirmed")]
    EmailNotVerified,
    #[error("not found: {0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict: {0:?}")]
    Conflict(FieldError),
    #[error("e-mail address already confirmed")]
    AlreadyVerified,
    #[error("confirmation token refused: {0:?}")]
    VerificationToken(TokenRefusal),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("too many requests")]
    TooManyRequests(Decision),
    #[error("service unavailable: {detail}")]
    Unavailable {
        detail: String,
        retry_after: Duration,
    },
    #[error("internal error")]
    Internal,
}

impl ApiError {
    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Self::BadRequest(_) => ("bad-request", "Malformed request"),
            Self::InvalidCredentials => ("invalid-credentials", "Invalid credentials"),
            Self::Unauthorized(_) => ("unauthorized", "Authentication required"),
            Self::Forbidden(_) => ("forbidden", "Forbidden"),
            Self::EmailNotVerified => ("email-not-verified", "E-mail address not confirmed"),
            Self::NotFound(_) => ("not-found", "Not found"),
            Self::MethodNotAllowed => ("method-not-allowed", "Method not allowed"),
            Self::Conflict(_) => ("conflict", "Conflict"),
            Self::AlreadyVerified => ("email-already-verified", "E-mail address already confirmed"),
            Self::VerificationToken(refusal) => match refusal {
                TokenRefusal::Unknown => {
                    ("verification-token-invalid", "Invalid confirmation token")
                }
                TokenRefusal::Used => {
                    ("verification-token-used", "Confirmation token already used")
                }
                TokenRefusal::Expired => {
                    ("verification-token-expired", "Confirmation token expired")
                }
                TokenRefusal::AddressChanged => (
                    "verification-token-address-changed",
                    "E-mail address changed since the token was sent",
                ),
            },
            Self::PayloadTooLarge => ("payload-too-large", "Payload too large"),
            Self::UnsupportedMediaType(_) => ("unsupported-media-type", "Unsupported media type"),
            Self::Validation(_) => ("validation", "Invalid input"),
            Self::TooManyRequests(_) => ("too-many-requests", "Too many requests"),
            Self::Unavailable { .. } => ("unavailable", "Service unavailable"),
            Self::Internal => ("internal", "Internal server error"),
        }
    }

    pub fn problem(&self) -> ProblemDetails {
        let (slug, title) = self.slug_and_title();
        let (detail, errors) = match self {
            Self::BadRequest(d)
            | Self::Unauthorized(d)
            | Self::Forbidden(d)
            | Self::NotFound(d)
            | Self::UnsupportedMediaType(d)
            | Self::Unavailable { detail: d, .. } => (d.clone(), None),
            Self::EmailNotVerified => (
                "confirm your e-mail address first; a new confirmation e-mail is on its way \
                 unless one was requested too often"
                    .into(),
                None,
            ),
            Self::AlreadyVerified => (
                "this account's e-mail address is already confirmed".into(),
                None,
            ),
            Self::VerificationToken(refusal) => (
                match refusal {
                    TokenRefusal::Unknown => "this confirmation token is not valid",
                    TokenRefusal::Used => "this confirmation token was already used",
                    TokenRefusal::Expired => {
                        "this confirmation token has expired; request a new one"
                    }
                    TokenRefusal::AddressChanged => {
                        "the account's e-mail address changed since this token was sent; \
                         use the token sent to the new address"
                    }
                }
                .into(),
                None,
            ),
            Self::InvalidCredentials => ("incorrect login or password".into(), None),
            Self::MethodNotAllowed => ("this method is not allowed on this resource".into(), None),
            Self::Conflict(e) => (e.message.clone(), Some(vec![e.clone()])),
            Self::PayloadTooLarge => (
                "the request body is larger than this server accepts".into(),
                None,
            ),
            Self::Validation(errors) => (
                "one or more fields are invalid".into(),
                Some(errors.clone()),
            ),
            Self::TooManyRequests(d) => (
                format!("rate limit exceeded; retry in {} s", retry_after_secs(d)),
                None,
            ),
            Self::Internal => ("the server failed to handle this request".into(), None),
        };
        ProblemDetails {
            kind: format!("/problems/{slug}"),
            title: title.into(),
            status: self.status().as_u16(),
            detail,
            errors,
        }
    }
}

impl ResponseError for ApiError {
    fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::InvalidCredentials | Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::EmailNotVerified => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) | Self::AlreadyVerified => StatusCode::CONFLICT,
            Self::VerificationToken(TokenRefusal::Unknown) => StatusCode::BAD_REQUEST,
            Self::VerificationToken(_) => StatusCode::GONE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn as_response(&self) -> Response {
        let body = self.problem().to_json_string();
        let mut response = Response::builder()
            .status(self.status())
            .content_type(PROBLEM_JSON)
            .body(body);
        match self {
            Self::Unauthorized(detail) => {
                let challenge =
                    format!(r#"Bearer error="invalid_token", error_description="{detail}""#);
                if let Ok(value) = challenge.parse() {
                    response.headers_mut().insert("www-authenticate", value);
                }
            }
            Self::InvalidCredentials => {
                response
                    .headers_mut()
                    .insert("www-authenticate", "Bearer".parse().expect("static"));
            }
            Self::TooManyRequests(d) => {
                response
                    .headers_mut()
                    .insert("retry-after", retry_after_secs(d).into());
            }
            Self::Unavailable { retry_after, .. } => {
                let secs = retry_after.as_secs().max(1);
                response.headers_mut().insert("retry-after", secs.into());
            }
            _ => {}
        }
        response
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Validation(errors) => Self::Validation(errors),
            AppError::Conflict(field) => Self::Conflict(field),
            AppError::InvalidCredentials => Self::InvalidCredentials,
            AppError::Unauthenticated(reason) => Self::Unauthorized(reason),
            AppError::Forbidden(reason) => Self::Forbidden(reason),
            AppError::NotFound(what) => Self::NotFound(what),
            AppError::Unavailable {
                detail,
                retry_after,
            } => Self::Unavailable {
                detail,
                retry_after,
            },
            AppError::EmailNotVerified => Self::EmailNotVerified,
            AppError::AlreadyVerified => Self::AlreadyVerified,
            AppError::VerificationToken(refusal) => Self::VerificationToken(refusal),
            AppError::RateLimited(decision) => Self::TooManyRequests(decision),
            AppError::Internal(source) => {
                tracing::error!(error = %source, "internal error");
                Self::Internal
            }
        }
    }
}

/// Turns any error poem or poem-openapi raises (bad payload, missing auth, unknown route,
/// ...) into a problem document, so every error response has one shape.
pub fn into_problem_response(err: poem::Error) -> Response {
    if let Some(api_error) = err.downcast_ref::<ApiError>() {
        return api_error.as_response();
    }
    let api_error = match err.status() {
        StatusCode::UNAUTHORIZED => ApiError::Unauthorized("a bearer token is required".into()),
        StatusCode::NOT_FOUND => ApiError::NotFound("no such resource".into()),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(err.to_string()),
        status if status.is_client_error() => ApiError::BadRequest(err.to_string()),
        _ => {
            tracing::error!(error = %err, "unhandled error");
            ApiError::Internal
        }
    };
    api_error.as_response()
}

/// The error statuses one endpoint declares in the OpenAPI document.
pub trait ErrorStatuses: Send + Sync + 'static {
    const STATUSES: &'static [u16];
    /// This endpoint's own wording for some statuses; the rest get the generic one.
    const DESCRIPTIONS: &'static [(u16, &'static str)];
}

/// Declares a marker type listing an endpoint's error statuses, optionally with its own
/// descriptions: `error_statuses!(X: 404, 409; 409 => "Already confirmed.");`
#[macro_export]
macro_rules! error_statuses {
    ($name:ident: $($status:literal),+ $(; $($code:literal => $text:literal),+)? $(,)?) => {
        pub struct $name;
        impl $crate::error::ErrorStatuses for $name {
            const STATUSES: &'static [u16] = &[$($status),+];
            const DESCRIPTIONS: &'static [(u16, &'static str)] = &[$($(($code, $text)),+)?];
        }
    };
}

/// An `ApiError` leaving an endpoint whose possible statuses are `S`.
pub struct Problem<S>(pub ApiError, PhantomData<S>);

impl<S> From<ApiError> for Problem<S> {
    fn from(err: ApiError) -> Self {
        Self(err, PhantomData)
    }
}

impl<S> From<AppError> for Problem<S> {
    fn from(err: AppError) -> Self {
        Self(err.into(), PhantomData)
    }
}

impl<S> From<Problem<S>> for poem::Error {
    fn from(problem: Problem<S>) -> Self {
        poem::Error::from(problem.0)
    }
}

impl<S: ErrorStatuses> ApiResponse for Problem<S> {
    fn meta() -> MetaResponses {
        let responses = S::STATUSES
            .iter()
            .map(|&status| MetaResponse {
                description: S::DESCRIPTIONS
                    .iter()
                    .find(|(code, _)| *code == status)
                    .map_or_else(|| describe(status), |(_, text)| text),
                status: Some(status),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: PROBLEM_JSON,
                    schema: ProblemDetails::schema_ref(),
                }],
                headers: problem_headers(status),
            })
            .collect();
        MetaResponses { responses }
    }

    fn register(registry: &mut Registry) {
        ProblemDetails::register(registry);
    }
}

fn describe(status: u16) -> &'static str {
    match status {
        400 => "The request could not be parsed (malformed JSON, wrong types, missing fields).",
        401 => "Missing, malformed, expired or revoked credentials.",
        403 => "The credentials do not allow this action.",
        404 => "The resource does not exist.",
        409 => "A unique value (username or e-mail) is already taken.",
        413 => "The request body is too large.",
        415 => "The request body has an unsupported content type.",
        422 => "One or more fields are invalid; `errors` lists each.",
        429 => "A rate limit was exceeded; retry after `Retry-After` seconds.",
        500 => "Unexpected server error.",
        503 => "A dependency is unavailable; retry after `Retry-After` seconds.",
        _ => "Error.",
    }
}

fn header(name: &str, description: &str) -> MetaHeader {
    MetaHeader {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        required: true,
        deprecated: false,
        schema: String::schema_ref(),
    }
}

/// The `RateLimit-*` headers every response of a limited operation carries.
pub fn rate_limit_headers() -> Vec<MetaHeader> {
    let descriptions = [
        "Requests allowed in the window.",
        "Requests left in the current window.",
        "Seconds until a used request slot frees up.",
    ];
    LIMIT_HEADERS
        .iter()
        .zip(descriptions)
        .map(|(name, d)| header(name, d))
        .collect()
}

/// Whole seconds until a refused client may retry (at least 1).
fn retry_after_secs(decision: &Decision) -> u64 {
    (decision.reset.as_secs_f64().ceil() as u64).max(1)
}

fn problem_headers(status: u16) -> Vec<MetaHeader> {
    match status {
        401 => vec![header("WWW-Authenticate", "The bearer challenge.")],
        503 => vec![header("Retry-After", "Seconds to wait before retrying.")],
        429 => std::iter::once(header("Retry-After", "Seconds to wait before retrying."))
            .chain(rate_limit_headers())
            .collect(),
        _ => Vec::new(),
    }
}

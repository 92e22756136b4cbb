//! RFC 9457 problem documents, and the kinds of problem every slice may answer with. A kind
//! declares its status, `type` slug, title and usual detail together; a slice declares its
//! own kinds in its own folder the same way.

use poem::http::StatusCode;
use poem_openapi::Object;

use crate::domain::FieldError;

pub(crate) const PROBLEM_JSON: &str = "application/problem+json";

/// One kind of problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ProblemKind {
    pub status: u16,
    /// The last segment of the `type` URI, `/problems/<slug>`.
    pub slug: &'static str,
    pub title: &'static str,
    /// What the client reads when the error carries no detail of its own.
    pub detail: &'static str,
}

impl ProblemKind {
    pub(crate) fn status_code(self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// Declares problem kinds:
/// `problem_kinds! { pub(crate) const NAME = 404, "slug", "Title", "usual detail"; }`.
macro_rules! problem_kinds {
    ($($(#[$doc:meta])* $vis:vis const $name:ident =
        $status:literal, $slug:literal, $title:literal, $detail:expr;)+) => {$(
        $(#[$doc])*
        $vis const $name: $crate::http::ProblemKind = $crate::http::ProblemKind {
            status: $status,
            slug: $slug,
            title: $title,
            detail: $detail,
        };
    )+};
}
pub(crate) use problem_kinds;

problem_kinds! {
    pub(crate) const BAD_REQUEST = 400, "bad-request", "Malformed request",
        "the request could not be parsed";
    pub(crate) const UNAUTHORIZED = 401, "unauthorized", "Authentication required",
        "a bearer token is required";
    /// The caller is authenticated but lacks the operation's permission (named in
    /// `permission`).
    pub(crate) const MISSING_PERMISSION = 403, "missing-permission", "Missing permission",
        "the caller lacks the permission this operation needs";
    pub(crate) const NOT_FOUND = 404, "not-found", "Not found", "no such resource";
    pub(crate) const METHOD_NOT_ALLOWED = 405, "method-not-allowed", "Method not allowed",
        "this method is not allowed on this resource";
    pub(crate) const CONFLICT = 409, "conflict", "Conflict", "a unique value is already taken";
    pub(crate) const PAYLOAD_TOO_LARGE = 413, "payload-too-large", "Payload too large",
        "the request body is larger than this server accepts";
    pub(crate) const UNSUPPORTED_MEDIA_TYPE = 415, "unsupported-media-type",
        "Unsupported media type", "the request body has an unsupported content type";
    pub(crate) const VALIDATION = 422, "validation", "Invalid input",
        "one or more fields are invalid";
    pub(crate) const TOO_MANY_REQUESTS = 429, "too-many-requests", "Too many requests",
        "rate limit exceeded";
    /// A dependency is down; the client may retry.
    pub(crate) const UNAVAILABLE = 503, "unavailable", "Service unavailable",
        "a dependency is unavailable";
    pub(crate) const INTERNAL = 500, "internal", "Internal server error",
        "the server failed to handle this request";
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Object)]
pub(crate) struct ProblemDetails {
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
    pub errors: Option<Vec<FieldProblem>>,
    /// The permission the caller lacks (`missing-permission` problems only), e.g.
    /// `users:read`.
    #[oai(skip_serializing_if_is_none)]
    pub permission: Option<String>,
    /// `mfa-required` problems only: the opaque, single-use token of the second step (5
    /// minutes), sent back with a code as `grant_type`
    /// `urn:accounts-api:params:oauth:grant-type:mfa`.
    #[oai(skip_serializing_if_is_none)]
    pub mfa_token: Option<String>,
    /// `mfa-required` problems only: the methods the second step accepts (`totp`,
    /// `recovery_code`).
    #[oai(skip_serializing_if_is_none)]
    pub methods: Option<Vec<String>>,
}

/// One invalid field of a request, named as in the request body.
#[derive(Debug, Clone, PartialEq, Eq, Object)]
#[oai(rename = "FieldError")]
pub(crate) struct FieldProblem {
    /// The JSON field name.
    pub field: String,
    /// Why the value was refused.
    pub message: String,
}

impl From<FieldError> for FieldProblem {
    fn from(error: FieldError) -> Self {
        Self {
            field: error.field,
            message: error.message,
        }
    }
}

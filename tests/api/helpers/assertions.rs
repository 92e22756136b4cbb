//! Checks on responses: JSON bodies, problem documents, the `User` shape.

use reqwest::Response;
use serde_json::Value;
use uuid::Uuid;

use super::*;

/// Reads the body as JSON after checking the status; the body is in every failure message.
pub async fn expect_json(resp: Response, status: u16) -> Value {
    let actual = resp.status();
    let text = body_text(resp).await;
    assert_eq!(actual.as_u16(), status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("body is not JSON ({e}): {text}"))
}

/// The body as text, checked to carry no password or hash.
pub async fn body_text(resp: Response) -> String {
    let text = resp.text().await.expect("read the response body");
    for secret in [PASSWORD, "$2b$", "$2a$", "$2y$", "password_hash"] {
        assert!(
            !text.contains(secret),
            "the response leaks {secret:?}: {text}"
        );
    }
    text
}

/// Checks an RFC 9457 problem: status, content type, `type` slug, and the fields every
/// problem has; `errors` must be there exactly for a field conflict (409) and 422.
/// Returns the body.
pub async fn assert_problem(resp: Response, status: u16, slug: &str) -> Value {
    let headers = resp.headers().clone();
    let content_type = header(&headers, "content-type");
    let body = expect_json(resp, status).await;
    assert!(
        content_type.starts_with(PROBLEM_JSON),
        "content-type {content_type:?} is not {PROBLEM_JSON}; body: {body}"
    );
    assert_eq!(body["type"], format!("/problems/{slug}"), "body: {body}");
    assert_eq!(body["status"], status, "body: {body}");
    assert!(
        body["title"].as_str().is_some_and(|t| !t.is_empty()),
        "title: {body}"
    );
    assert!(body["detail"].is_string(), "detail: {body}");
    if slug == "conflict" || status == 422 {
        let errors = body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors[]: {body}"));
        assert!(!errors.is_empty(), "empty errors[]: {body}");
        for error in errors {
            assert!(
                error["field"].is_string() && error["message"].is_string(),
                "{body}"
            );
        }
    } else {
        assert!(body.get("errors").is_none(), "unexpected errors[]: {body}");
    }
    if status == 401 && slug == "unauthorized" {
        let challenge = header(&headers, "www-authenticate");
        assert!(
            challenge.starts_with("Bearer"),
            "WWW-Authenticate: {challenge:?}"
        );
    }
    if status == 503 {
        assert!(
            !header(&headers, "retry-after").is_empty(),
            "503 without Retry-After"
        );
    }
    body
}

/// The `field` of each `errors[]` entry, in order.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A header's value, or "" when absent.
pub fn header(headers: &reqwest::header::HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .map(|v| v.to_str().expect("a visible-ASCII header").to_owned())
        .unwrap_or_default()
}

/// The field names of a JSON object, sorted, to compare a body's shape with its schema's.
pub fn field_names(object: &Value) -> Vec<&str> {
    let mut names: Vec<&str> = object
        .as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    names
}

/// Checks the `User` shape: exactly its seven fields, a UUID v7 id, RFC 3339 timestamps.
pub fn assert_user(user: &Value, username: &str, email: &str) {
    assert_eq!(
        field_names(user),
        [
            "created_at",
            "email",
            "email_verified",
            "id",
            "locale",
            "updated_at",
            "username"
        ],
        "user: {user}"
    );
    let id = Uuid::parse_str(user["id"].as_str().expect("id is a string")).expect("id is a UUID");
    assert_eq!(id.get_version_num(), 7, "id is not a UUID v7: {user}");
    assert_eq!(user["username"], username, "user: {user}");
    assert_eq!(user["email"], email, "user: {user}");
    assert!(user["email_verified"].is_boolean(), "user: {user}");
    timestamp(user, "created_at");
    timestamp(user, "updated_at");
}

pub fn timestamp(user: &Value, field: &str) -> chrono::DateTime<chrono::FixedOffset> {
    let raw = user[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is not a string: {user}"));
    chrono::DateTime::parse_from_rfc3339(raw)
        .unwrap_or_else(|e| panic!("{field} {raw:?} is not RFC 3339: {e}"))
}

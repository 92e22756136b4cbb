//! `/api/v1/admin/clients`: registering, reading, listing, changing and deleting OAuth
//! clients and rotating their secrets, each behind `clients:write`, each change audited
//! with the client's id and never its secret.

mod access;
mod changes;
mod listing;
mod registration;

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_json, header};

/// The collection's path.
pub const CLIENTS: &str = "/api/v1/admin/clients";

/// The path of the client `id`.
pub fn client_path(id: impl std::fmt::Display) -> String {
    format!("{CLIENTS}/{id}")
}

/// The fields of a `Client`, sorted.
pub const CLIENT_FIELDS: [&str; 11] = [
    "allowed_scopes",
    "client_id",
    "client_type",
    "created_at",
    "first_party",
    "grant_types",
    "name",
    "post_logout_redirect_uris",
    "redirect_uris",
    "secret_set_at",
    "updated_at",
];

/// The smallest registration: a public single-page app.
pub fn spa() -> Value {
    json!({
        "name": "Web app",
        "client_type": "public",
        "redirect_uris": ["https://app.example.com/callback"]
    })
}

/// A confidential client: a server that keeps a secret.
pub fn server() -> Value {
    json!({
        "name": "Reporting",
        "client_type": "confidential",
        "redirect_uris": ["https://reports.example.com/oauth/callback"]
    })
}

/// An account holding `clients:write` only, and its token.
pub async fn writer(app: &TestApp) -> (Value, String) {
    app.account_with("client_admin", &["clients:write"]).await
}

/// `POST /api/v1/admin/clients` with `body` as `token`.
pub async fn create(app: &TestApp, token: &str, body: &Value) -> Response {
    app.call(Method::POST, CLIENTS, token, Some(body)).await
}

/// Registers `body`, asserting 201 and `no-store`: the `CreatedClient` answer.
pub async fn created(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = create(app, token, body).await;
    assert_eq!(header(response.headers(), "cache-control"), "no-store");
    expect_json(response, 201).await
}

/// The `client_id` of a `Client`.
pub fn id_of(client: &Value) -> String {
    client["client_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no client_id: {client}"))
        .to_owned()
}

/// Checks a secret as handed out: 43 characters of base64url (256 random bits).
pub fn assert_secret(secret: &Value) -> String {
    let secret = secret
        .as_str()
        .unwrap_or_else(|| panic!("no secret: {secret}"));
    assert_eq!(secret.len(), 43, "{secret}");
    assert!(
        secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{secret}"
    );
    secret.to_owned()
}

/// Fails when `secret` appears in any audit row.
pub async fn assert_not_audited(app: &TestApp, secret: &str) {
    for row in app.audit_rows().await {
        assert!(
            !row.detail.to_string().contains(secret),
            "the audit trail holds a secret: {row:#?}"
        );
    }
}

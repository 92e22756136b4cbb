//! The OpenAPI document at `/openapi.json` (pinned by an insta snapshot in
//! `snapshots/api__openapi__openapi.snap`) and the docs UI.

use serde_json::Value;

use crate::helpers::{Backend, PROBLEM_JSON, TestApp, expect_json, header, spawn_app};

/// Every operation and the statuses the other tests observe it answering.
const OBSERVED: &[(&str, &str, &[u16])] = &[
    (
        "post",
        "/api/v1/users",
        &[201, 400, 409, 413, 415, 422, 503],
    ),
    ("get", "/api/v1/users", &[200, 401, 503]),
    ("patch", "/api/v1/users", &[200, 401, 409, 422]),
    ("delete", "/api/v1/users", &[200, 400, 401, 403, 422]),
    ("post", "/api/v1/token/access", &[200, 400, 401, 422, 503]),
    ("post", "/api/v1/token/revoke", &[200, 400, 415, 422]),
    ("get", "/.well-known/oauth-authorization-server", &[200]),
    ("get", "/api/v1/sessions", &[200, 401]),
    ("delete", "/api/v1/sessions", &[204, 401]),
    ("delete", "/api/v1/sessions/current", &[204, 401]),
    ("delete", "/api/v1/sessions/{id}", &[204, 401, 404]),
    ("get", "/api/v1/admin/users", &[200, 401, 403, 422]),
    ("get", "/api/v1/admin/users/{id}", &[200, 401, 403, 404]),
    (
        "patch",
        "/api/v1/admin/users/{id}",
        &[200, 401, 403, 404, 409, 422],
    ),
    (
        "delete",
        "/api/v1/admin/users/{id}",
        &[204, 401, 403, 404, 409],
    ),
    ("put", "/api/v1/users/password", &[204, 401, 403, 422, 429]),
    ("post", "/api/v1/password-reset", &[202, 422, 429]),
    (
        "post",
        "/api/v1/password-reset/confirm",
        &[204, 400, 410, 422],
    ),
    (
        "put",
        "/api/v1/admin/users/{id}/permissions/{permission}",
        &[204, 401, 403, 404, 422],
    ),
    (
        "delete",
        "/api/v1/admin/users/{id}/permissions/{permission}",
        &[204, 401, 403, 404, 409, 422],
    ),
    (
        "get",
        "/api/v1/admin/users/{id}/sessions",
        &[200, 401, 403, 404],
    ),
    (
        "delete",
        "/api/v1/admin/users/{id}/sessions",
        &[204, 401, 403, 404],
    ),
    ("get", "/api/v1/admin/audit", &[200, 401, 403, 422]),
    ("get", "/api/v1/admin/clients", &[200, 401, 403, 422]),
    ("post", "/api/v1/admin/clients", &[201, 401, 403, 422]),
    (
        "get",
        "/api/v1/admin/clients/{client_id}",
        &[200, 401, 403, 404],
    ),
    (
        "patch",
        "/api/v1/admin/clients/{client_id}",
        &[200, 401, 403, 404, 422],
    ),
    (
        "delete",
        "/api/v1/admin/clients/{client_id}",
        &[204, 401, 403, 404],
    ),
    (
        "post",
        "/api/v1/admin/clients/{client_id}/secret",
        &[200, 401, 403, 404, 409],
    ),
    ("get", "/api/v1/health", &[200, 503]),
    ("get", "/api/v1/health/live", &[200]),
    ("get", "/api/v1/health/ready", &[200, 503]),
];

const PROTECTED: &[(&str, &str)] = &[
    ("get", "/api/v1/users"),
    ("patch", "/api/v1/users"),
    ("delete", "/api/v1/users"),
    ("get", "/api/v1/sessions"),
    ("delete", "/api/v1/sessions"),
    ("delete", "/api/v1/sessions/current"),
    ("delete", "/api/v1/sessions/{id}"),
    ("put", "/api/v1/users/password"),
    ("get", "/api/v1/admin/users"),
    ("get", "/api/v1/admin/users/{id}"),
    ("patch", "/api/v1/admin/users/{id}"),
    ("delete", "/api/v1/admin/users/{id}"),
    ("put", "/api/v1/admin/users/{id}/permissions/{permission}"),
    (
        "delete",
        "/api/v1/admin/users/{id}/permissions/{permission}",
    ),
    ("get", "/api/v1/admin/users/{id}/sessions"),
    ("delete", "/api/v1/admin/users/{id}/sessions"),
    ("get", "/api/v1/admin/audit"),
    ("get", "/api/v1/admin/clients"),
    ("post", "/api/v1/admin/clients"),
    ("get", "/api/v1/admin/clients/{client_id}"),
    ("patch", "/api/v1/admin/clients/{client_id}"),
    ("delete", "/api/v1/admin/clients/{client_id}"),
    ("post", "/api/v1/admin/clients/{client_id}/secret"),
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

async fn openapi_document(app: &TestApp) -> Value {
    let resp = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert!(header(resp.headers(), "content-type").starts_with("application/json"));
    expect_json(resp, 200).await
}

/// Every `(method, path, operation)` of the document.
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let paths = doc["paths"].as_object().expect("paths is an object");
    let mut ops = Vec::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("a path item object") {
            if METHODS.contains(&method.as_str()) {
                ops.push((method.clone(), path.clone(), op.clone()));
            }
        }
    }
    ops
}

fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    let op = &doc["paths"][path][method];
    assert!(
        op.is_object(),
        "the document has no {} {path}",
        method.to_uppercase()
    );
    op
}

#[tokio::test]
async fn openapi_document_matches_the_snapshot() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = openapi_document(&app).await;
    // Nothing run-specific belongs in the snapshot (e.g. a server URL with this run's port).
    let served = serde_json::to_string_pretty(&doc)
        .unwrap()
        .replace(&app.address, "http://127.0.0.1:PORT");
    // A difference fails the test (and with INSTA_UPDATE=no, as in `.ci/run`, writes
    // nothing); after an intended contract change, accept it with INSTA_UPDATE=always.
    insta::assert_snapshot!("openapi", served);
}

#[tokio::test]
async fn every_operation_is_named_tagged_and_summarised() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = openapi_document(&app).await;
    let ops = operations(&doc);
    assert!(ops.len() >= OBSERVED.len(), "only {} operations", ops.len());

    let mut ids = Vec::new();
    for (method, path, op) in &ops {
        let what = format!("{} {path}", method.to_uppercase());
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{what} has no operationId"));
        let camel = id.starts_with(|c: char| c.is_ascii_lowercase())
            && id.chars().all(|c| c.is_ascii_alphanumeric());
        assert!(camel, "{what}: operationId {id:?} is not camelCase");
        ids.push(id.to_owned());
        let tags = op["tags"].as_array().map_or(0, Vec::len);
        assert!(tags >= 1, "{what} has no tag");
        assert!(
            op["summary"].as_str().is_some_and(|s| !s.trim().is_empty()),
            "{what} has no summary"
        );
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), ops.len(), "operationIds repeat");
}

#[tokio::test]
async fn every_observed_status_is_declared() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = openapi_document(&app).await;

    for (method, path, statuses) in OBSERVED {
        let responses = &operation(&doc, method, path)["responses"];
        for status in *statuses {
            assert!(
                responses.get(status.to_string()).is_some(),
                "{} {path} does not declare {status}; it declares {:?}",
                method.to_uppercase(),
                responses.as_object().map(|r| r.keys().collect::<Vec<_>>())
            );
        }
    }
}

/// The OpenID Provider's pages: HTML for a browser, errors included.
const HOSTED_PAGES: [&str; 6] = [
    "/oauth2/authorize",
    "/oauth2/logout",
    "/oauth2/sign-in",
    "/oauth2/sign-in/second-step",
    "/oauth2/sign-in/passkey",
    "/oauth2/consent",
];

#[tokio::test]
async fn error_responses_are_problem_documents() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = openapi_document(&app).await;

    for (method, path, op) in operations(&doc) {
        for (status, response) in op["responses"].as_object().expect("responses") {
            if status.starts_with('4') || status.starts_with('5') {
                let content = response["content"].as_object();
                let types: Vec<_> = content
                    .map(|c| c.keys().cloned().collect())
                    .unwrap_or_default();
                if matches!(path.as_str(), "/api/v1/health" | "/api/v1/health/ready")
                    && status == "503"
                {
                    // The health report itself, not a problem.
                    assert!(!types.is_empty(), "GET {path} 503 has no content");
                    continue;
                }
                // The token endpoint speaks OAuth's error format (RFC 6749 §5.2), which
                // OAuth clients read; the hosted pages answer a browser with an HTML page.
                if path == "/oauth2/token" && matches!(status.as_str(), "400" | "401") {
                    assert_eq!(types, ["application/json"], "{path} {status}");
                    continue;
                }
                if HOSTED_PAGES.contains(&path.as_str()) && matches!(status.as_str(), "400" | "403")
                {
                    assert_eq!(types, ["text/html"], "{path} {status}");
                    continue;
                }
                assert_eq!(
                    types,
                    [PROBLEM_JSON],
                    "{} {path} {status}",
                    method.to_uppercase()
                );
            }
        }
    }
}

#[tokio::test]
async fn security_schemes_are_bearer_jwt_and_oauth2_password() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = openapi_document(&app).await;
    let schemes = doc["components"]["securitySchemes"]
        .as_object()
        .expect("components.securitySchemes");

    let bearer = schemes.values().find(|s| {
        s["type"] == "http"
            && s["scheme"]
                .as_str()
                .is_some_and(|v| v.eq_ignore_ascii_case("bearer"))
    });
    assert_eq!(
        bearer.expect("an http bearer scheme")["bearerFormat"],
        "JWT"
    );

    let oauth2 = schemes
        .values()
        .find(|s| s["type"] == "oauth2")
        .expect("an oauth2 scheme");
    assert_eq!(
        oauth2["flows"]["password"]["tokenUrl"],
        "/api/v1/token/access"
    );

    for (method, path) in PROTECTED {
        let security = operation(&doc, method, path)["security"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            !security.is_empty(),
            "{} {path} declares no security",
            method.to_uppercase()
        );
        for requirement in security {
            for name in requirement
                .as_object()
                .expect("a security requirement")
                .keys()
            {
                assert!(
                    schemes.contains_key(name),
                    "{path} requires an undeclared scheme {name}"
                );
            }
        }
    }
    for (method, path) in [
        ("post", "/api/v1/users"),
        ("post", "/api/v1/token/access"),
        ("post", "/api/v1/token/revoke"),
        ("get", "/.well-known/oauth-authorization-server"),
        ("post", "/api/v1/password-reset"),
        ("post", "/api/v1/password-reset/confirm"),
        ("get", "/api/v1/health"),
    ] {
        let security = operation(&doc, method, path)["security"]
            .as_array()
            .map_or(0, Vec::len);
        assert_eq!(
            security,
            0,
            "{} {path} must be public",
            method.to_uppercase()
        );
    }
}

#[tokio::test]
async fn docs_are_served_as_html() {
    let app = spawn_app(Backend::Sqlite).await;

    let resp = app.client.get(app.url("/docs")).send().await.unwrap();

    assert_eq!(resp.status(), 200);
    assert!(header(resp.headers(), "content-type").starts_with("text/html"));
    let html = resp.text().await.unwrap();
    assert!(
        html.to_ascii_lowercase().contains("<html"),
        "not HTML: {html:.200}"
    );
}

/// What validators and client generators found missing in poem-openapi's own document:
/// the OAuth2 `scopes` map (every permission), a server, explicit `security: []` on public operations, bare
/// `application/json` keys, usual header case, and limit headers that may be absent.
#[tokio::test]
async fn the_document_says_what_validators_and_generators_need() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = openapi_document(&app).await;
    let oauth2 = &doc["components"]["securitySchemes"]["oauth2"];
    // Every permission, with what it allows: Swagger UI's Authorize dialog lists them.
    assert_eq!(
        oauth2["flows"]["password"]["scopes"],
        serde_json::json!({
            "users:read": "List and read any account.",
            "users:write": "Change, disable or delete any account, and grant or revoke permissions.",
            "sessions:revoke": "End any account's sessions.",
            "audit:read": "Read the audit trail.",
            "clients:write": "Register, change and delete OAuth clients, and make their secrets."
        })
    );
    assert!(
        doc["servers"].as_array().is_some_and(|s| !s.is_empty()),
        "servers: {}",
        doc["servers"]
    );
    for (method, path, op) in operations(&doc) {
        let what = format!("{} {path}", method.to_uppercase());
        assert!(op["security"].is_array(), "{what} has no security list");
        let bodies = op["requestBody"]["content"].as_object().into_iter();
        let responses = op["responses"].as_object().expect("responses");
        for content in bodies.chain(responses.values().filter_map(|r| r["content"].as_object())) {
            for media in content.keys() {
                assert!(!media.contains(';'), "{what}: media type key {media:?}");
            }
        }
        for (status, response) in responses {
            for (name, header) in response["headers"].as_object().into_iter().flatten() {
                assert!(
                    name.chars().any(|c| c.is_ascii_lowercase()),
                    "{what} {status}: header {name:?}"
                );
                if name.starts_with("RateLimit-") {
                    assert_ne!(header["required"], true, "{what} {status}: {name}");
                }
            }
        }
    }
    // A `$ref` wrapped in `allOf` (poem-openapi's way to describe a field of an enum or
    // object type) makes openapi-python-client drop the whole schema.
    assert!(
        !doc.to_string().contains(r#""allOf""#),
        "an allOf in the document"
    );
    // Swagger UI and Redoc embed the same finished document.
    for page in ["/docs", "/redoc"] {
        let html = app.client.get(app.url(page)).send().await.unwrap();
        let html = html.text().await.unwrap();
        assert!(
            html.contains(r#""audit:read": "Read the audit trail.""#),
            "{page} embeds the raw document"
        );
    }
}

/// The field rules the server enforces are in the schemas, so a generated client or form can
/// check before sending (the server still answers 422 naming each broken rule).
#[tokio::test]
async fn field_rules_are_in_the_schemas() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = openapi_document(&app).await;
    let schemas = &doc["components"]["schemas"];
    let username = serde_json::json!({
        "type": "string", "minLength": 3, "maxLength": 32, "pattern": "^[A-Za-z0-9_.-]+$"
    });
    let create = &schemas["CreateUserRequest"]["properties"];
    let update = &schemas["UpdateUserRequest"]["anyOf"][0]["properties"];
    for (schema, properties) in [("CreateUserRequest", create), ("UpdateUserRequest", update)] {
        for (key, value) in username.as_object().unwrap() {
            assert_eq!(
                &properties["username"][key], value,
                "{schema}.username.{key}"
            );
        }
        assert_eq!(properties["email"]["maxLength"], 254, "{schema}.email");
        assert_eq!(properties["email"]["format"], "email", "{schema}.email");
    }
    let password = &schemas["CreateUserRequest"]["properties"]["password"];
    assert_eq!(
        (&password["minLength"], &password["maxLength"]),
        (&8.into(), &72.into())
    );
    for (schema, field) in [
        ("ChangePasswordRequest", "new_password"),
        ("ConfirmPasswordResetRequest", "new_password"),
    ] {
        let new_password = &schemas[schema]["properties"][field];
        for rule in ["minLength", "maxLength", "pattern", "writeOnly"] {
            assert_eq!(
                new_password[rule], password[rule],
                "{schema}.{field}.{rule}"
            );
        }
    }
    for schema in ["ConfirmEmailRequest", "ConfirmPasswordResetRequest"] {
        let token = &schemas[schema]["properties"]["token"];
        assert_eq!(
            (&token["minLength"], &token["maxLength"]),
            (&1.into(), &128.into()),
            "{schema}.token"
        );
    }
    assert_eq!(
        schemas["PasswordResetRequest"]["properties"]["email"]["format"],
        "email"
    );
}

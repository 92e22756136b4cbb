//! The admin operations in the OpenAPI document: each names its permission as the scope of
//! its OAuth2 requirement (the bearer requirement keeps an empty list, as OpenAPI 3.0 asks of
//! a non-OAuth2 scheme), and declares the 403 that refuses a caller without it.

use serde_json::json;

use crate::helpers::{Backend, expect_json, spawn_app};

#[tokio::test]
async fn each_admin_operation_names_its_permission() {
    let app = spawn_app(Backend::Sqlite).await;
    let doc = expect_json(
        app.client
            .get(app.url("/openapi.json"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    for (method, path, permission) in [
        ("get", "/api/v1/admin/users", "users:read"),
        ("get", "/api/v1/admin/users/{id}", "users:read"),
        ("patch", "/api/v1/admin/users/{id}", "users:write"),
        ("delete", "/api/v1/admin/users/{id}", "users:write"),
        (
            "put",
            "/api/v1/admin/users/{id}/permissions/{permission}",
            "users:write",
        ),
        (
            "delete",
            "/api/v1/admin/users/{id}/permissions/{permission}",
            "users:write",
        ),
        ("get", "/api/v1/admin/users/{id}/sessions", "users:read"),
        (
            "delete",
            "/api/v1/admin/users/{id}/sessions",
            "sessions:revoke",
        ),
        ("get", "/api/v1/admin/audit", "audit:read"),
        ("get", "/api/v1/admin/clients", "clients:write"),
        ("post", "/api/v1/admin/clients", "clients:write"),
        ("get", "/api/v1/admin/clients/{client_id}", "clients:write"),
        (
            "patch",
            "/api/v1/admin/clients/{client_id}",
            "clients:write",
        ),
        (
            "delete",
            "/api/v1/admin/clients/{client_id}",
            "clients:write",
        ),
        (
            "post",
            "/api/v1/admin/clients/{client_id}/secret",
            "clients:write",
        ),
    ] {
        let operation = &doc["paths"][path][method];
        assert_eq!(
            operation["security"],
            json!([{"bearerAuth": []}, {"oauth2": [permission]}]),
            "{method} {path}"
        );
        // The client registry has its own group in the docs.
        let tag = match path.starts_with("/api/v1/admin/clients") {
            true => "Clients",
            false => "Admin",
        };
        assert_eq!(operation["tags"], json!([tag]), "{method} {path}");
        assert!(
            operation["responses"]["403"].is_object(),
            "{method} {path}: no 403"
        );
    }
    // No operation outside the admin API needs a permission.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let scoped = operation["security"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|r| r.get("oauth2").is_some_and(|s| s != &json!([])));
            assert_eq!(scoped, path.starts_with("/api/v1/admin"), "{method} {path}");
        }
    }
}

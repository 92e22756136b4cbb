//! Who may call the client registry: only holders of `clients:write` (401 without a token,
//! 403 naming the permission with any others), and a `client_id` that names no client, or
//! is no UUID at all, is a 404.

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{CLIENTS, client_path, created, id_of, server, writer};
use crate::{
    admin_support::ALL_PERMISSIONS,
    admin_users::spawn_unlimited,
    helpers::{Backend, assert_problem, expect_json},
};

both_backends!(
    every_operation_needs_clients_write,
    an_unknown_or_malformed_client_id_is_a_404,
);

/// Every operation on the client `id`: method, path, body.
fn operations(id: &str) -> Vec<(Method, String, Option<Value>)> {
    let path = client_path(id);
    vec![
        (Method::GET, CLIENTS.to_owned(), None),
        (Method::POST, CLIENTS.to_owned(), Some(server())),
        (Method::GET, path.clone(), None),
        (
            Method::PATCH,
            path.clone(),
            Some(json!({"name": "Renamed"})),
        ),
        (Method::POST, format!("{path}/secret"), None),
        (Method::DELETE, path, None),
    ]
}

async fn every_operation_needs_clients_write(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (_, plain) = app.account_with("plain", &[]).await;
    let others: Vec<&str> = ALL_PERMISSIONS
        .into_iter()
        .filter(|p| *p != "clients:write")
        .collect();
    let (_, almost) = app.account_with("almost", &others).await;
    let (_, token) = writer(&app).await;
    let client = created(&app, &token, &server()).await;
    let id = id_of(&client["client"]);

    for (method, path, body) in operations(&id) {
        let what = format!("{method} {path}");
        let anonymous = app.client.request(method.clone(), app.url(&path));
        let anonymous = match &body {
            Some(body) => anonymous.json(body),
            None => anonymous,
        };
        assert_problem(anonymous.send().await.unwrap(), 401, "unauthorized").await;
        for refused in [&plain, &almost] {
            let response = app
                .call(method.clone(), &path, refused, body.as_ref())
                .await;
            let problem = assert_problem(response, 403, "missing-permission").await;
            assert_eq!(problem["permission"], "clients:write", "{what}");
        }
        let response = app.call(method.clone(), &path, &token, body.as_ref()).await;
        let expected = match method {
            Method::DELETE => 204,
            Method::POST if path == CLIENTS => 201,
            _ => 200,
        };
        assert_eq!(response.status(), expected, "{what}");
    }
    // The refusals changed nothing but what the holder did: one client created besides
    // the first, and the first renamed, rotated and deleted.
    let list = app.call(Method::GET, CLIENTS, &token, None).await;
    let items = expect_json(list, 200).await["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(items, 1);
    for action in ["client.updated", "client.secret_rotated", "client.deleted"] {
        assert_eq!(app.audit_rows_of(action).await.len(), 1, "{action}");
    }
}

async fn an_unknown_or_malformed_client_id_is_a_404(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (_, token) = writer(&app).await;
    created(&app, &token, &server()).await;

    let unknown = Uuid::now_v7().to_string();
    for id in [unknown.as_str(), "not-a-uuid", "42"] {
        for (method, path, body) in operations(id).into_iter().skip(2) {
            let response = app.call(method.clone(), &path, &token, body.as_ref()).await;
            let problem = assert_problem(response, 404, "not-found").await;
            assert_eq!(
                problem["detail"], "no client has this client_id",
                "{method} {path}"
            );
        }
    }
    for action in ["client.updated", "client.secret_rotated", "client.deleted"] {
        assert!(app.audit_rows_of(action).await.is_empty(), "{action}");
    }
}

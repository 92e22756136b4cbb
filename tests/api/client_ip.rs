//! Behind a trusted proxy the client IP comes from `CLIENT_IP_HEADER` alone: a client that
//! sends its own `Forwarded` through an `X-Forwarded-For` proxy neither escapes the per-IP
//! limit nor lands its address in sessions or the audit trail.

use std::time::Duration;

use accounts_api::infra::rate_limit::Quota;
use reqwest::{Method, RequestBuilder};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Backend, PASSWORD, TestApp, expect_json, spawn_app_with};

both_backends!(a_client_sent_forwarded_header_changes_nothing_behind_an_xff_proxy);

/// The address nginx appended to `X-Forwarded-For`.
const CLIENT: &str = "198.51.100.7";

/// `method path` through the proxy, with a `Forwarded` address of the client's own making,
/// different on every request.
fn proxied(app: &TestApp, method: Method, path: &str) -> RequestBuilder {
    let random = Uuid::now_v7();
    let [.., a, b, c, d] = *random.as_bytes();
    app.client
        .request(method, app.url(path))
        .header("x-forwarded-for", CLIENT)
        .header("forwarded", format!("for={a}.{b}.{c}.{d}"))
}

async fn a_client_sent_forwarded_header_changes_nothing_behind_an_xff_proxy(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.server.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        let window = Duration::from_secs(60);
        s.rate_limit.per_ip = Quota { limit: 4, window };
        s.rate_limit.per_user = Quota { limit: 100, window };
    })
    .await;

    let user = json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD});
    let signed_up = proxied(&app, Method::POST, "/api/v1/users").json(&user);
    expect_json(signed_up.send().await.unwrap(), 201).await;
    let login = proxied(&app, Method::POST, "/api/v1/token/access")
        .form(&[("username", "alice"), ("password", PASSWORD)]);
    let tokens = expect_json(login.send().await.unwrap(), 200).await;
    let access = tokens["access_token"].as_str().unwrap();
    let listed = proxied(&app, Method::GET, "/api/v1/sessions").bearer_auth(access);
    let sessions = expect_json(listed.send().await.unwrap(), 200).await;

    // The fourth request is the last the one X-Forwarded-For address has.
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let poke = proxied(&app, Method::POST, "/api/v1/users")
            .header("content-type", "application/json")
            .body("[]");
        statuses.push(poke.send().await.unwrap().status().as_u16());
    }
    assert_eq!(statuses, [400, 429]);

    assert_eq!(sessions[0]["ip"], Value::from(CLIENT), "{sessions}");
    let audited = app.audit_rows_of("user.signed_up").await;
    assert_eq!(audited.len(), 1, "{audited:?}");
    assert_eq!(audited[0].ip.as_deref(), Some(CLIENT));
}

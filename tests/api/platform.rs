//! Behaviour every route shares: request ids, body limits, CORS, content types, and
//! problem documents for requests that reach no operation.

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::Duration,
};

use serde_json::json;

use crate::helpers::{Backend, PASSWORD, assert_problem, header, spawn_app, spawn_app_with};

both_backends!(
    oversized_body_is_refused_with_413,
    text_and_form_bodies_are_unsupported_media_types,
);

#[tokio::test]
async fn request_id_is_echoed_back() {
    let app = spawn_app(Backend::Sqlite).await;

    for path in ["/api/v1/health", "/api/v1/users", "/no/such/route"] {
        let resp = app
            .client
            .get(app.url(path))
            .header("x-request-id", "trace-me-42")
            .send()
            .await
            .unwrap();
        assert_eq!(
            header(resp.headers(), "x-request-id"),
            "trace-me-42",
            "GET {path}"
        );
    }
}

#[tokio::test]
async fn request_id_is_generated_when_absent() {
    let app = spawn_app(Backend::Sqlite).await;

    let mut ids = Vec::new();
    for path in [
        "/api/v1/health",
        "/api/v1/health",
        "/api/v1/users",
        "/no/such/route",
    ] {
        let resp = app.client.get(app.url(path)).send().await.unwrap();
        let id = header(resp.headers(), "x-request-id");
        assert!(
            !id.is_empty(),
            "GET {path} ({}) has no X-Request-Id",
            resp.status()
        );
        ids.push(id);
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "request ids repeat: {ids:?}");
}

async fn oversized_body_is_refused_with_413(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.server.request_body_limit = 1024).await;
    let padding = "p".repeat(2000);

    let resp = app.register("alice", "alice@example.com", &padding).await;
    assert_problem(resp, 413, "payload-too-large").await;

    // A body under the limit still goes through.
    let resp = app.register("alice", "alice@example.com", PASSWORD).await;
    assert_eq!(resp.status(), 201);
}

/// Sends `POST /api/v1/users` with a chunked body of `size` bytes (no Content-Length) over
/// a raw connection; returns the status line and the rest of the response.
fn post_chunked(port: &str, size: usize) -> String {
    let mut stream = TcpStream::connect(format!("127.0.0.1:{port}")).expect("connect to the app");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut request = format!(
        "POST /api/v1/users HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    let body = format!(
        r#"{{"username":"alice","email":"alice@example.com","password":"{PASSWORD}{}"}}"#,
        "p".repeat(size - 64 - PASSWORD.len())
    );
    for chunk in body.as_bytes().chunks(256) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    // The server may answer and close before reading everything; the answer still counts.
    let _ = stream.write_all(&request);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn chunked_oversized_body_is_refused_with_413() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.server.request_body_limit = 1024).await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();

    let response = tokio::task::spawn_blocking(move || post_chunked(&port, 4096))
        .await
        .unwrap();

    let (head, body) = response
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP response: {response:?}"));
    assert!(head.starts_with("HTTP/1.1 413"), "response: {head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "response: {head}"
    );
    assert!(body.contains("/problems/payload-too-large"), "body: {body}");
    assert_eq!(app.count_users().await, 0);
}

#[tokio::test]
async fn chunked_body_under_the_limit_is_accepted() {
    let app = spawn_app_with(Backend::Sqlite, |s| s.server.request_body_limit = 1024).await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();

    let response = tokio::task::spawn_blocking(move || post_chunked(&port, 128))
        .await
        .unwrap();

    assert!(response.starts_with("HTTP/1.1 201"), "response: {response}");
}

async fn text_and_form_bodies_are_unsupported_media_types(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = app.url("/api/v1/users");
    let json_text =
        json!({ "username": "alice", "email": "alice@example.com", "password": PASSWORD })
            .to_string();

    let resp = app
        .client
        .post(&url)
        .header("content-type", "text/plain")
        .body(json_text)
        .send()
        .await
        .unwrap();
    assert_problem(resp, 415, "unsupported-media-type").await;

    let form = [
        ("username", "alice"),
        ("email", "alice@example.com"),
        ("password", PASSWORD),
    ];
    let resp = app.client.post(&url).form(&form).send().await.unwrap();
    assert_problem(resp, 415, "unsupported-media-type").await;

    assert_eq!(app.count_users().await, 0);
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let app = spawn_app(Backend::Sqlite).await;

    let resp = app
        .client
        .post(app.url("/api/v1/users"))
        .header("content-type", "application/json")
        .body(r#"{"username": "alice",,}"#)
        .send()
        .await
        .unwrap();

    assert_problem(resp, 400, "bad-request").await;
}

#[tokio::test]
async fn unknown_route_is_a_404_problem() {
    let app = spawn_app(Backend::Sqlite).await;

    for path in [
        "/api/v1/nothing-here",
        "/api/v2/users",
        "/api/v1/users/extra",
    ] {
        let resp = app.client.get(app.url(path)).send().await.unwrap();
        assert_problem(resp, 404, "not-found").await;
    }
}

#[tokio::test]
async fn wrong_method_is_a_405_problem() {
    let app = spawn_app(Backend::Sqlite).await;

    let resp = app
        .client
        .put(app.url("/api/v1/users"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(header(resp.headers(), "allow"), "DELETE, GET, PATCH, POST");
    assert_problem(resp, 405, "method-not-allowed").await;

    for (method, path, allow) in [
        ("GET", "/api/v1/token/access", "POST"),
        ("TRACE", "/api/v1/users/email-verification", "POST"),
        ("TRACE", "/api/v1/health", "GET"),
    ] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let resp = app
            .client
            .request(method, app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(header(resp.headers(), "allow"), allow, "{path}");
        assert_problem(resp, 405, "method-not-allowed").await;
    }
}

#[tokio::test]
async fn cors_preflight_allows_only_listed_origins() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.server.cors_origins = vec!["http://localhost:3000".into()]
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/users"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };

    let allowed = preflight("http://localhost:3000").await.unwrap();
    assert!(
        allowed.status().is_success(),
        "preflight status {}",
        allowed.status()
    );
    assert_eq!(
        header(allowed.headers(), "access-control-allow-origin"),
        "http://localhost:3000"
    );
    assert!(header(allowed.headers(), "access-control-allow-methods").contains("POST"));

    let refused = preflight("http://evil.example").await.unwrap();
    let allow_origin = header(refused.headers(), "access-control-allow-origin");
    assert!(
        allow_origin != "http://evil.example" && allow_origin != "*",
        "evil origin allowed: {allow_origin:?}"
    );

    // A simple cross-origin request from the listed origin is answered with the header too.
    let resp = app
        .client
        .get(app.url("/api/v1/health"))
        .header("origin", "http://localhost:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(resp.headers(), "access-control-allow-origin"),
        "http://localhost:3000"
    );
}

#[tokio::test]
async fn cors_is_off_without_configured_origins() {
    let app = spawn_app(Backend::Sqlite).await;

    let resp = app
        .client
        .get(app.url("/api/v1/health"))
        .header("origin", "http://localhost:3000")
        .send()
        .await
        .unwrap();

    assert_eq!(resp.status(), 200);
    assert_eq!(header(resp.headers(), "access-control-allow-origin"), "");
}

//! The domain counters of the real API: e-mail checks by outcome, the session lifecycle,
//! limiter store errors. One process of its own, so every count is exact.

use std::collections::HashMap;

use poem::{
    Route, Server, get, handler,
    listener::{Acceptor, Listener, TcpListener},
    web::Query,
};
use serde_json::{Value, json};

use crate::{
    helpers::{PASSWORD, client, expect_json},
    processes::{Api, sample},
};

/// The reputation provider's answer by mailbox: alice is deliverable, bob gets a body that is
/// not JSON (unknown), carol does not accept mail.
#[handler]
fn reputation(Query(query): Query<HashMap<String, String>>) -> String {
    let email = query.get("email").map(String::as_str).unwrap_or_default();
    let status = match email.split('@').next() {
        Some("bob") => return "garbled".into(),
        Some("carol") => "undeliverable",
        _ => "deliverable",
    };
    json!({
        "email_address": email,
        "email_deliverability": {"status": status, "status_detail": "test", "is_format_valid": true},
        "email_quality": {"score": 0.5, "is_disposable": false},
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_checks_sessions_and_limiter_errors_are_counted() {
    let provider = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .unwrap();
    let provider_port = provider.local_addr()[0].as_socket_addr().unwrap().port();
    tokio::spawn(Server::new_with_acceptor(provider).run(Route::new().at("/v1/", get(reputation))));
    let api = Api::start(&[
        ("EMAIL_VERIFIER_ENABLED", "true".into()),
        ("EMAIL_VERIFIER_API_KEY", "test-key".into()),
        (
            "EMAIL_VERIFIER_API_URL",
            format!("http://127.0.0.1:{provider_port}/v1/"),
        ),
        // A replayed refresh token is reuse at once.
        ("REFRESH_TOKEN_REUSE_GRACE", "0".into()),
        // Redis is down: the limiter fails open, and counts each store error.
        ("REDIS_URL", "redis://127.0.0.1:9".into()),
    ])
    .await;
    let (http, url) = (client(), |path: &str| api.url(path));

    for (name, status) in [("alice", 201), ("bob", 201), ("carol", 422)] {
        let user =
            json!({"username": name, "email": format!("{name}@example.com"), "password": PASSWORD});
        assert_eq!(api.register(&user).await.status(), status, "{name}");
    }
    let grant = |form: Vec<(&'static str, String)>| {
        http.post(url("/api/v1/token/access")).form(&form).send()
    };
    let password = |name: &str| {
        vec![
            ("username", name.to_owned()),
            ("password", PASSWORD.to_owned()),
        ]
    };
    let first = expect_json(grant(password("alice")).await.unwrap(), 200).await;
    let refresh = |token: &Value| {
        vec![
            ("grant_type", "refresh_token".to_owned()),
            (
                "refresh_token",
                token["refresh_token"].as_str().unwrap().to_owned(),
            ),
        ]
    };
    expect_json(grant(refresh(&first)).await.unwrap(), 200).await;
    // The spent token again: reuse, and its session is revoked.
    assert_eq!(grant(refresh(&first)).await.unwrap().status(), 401);
    let second = expect_json(grant(password("bob")).await.unwrap(), 200).await;
    let logout = http
        .delete(url("/api/v1/sessions/current"))
        .bearer_auth(second["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);

    let metrics = api.scrape().await;
    let count = |name: &str, labels: &[(&str, &str)]| sample(&metrics, name, labels);
    for (outcome, n) in [("accepted", 1.0), ("unknown", 1.0), ("undeliverable", 1.0)] {
        assert_eq!(
            count("accounts_email_checks_total", &[("outcome", outcome)]),
            Some(n),
            "{outcome}"
        );
    }
    assert_eq!(count("accounts_signups_total", &[]), Some(2.0));
    assert_eq!(count("accounts_sessions_opened_total", &[]), Some(2.0));
    assert_eq!(count("accounts_sessions_refreshed_total", &[]), Some(1.0));
    assert_eq!(
        count("accounts_session_reuse_detected_total", &[]),
        Some(1.0)
    );
    // The replayed token's session, and the logout.
    assert_eq!(count("accounts_sessions_revoked_total", &[]), Some(2.0));
    assert_eq!(
        count("accounts_logins_total", &[("outcome", "succeeded")]),
        Some(2.0)
    );
    let store_errors = count("accounts_rate_limit_store_errors_total", &[]);
    assert!(store_errors.is_some_and(|n| n >= 1.0), "{store_errors:?}");
}

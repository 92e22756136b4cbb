//! The account's `locale` (issue 30): from the sign-up's body, else its `Accept-Language`,
//! else none; changed with `PATCH /api/v1/users`; carried by the account's events.

use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{
    Backend, PASSWORD, TestApp, assert_problem, assert_user, error_fields, expect_json, spawn_app,
};

both_backends!(
    sign_up_keeps_the_bodys_locale_in_canonical_case,
    sign_up_without_a_locale_takes_the_preferred_accept_language,
    a_malformed_locale_in_the_body_is_refused_naming_it,
    patch_changes_the_locale_and_null_is_refused,
);

/// `POST /api/v1/users` for `username` with `extra` merged into the body and, when given,
/// an `Accept-Language` header.
async fn sign_up(app: &TestApp, username: &str, extra: Value, accept: Option<&str>) -> Response {
    let mut body = json!({
        "username": username,
        "email": format!("{username}@example.com"),
        "password": PASSWORD,
    });
    for (name, value) in extra.as_object().expect("an object") {
        body[name] = value.clone();
    }
    let mut request = app.client.post(app.url("/api/v1/users")).json(&body);
    if let Some(accept) = accept {
        request = request.header("accept-language", accept);
    }
    request.send().await.expect("POST /api/v1/users")
}

/// The `data` of the `user.created` event of the account `username`.
async fn created_event(app: &TestApp, username: &str) -> Value {
    let events = app.outbox_events("user.created").await;
    let event = events
        .into_iter()
        .find(|event| event["data"]["username"] == username)
        .unwrap_or_else(|| panic!("no user.created event for {username}"));
    event["data"].clone()
}

async fn sign_up_keeps_the_bodys_locale_in_canonical_case(backend: Backend) {
    let app = spawn_app(backend).await;

    let resp = sign_up(&app, "alice", json!({"locale": "EN-us"}), Some("fr, de")).await;
    let user = expect_json(resp, 201).await;
    assert_user(&user, "alice", "alice@example.com");
    assert_eq!(user["locale"], "en-US", "the body wins over the header");

    let token = app.token_for("alice", PASSWORD).await;
    assert_eq!(expect_json(app.get_me(&token).await, 200).await, user);
    assert_eq!(created_event(&app, "alice").await["locale"], "en-US");

    let resp = sign_up(&app, "bob", json!({"locale": "zh-hant-tw"}), None).await;
    assert_eq!(expect_json(resp, 201).await["locale"], "zh-Hant-TW");
}

async fn sign_up_without_a_locale_takes_the_preferred_accept_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases = [
        ("user1", Some("de-at"), json!("de-AT")),
        (
            "user2",
            Some("fr;q=0.5, en-gb;q=0.9, *;q=1"),
            json!("en-GB"),
        ),
        ("user3", Some("*, en_US, pt-br;q=0.2"), json!("pt-BR")),
        ("user4", Some("de;q=0, es;q=0.1"), json!("es")),
        ("user5", Some("it;q=1.5, nl;q=0.3"), json!("nl")),
        ("user6", Some("*"), Value::Null),
        ("user7", Some("de;q=0"), Value::Null),
        ("user8", Some(";;not a tag,,"), Value::Null),
        ("user9", None, Value::Null),
    ];
    for (username, accept, want) in cases {
        let resp = sign_up(&app, username, json!({}), accept).await;
        let user = expect_json(resp, 201).await;
        assert_eq!(user["locale"], want, "Accept-Language: {accept:?}");
        let event = created_event(&app, username).await;
        match want.as_str() {
            Some(locale) => assert_eq!(event["locale"], locale, "{accept:?}"),
            None => assert!(event.get("locale").is_none(), "{event}"),
        }
    }
    // Bytes that are no text (obs-text): no preference either, never an error.
    let raw = reqwest::header::HeaderValue::from_bytes(b"d\xffe").unwrap();
    let resp = app
        .client
        .post(app.url("/api/v1/users"))
        .header("accept-language", raw)
        .json(&json!({"username": "user10", "email": "user10@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_json(resp, 201).await["locale"], Value::Null);
    assert_eq!(app.count_users().await, 10);
}

async fn a_malformed_locale_in_the_body_is_refused_naming_it(backend: Backend) {
    let app = spawn_app(backend).await;

    let bad = [
        json!("en_US"),
        json!(""),
        json!("x-klingon"),
        json!("en-US-u-ca-gregory"),
        json!("abcdefgh-Abcd-123-12345678-abcdefgh-1abc"),
        json!(null),
        json!(42),
    ];
    for locale in bad {
        let resp = sign_up(&app, "alice", json!({"locale": locale}), Some("de")).await;
        let problem = assert_problem(resp, 422, "validation").await;
        assert_eq!(error_fields(&problem), ["locale"], "{locale}");
    }
    assert_eq!(app.count_users().await, 0);
    assert!(app.outbox_events("user.created").await.is_empty());
}

async fn patch_changes_the_locale_and_null_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;
    assert_eq!(alice["locale"], Value::Null);

    let resp = app.patch_me(&token, &json!({"locale": "pt-br"})).await;
    let changed = expect_json(resp, 200).await;
    assert_eq!(changed["locale"], "pt-BR");
    assert_eq!(changed["username"], "alice");
    assert_eq!(expect_json(app.get_me(&token).await, 200).await, changed);
    let updates = app.outbox_events("user.updated").await;
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0]["data"]["locale"], "pt-BR");

    // The slice's convention: a field is left out to keep it, never nulled.
    for locale in [Value::Null, json!("pt_BR"), json!(7)] {
        let body = json!({"username": "alicia", "locale": locale});
        let problem = assert_problem(app.patch_me(&token, &body).await, 422, "validation").await;
        assert_eq!(error_fields(&problem), ["locale"], "{locale}");
    }
    let resp = app.patch_me(&token, &json!({"username": "alicia"})).await;
    let renamed = expect_json(resp, 200).await;
    assert_eq!(renamed["locale"], "pt-BR", "left out: kept");
    assert_eq!(app.outbox_events("user.updated").await.len(), 2);
}

//! `POST /api/v1/users`: what a registration must look like, field by field and as a body.

use accounts_api::domain::MinScore;
use serde_json::json;

use crate::helpers::{
    Backend, PASSWORD, assert_problem, error_fields, expect_json, spawn_app, spawn_app_with,
};

both_backends!(
    invalid_usernames_are_rejected,
    boundary_usernames_are_accepted,
    invalid_emails_are_rejected,
    email_of_254_chars_is_accepted,
    password_length_is_counted_in_bytes,
    password_with_nul_is_rejected,
    several_bad_fields_give_one_error_each,
    unparseable_bodies_are_bad_requests,
    missing_or_mistyped_fields_are_named,
    wrong_json_scalar_types_are_invalid,
);

async fn invalid_usernames_are_rejected(backend: Backend) {
    let app = spawn_app(backend).await;
    let too_long = "a".repeat(33);

    for bad in [
        "",
        "ab",
        too_long.as_str(),
        "with space",
        "semi;colon",
        "bang!",
        "émile",
        "a/b",
    ] {
        let resp = app.register(bad, "valid@example.com", PASSWORD).await;
        let problem = assert_problem(resp, 422, "validation").await;
        assert_eq!(error_fields(&problem), ["username"], "username {bad:?}");
    }
    assert_eq!(app.count_users().await, 0);
}

async fn boundary_usernames_are_accepted(backend: Backend) {
    let app = spawn_app(backend).await;
    let longest = "z".repeat(32);

    for (i, good) in ["abc", longest.as_str(), "a_b.c-D9", "..."]
        .into_iter()
        .enumerate()
    {
        let resp = app
            .register(good, &format!("user{i}@example.com"), PASSWORD)
            .await;
        let user = expect_json(resp, 201).await;
        assert_eq!(user["username"], good);
    }
}

/// An address of exactly `len` characters: a 64-character local part and labels of at
/// most 63 characters.
fn email_of_len(len: usize) -> String {
    let domain_len = len - 65; // local part and '@'
    let last_label = domain_len - (63 + 1 + 63 + 1) - 4; // two full labels, then ".com"
    format!(
        "{}@{}.{}.{}.com",
        "l".repeat(64),
        "a".repeat(63),
        "b".repeat(63),
        "c".repeat(last_label)
    )
}

async fn invalid_emails_are_rejected(backend: Backend) {
    let app = spawn_app(backend).await;
    let too_long = email_of_len(255);
    assert_eq!(too_long.len(), 255);

    for bad in [
        "",
        "   ",
        "plainaddress",
        "@example.com",
        "alice@",
        "a b@example.com",
        "alice@@example.com",
        too_long.as_str(),
    ] {
        let resp = app.register("alice", bad, PASSWORD).await;
        let problem = assert_problem(resp, 422, "validation").await;
        assert_eq!(error_fields(&problem), ["email"], "email {bad:?}");
    }
    assert_eq!(app.count_users().await, 0);
}

async fn email_of_254_chars_is_accepted(backend: Backend) {
    let app = spawn_app(backend).await;
    let longest = email_of_len(254);
    assert_eq!(longest.len(), 254);

    let user = expect_json(app.register("alice", &longest, PASSWORD).await, 201).await;
    assert_eq!(user["email"], longest);
}

async fn password_length_is_counted_in_bytes(backend: Backend) {
    // Runs of one character are as weak as passwords get: only the length is tested here.
    let app = spawn_app_with(backend, |s| {
        s.server.password_min_score = MinScore::new(0).unwrap();
    })
    .await;
    let cases = [
        ("x".repeat(7), 422),
        ("x".repeat(8), 201),
        ("x".repeat(72), 201),
        ("x".repeat(73), 422),
        ("€".repeat(24), 201), // 72 bytes
        ("€".repeat(30), 422), // 30 characters, 90 bytes
    ];

    for (i, (password, status)) in cases.iter().enumerate() {
        let resp = app
            .register(
                &format!("user{i}"),
                &format!("user{i}@example.com"),
                password,
            )
            .await;
        let what = format!("password of {} bytes", password.len());
        if *status == 201 {
            assert_eq!(resp.status(), 201, "{what}");
            // Every byte counts: a (still valid) prefix does not log in.
            let prefix = &password[..password.len() - 3];
            if prefix.len() >= 8 {
                assert_eq!(
                    app.login(&format!("user{i}"), prefix).await.status(),
                    401,
                    "{what}"
                );
            }
            assert_eq!(
                app.login(&format!("user{i}"), password).await.status(),
                200,
                "{what}"
            );
        } else {
            let problem = assert_problem(resp, 422, "validation").await;
            assert_eq!(error_fields(&problem), ["password"], "{what}");
        }
    }
}

async fn password_with_nul_is_rejected(backend: Backend) {
    let app = spawn_app(backend).await;

    let problem = assert_problem(
        app.register("alice", "alice@example.com", "pass\0word-long")
            .await,
        422,
        "validation",
    )
    .await;

    assert_eq!(error_fields(&problem), ["password"]);
    assert_eq!(app.count_users().await, 0);
}

async fn several_bad_fields_give_one_error_each(backend: Backend) {
    let app = spawn_app(backend).await;

    let problem = assert_problem(
        app.register("x", "not-an-email", "short").await,
        422,
        "validation",
    )
    .await;

    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(
        fields,
        ["email", "password", "username"],
        "problem: {problem}"
    );
}

async fn unparseable_bodies_are_bad_requests(backend: Backend) {
    let app = spawn_app(backend).await;
    let bodies = [
        r#"{"username": "alice", "email": "#.to_owned(),
        r#"[1, 2, 3]"#.to_owned(),
        r#""alice""#.to_owned(),
    ];

    for body in bodies {
        let resp = app
            .client
            .post(app.url("/api/v1/users"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_problem(resp, 400, "bad-request").await;
    }
    assert_eq!(app.count_users().await, 0);
}

/// A field missing, `null` or of another type is invalid input, like any broken field rule:
/// 422 with an `errors[]` entry naming each, nothing created.
async fn missing_or_mistyped_fields_are_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases = [
        (
            json!({ "username": "alice", "email": "alice@example.com" }),
            vec!["password"],
        ),
        (json!({}), vec!["username", "email", "password"]),
        (
            json!({ "username": ["alice"], "email": null, "password": PASSWORD }),
            vec!["username", "email"],
        ),
    ];
    for (body, fields) in cases {
        let resp = app
            .client
            .post(app.url("/api/v1/users"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(resp, 422, "validation").await;
        assert_eq!(error_fields(&problem), fields, "{body}");
    }
    assert_eq!(app.count_users().await, 0);
}

/// Numbers and booleans where strings belong are type errors, not values to coerce: each
/// body here would be a valid registration if its scalars were read as strings.
async fn wrong_json_scalar_types_are_invalid(backend: Backend) {
    let app = spawn_app(backend).await;
    let bodies = [
        json!({ "username": 12345, "email": "a@example.com", "password": PASSWORD }),
        json!({ "username": true, "email": "b@example.com", "password": PASSWORD }),
        json!({ "username": "carol", "email": "c@example.com", "password": 123456789 }),
    ];

    let mut answers = Vec::new();
    for body in &bodies {
        let resp = app
            .client
            .post(app.url("/api/v1/users"))
            .json(body)
            .send()
            .await
            .unwrap();
        answers.push(format!("{body} -> {}", resp.status()));
    }

    let wrong: Vec<_> = answers
        .iter()
        .filter(|a| !a.ends_with("422 Unprocessable Entity"))
        .collect();
    assert!(wrong.is_empty(), "expected 422 for each, got: {wrong:#?}");
    assert_eq!(app.count_users().await, 0);
}

//! `POST /api/v1/users`: registration, uniqueness, and concurrent sign-ups.

use serde_json::{Value, json};

use crate::helpers::{
    Backend, PASSWORD, assert_problem, assert_user, error_fields, expect_json, spawn_app, timestamp,
};

both_backends!(
    register_returns_201_with_the_new_user,
    register_trims_and_lowercases_the_email,
    username_is_unique_ignoring_case,
    email_is_unique_ignoring_case,
    concurrent_registrations_of_one_username_have_one_winner,
);

async fn register_returns_201_with_the_new_user(backend: Backend) {
    let app = spawn_app(backend).await;

    let user = expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;

    assert_user(&user, "alice", "alice@example.com");
    assert_eq!(user["email_verified"], false);
    assert_eq!(
        timestamp(&user, "created_at"),
        timestamp(&user, "updated_at")
    );
    assert_eq!(app.count_users().await, 1);
}

async fn register_trims_and_lowercases_the_email(backend: Backend) {
    let app = spawn_app(backend).await;

    let user = expect_json(
        app.register("bob", " Bob@Example.COM ", PASSWORD).await,
        201,
    )
    .await;
    assert_eq!(user["email"], "bob@example.com");

    // Stored normalised: the plain address now counts as taken.
    let problem = assert_problem(
        app.register("bobby", "bob@example.com", PASSWORD).await,
        409,
        "conflict",
    )
    .await;
    assert_eq!(error_fields(&problem), ["email"]);
}

async fn username_is_unique_ignoring_case(backend: Backend) {
    let app = spawn_app(backend).await;
    expect_json(
        app.register("Alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;

    for taken in ["Alice", "alice", "ALICE"] {
        let resp = app.register(taken, "other@example.com", PASSWORD).await;
        let problem = assert_problem(resp, 409, "conflict").await;
        assert_eq!(
            error_fields(&problem),
            ["username"],
            "registering {taken:?}"
        );
    }
    assert_eq!(app.count_users().await, 1);
}

async fn email_is_unique_ignoring_case(backend: Backend) {
    let app = spawn_app(backend).await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;

    for taken in ["alice@example.com", "ALICE@Example.com"] {
        let resp = app.register("someone", taken, PASSWORD).await;
        let problem = assert_problem(resp, 409, "conflict").await;
        assert_eq!(error_fields(&problem), ["email"], "registering {taken:?}");
    }
    assert_eq!(app.count_users().await, 1);
}
async fn concurrent_registrations_of_one_username_have_one_winner(backend: Backend) {
    let app = spawn_app(backend).await;
    let attempts: Vec<_> = (0..20)
        .map(|i| {
            let (client, url) = (app.client.clone(), app.url("/api/v1/users"));
            tokio::spawn(async move {
                let body = json!({ "username": "contested", "email": format!("racer{i}@example.com"), "password": PASSWORD });
                let resp = client.post(url).json(&body).send().await.expect("POST /api/v1/users");
                (resp.status().as_u16(), resp.text().await.unwrap_or_default())
            })
        })
        .collect();

    let mut statuses = Vec::new();
    for attempt in attempts {
        let (status, body) = attempt.await.expect("the request task");
        assert!(status == 201 || status == 409, "status {status}: {body}");
        if status == 409 {
            let problem: Value = serde_json::from_str(&body).expect("a JSON problem");
            assert_eq!(
                error_fields(&problem),
                ["username"],
                "409 not on username: {body}"
            );
        }
        statuses.push(status);
    }

    assert_eq!(
        statuses.iter().filter(|&&s| s == 201).count(),
        1,
        "statuses: {statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 409).count(),
        19,
        "statuses: {statuses:?}"
    );
    assert_eq!(app.count_users().await, 1);
}

//! `PATCH /api/v1/users`: changing the caller's username and e-mail.

use std::time::Duration;

use serde_json::json;

use crate::helpers::{
    Backend, PASSWORD, assert_problem, assert_user, error_fields, expect_json, spawn_app, timestamp,
};

both_backends!(
    patch_changes_username_and_email,
    patch_of_the_email_resets_its_verification,
    patch_may_change_the_case_of_ones_own_username,
    patch_to_a_taken_username_or_email_conflicts,
    patch_with_nothing_to_change_is_invalid,
    patch_with_bad_values_names_each_field,
    patch_with_a_null_field_names_it,
    patch_without_a_token_is_unauthorized,
);

async fn patch_changes_username_and_email(backend: Backend) {
    let app = spawn_app(backend).await;
    let (before, token) = app.alice().await;
    app.clock.advance(Duration::from_secs(1));

    let resp = app
        .patch_me(
            &token,
            &json!({ "username": "alicia", "email": " Alicia@Example.ORG ", "current_password": PASSWORD }),
        )
        .await;
    let after = expect_json(resp, 200).await;

    assert_user(&after, "alicia", "alicia@example.org");
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["created_at"], before["created_at"]);
    assert!(
        timestamp(&after, "updated_at") > timestamp(&before, "updated_at"),
        "updated_at did not move: {after}"
    );
    assert_eq!(expect_json(app.get_me(&token).await, 200).await, after);
    // The new names log in; the old one no longer does.
    assert_eq!(app.login("alicia", PASSWORD).await.status(), 200);
    assert_eq!(
        app.login("alicia@example.org", PASSWORD).await.status(),
        200
    );
    assert_problem(
        app.login("alice", PASSWORD).await,
        401,
        "invalid-credentials",
    )
    .await;
}

async fn patch_of_the_email_resets_its_verification(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    app.execute("UPDATE users SET email_verified = true").await;
    assert_eq!(
        expect_json(app.get_me(&token).await, 200).await["email_verified"],
        true
    );

    let renamed = expect_json(
        app.patch_me(&token, &json!({ "username": "alicia" })).await,
        200,
    )
    .await;
    assert_eq!(
        renamed["email_verified"], true,
        "a username change must keep the verification"
    );

    let moved = expect_json(
        app.patch_me(
            &token,
            &json!({ "email": "alicia@example.org", "current_password": PASSWORD }),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        moved["email_verified"], false,
        "a new address is not verified"
    );
    assert_eq!(
        expect_json(app.get_me(&token).await, 200).await["email_verified"],
        false
    );
}

async fn patch_may_change_the_case_of_ones_own_username(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;

    let user = expect_json(
        app.patch_me(&token, &json!({ "username": "Alice" })).await,
        200,
    )
    .await;
    assert_eq!(user["username"], "Alice");

    // Re-stating one's own e-mail is no conflict either.
    let user = expect_json(
        app.patch_me(&token, &json!({ "email": "ALICE@example.com" }))
            .await,
        200,
    )
    .await;
    assert_eq!(user["email"], "alice@example.com");
}

async fn patch_to_a_taken_username_or_email_conflicts(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;
    app.register_and_login("bob", "bob@example.com").await;

    let problem = assert_problem(
        app.patch_me(&token, &json!({ "username": "BOB" })).await,
        409,
        "conflict",
    )
    .await;
    assert_eq!(error_fields(&problem), ["username"]);

    let problem = assert_problem(
        app.patch_me(
            &token,
            &json!({ "email": "Bob@example.com", "current_password": PASSWORD }),
        )
        .await,
        409,
        "conflict",
    )
    .await;
    assert_eq!(error_fields(&problem), ["email"]);

    assert_eq!(
        expect_json(app.get_me(&token).await, 200).await,
        alice,
        "a refused change must change nothing"
    );
}

async fn patch_with_nothing_to_change_is_invalid(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;

    for body in [json!({}), json!({ "username": null, "email": null })] {
        assert_problem(app.patch_me(&token, &body).await, 422, "validation").await;
    }
    assert_eq!(expect_json(app.get_me(&token).await, 200).await, alice);
}

/// The schema does not allow `null`: a field is left out to keep it, never nulled.
async fn patch_with_a_null_field_names_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;

    let body = json!({ "username": "alicia", "email": null });
    let problem = assert_problem(app.patch_me(&token, &body).await, 422, "validation").await;
    assert_eq!(error_fields(&problem), ["email"]);
    assert_eq!(expect_json(app.get_me(&token).await, 200).await, alice);
}

async fn patch_with_bad_values_names_each_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;

    let problem = assert_problem(
        app.patch_me(&token, &json!({ "username": "no spaces", "email": "nope" }))
            .await,
        422,
        "validation",
    )
    .await;
    let mut fields = error_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["email", "username"]);

    let problem = assert_problem(
        app.patch_me(&token, &json!({ "username": "ab" })).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(error_fields(&problem), ["username"]);

    assert_eq!(expect_json(app.get_me(&token).await, 200).await, alice);
}

async fn patch_without_a_token_is_unauthorized(backend: Backend) {
    let app = spawn_app(backend).await;
    app.alice().await;

    let resp = app
        .client
        .patch(app.url("/api/v1/users"))
        .json(&json!({ "username": "mallory" }))
        .send()
        .await
        .unwrap();

    assert_problem(resp, 401, "unauthorized").await;
    assert_eq!(app.login("alice", PASSWORD).await.status(), 200);
}

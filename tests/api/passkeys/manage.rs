//! Listing, renaming and deleting passkeys: only the owner's, deletion confirmed by the
//! password, and a deleted passkey signs in no more.

use serde_json::json;
use uuid::Uuid;

use super::Device;
use crate::helpers::{Backend, PASSWORD, assert_problem, expect_json, spawn_app};

both_backends!(
    passkeys_are_listed_renamed_and_deleted_by_their_owner_only,
    passkeys_are_listed_a_page_at_a_time,
);

async fn passkeys_are_listed_renamed_and_deleted_by_their_owner_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, alice) = app.alice().await;
    let (_, bob) = app.register_and_login("bob", "bob@example.com").await;
    let mut device = Device::new();
    let passkey = app.add_passkey(&alice, &mut device, "Laptop").await;
    let id = passkey["id"].as_str().unwrap();
    let path = format!("/api/v1/passkeys/{id}");

    let renamed = app
        .patch_as(&alice, &path, &json!({"name": "Work laptop"}))
        .await;
    assert_eq!(expect_json(renamed, 200).await["name"], "Work laptop");
    let blank = app.patch_as(&alice, &path, &json!({"name": "  "})).await;
    assert_problem(blank, 422, "validation").await;
    let theirs = app.patch_as(&bob, &path, &json!({"name": "Mine"})).await;
    assert_problem(theirs, 404, "not-found").await;
    let unknown = format!("/api/v1/passkeys/{}", Uuid::now_v7());
    let confirm = json!({"current_password": PASSWORD});
    assert_problem(app.delete_as(&bob, &path, &confirm).await, 404, "not-found").await;
    assert_problem(
        app.delete_as(&alice, &unknown, &confirm).await,
        404,
        "not-found",
    )
    .await;
    assert_problem(
        app.delete_as(&alice, "/api/v1/passkeys/x", &confirm).await,
        404,
        "not-found",
    )
    .await;
    let wrong = json!({"current_password": "not-the-password"});
    assert_problem(
        app.delete_as(&alice, &path, &wrong).await,
        403,
        "wrong-password",
    )
    .await;
    assert!(
        app.get_json_as(&bob, "/api/v1/passkeys").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let deleted = app.delete_as(&alice, &path, &confirm).await;
    assert_eq!(deleted.status(), 204);
    let removed = app.outbox_events("user.passkey_removed").await;
    assert_eq!(removed[0]["data"]["passkey_name"], "Work laptop");
    assert_eq!(app.audit_rows_of("passkey.removed").await.len(), 1);
    assert_eq!(app.audit_rows_of("passkey.renamed").await.len(), 1);
    let (_, resp) = app.sign_in_with(&mut device).await;
    assert_problem(resp, 401, "invalid-passkey").await;
}

async fn passkeys_are_listed_a_page_at_a_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    for name in ["One", "Two", "Three"] {
        app.add_passkey(&token, &mut Device::new(), name).await;
    }
    let first = app.get_json_as(&token, "/api/v1/passkeys?limit=2").await;
    let names: Vec<_> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(names, [json!("One"), json!("Two")]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = app
        .get_json_as(&token, &format!("/api/v1/passkeys?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(rest["items"][0]["name"], "Three");
    assert!(rest["next_cursor"].is_null());
}

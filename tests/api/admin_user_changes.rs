//! Administrators' changes to an account: confirming its address, deleting it, and the
//! lock-out refusals; each change audited once with the administrator as actor.

use std::time::Duration;

use accounts_api::infra::db::entities::outbox;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::{
    admin_users::{delete, get, id_of, only_row, patch, spawn_unlimited},
    helpers::{Backend, PASSWORD, assert_problem, expect_json},
};

both_backends!(
    confirming_an_address_is_audited_once_and_a_no_op_not_at_all,
    an_administrator_cannot_lock_themselves_out,
    deleting_an_account_mails_its_owner_and_is_audited,
);

async fn confirming_an_address_is_audited_once_and_a_no_op_not_at_all(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (root, admin) = app.admin().await;
    let (bob, _) = app.register_and_login("bob", "bob@example.com").await;
    let (root, bob_id) = (id_of(&root), id_of(&bob));
    assert_eq!(bob["email_verified"], false);
    app.clock.advance(Duration::from_secs(60));

    let detail = expect_json(
        patch(&app, &admin, bob_id, json!({"email_verified": true})).await,
        200,
    )
    .await;
    assert_eq!(detail["email_verified"], true);
    assert_ne!(detail["updated_at"], bob["updated_at"]);
    let row = only_row(&app, "email.confirmed", root, bob_id).await;
    assert_eq!(row.detail, json!({}));
    let before = app.audit_rows().await.len();

    // Nothing changes: no audit row, and `updated_at` stays.
    app.clock.advance(Duration::from_secs(60));
    let no_op = json!({"email_verified": true, "disabled": false});
    let same = expect_json(patch(&app, &admin, bob_id, no_op).await, 200).await;
    assert_eq!(same, detail);
    assert_eq!(app.audit_rows().await.len(), before);

    let body = json!({"email_verified": false});
    let detail = expect_json(patch(&app, &admin, bob_id, body).await, 200).await;
    assert_eq!(detail["email_verified"], false);
    only_row(&app, "email.unconfirmed", root, bob_id).await;

    // Two changes in one request: two rows, in one transaction.
    let both = json!({"email_verified": true, "disabled": true});
    let detail = expect_json(patch(&app, &admin, bob_id, both).await, 200).await;
    assert_eq!(
        (&detail["email_verified"], &detail["disabled"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(app.audit_rows().await.len(), before + 3);
    assert_eq!(app.audit_rows_of("email.confirmed").await.len(), 2);
    only_row(&app, "account.disabled", root, bob_id).await;
}

async fn an_administrator_cannot_lock_themselves_out(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (root, admin) = app.admin().await;
    let before = app.audit_rows().await.len();

    let disable = patch(&app, &admin, id_of(&root), json!({"disabled": true})).await;
    let problem = assert_problem(disable, 409, "lockout").await;
    assert_eq!(
        problem["detail"],
        "an administrator cannot disable their own account"
    );
    let problem = assert_problem(delete(&app, &admin, id_of(&root)).await, 409, "lockout").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("DELETE /api/v1/users"),
        "{problem}"
    );

    assert_eq!(app.audit_rows().await.len(), before, "nothing changed");
    let me = expect_json(app.get_me(&admin).await, 200).await;
    assert_eq!(me["id"], root["id"]);
    // What does not lock anyone out is allowed on oneself.
    let confirm = patch(&app, &admin, id_of(&root), json!({"email_verified": true})).await;
    assert_eq!(expect_json(confirm, 200).await["email_verified"], true);
}

async fn deleting_an_account_mails_its_owner_and_is_audited(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (root, admin) = app.admin().await;
    let (bob, bob_token) = app.register_and_login("bob", "bob@example.com").await;
    let bob_id = id_of(&bob);

    let response = delete(&app, &admin, bob_id).await;

    assert_eq!(response.status(), 204);
    assert_eq!(response.text().await.unwrap(), "");
    assert_problem(app.get_me(&bob_token).await, 401, "unauthorized").await;
    assert_problem(app.login("bob", PASSWORD).await, 401, "invalid-credentials").await;
    assert_problem(get(&app, &admin, bob_id).await, 404, "not-found").await;
    assert_problem(delete(&app, &admin, bob_id).await, 404, "not-found").await;
    assert_eq!(app.count_users().await, 1, "only the administrator is left");
    let db = app.db().await;
    let events = outbox::Entity::find()
        .filter(outbox::Column::EventType.eq("user.deleted"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(events[0].aggregate_id, bob_id);
    let payload: Value = serde_json::from_str(&events[0].payload).unwrap();
    assert!(
        payload.to_string().contains("bob@example.com"),
        "the owner is mailed: {payload}"
    );
    only_row(&app, "account.deleted", id_of(&root), bob_id).await;
}

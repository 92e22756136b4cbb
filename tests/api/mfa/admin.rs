//! An administrator (or an operator with `manage`) removes every second factor of an account
//! whose owner lost them; the admin list filters on having one.

use serde_json::{Value, json};

use crate::{
    helpers::{Backend, PASSWORD, assert_problem, expect_json, spawn_app},
    manage_cli::manage_ok,
};

both_backends!(
    an_administrator_resets_the_second_factors_and_the_owner_is_mailed,
    manage_resets_the_second_factors_of_an_account,
);

fn ids(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect()
}

async fn an_administrator_resets_the_second_factors_and_the_owner_is_mailed(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;
    let (admin, admin_token) = app.admin().await;
    app.enrol(&token).await;
    let list = |mfa: bool| {
        let (app, admin_token) = (&app, &admin_token);
        async move {
            let resp = app
                .client
                .get(app.url(&format!("/api/v1/admin/users?mfa={mfa}")))
                .bearer_auth(admin_token)
                .send()
                .await
                .unwrap();
            expect_json(resp, 200).await
        }
    };
    assert_eq!(ids(&list(true).await), ["alice"]);
    assert_eq!(ids(&list(false).await), ["root_admin"]);

    let path = format!("/api/v1/admin/users/{}/mfa", alice["id"].as_str().unwrap());
    let refused = app.delete_as(&token, &path, &json!({})).await;
    assert_problem(refused, 403, "missing-permission").await;
    let reset = app.delete_as(&admin_token, &path, &json!({})).await;
    assert_eq!(reset.status(), 204);
    assert_eq!(app.mfa_of(&token).await["totp"]["enabled"], false);
    expect_json(app.login("alice", PASSWORD).await, 200).await;
    assert_eq!(app.outbox_events("user.mfa_reset").await.len(), 1);
    let audited = app.audit_rows_of("mfa.reset").await;
    assert_eq!(audited.len(), 1);
    assert_eq!(
        audited[0].actor_id.map(|id| id.to_string()),
        admin["id"].as_str().map(str::to_owned)
    );
    assert!(ids(&list(true).await).is_empty());

    let nothing_left = app.delete_as(&admin_token, &path, &json!({})).await;
    assert_eq!(nothing_left.status(), 204);
    assert_eq!(
        app.outbox_events("user.mfa_reset").await.len(),
        1,
        "no second e-mail"
    );
    let unknown = "/api/v1/admin/users/0190a0a0-0000-7000-8000-000000000000/mfa";
    assert_problem(
        app.delete_as(&admin_token, unknown, &json!({})).await,
        404,
        "not-found",
    )
    .await;
}

async fn manage_resets_the_second_factors_of_an_account(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app.alice().await;
    app.enrol(&token).await;
    let said = manage_ok(
        &app.database_url,
        &["users", "reset-mfa", "ALICE@example.com"],
    );
    assert!(
        said.contains("removed every second factor of alice"),
        "{said}"
    );
    assert_eq!(app.mfa_of(&token).await["totp"]["enabled"], false);
    assert_eq!(app.audit_rows_of("mfa.reset").await[0].actor_id, None);
    let again = manage_ok(&app.database_url, &["users", "reset-mfa", "alice"]);
    assert!(again.contains("nothing to do"), "{again}");
}

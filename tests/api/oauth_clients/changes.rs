//! Changing a client (only the fields given, audited with the names of those that changed),
//! rotating a confidential client's secret, and deleting a client; none of it ever shows or
//! audits a secret but the answer that hands it out.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::{
    CLIENTS, assert_not_audited, assert_secret, client_path, created, id_of, server, spa, writer,
};
use crate::{
    admin_audit::audit,
    admin_users::{id_of as user_id, spawn_unlimited},
    helpers::{Backend, TestApp, assert_problem, body_text, error_fields, expect_json, header},
};

both_backends!(
    a_change_replaces_only_the_fields_given_and_is_audited,
    a_change_is_checked_against_the_whole_client,
    rotating_replaces_the_secret_of_confidential_clients_only,
    a_deleted_client_is_gone,
);

async fn patch(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    app.call(Method::PATCH, &client_path(id), token, Some(&body))
        .await
}

async fn get(app: &TestApp, token: &str, id: &str) -> Value {
    expect_json(
        app.call(Method::GET, &client_path(id), token, None).await,
        200,
    )
    .await
}

async fn a_change_replaces_only_the_fields_given_and_is_audited(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (admin, token) = writer(&app).await;
    let (_, auditor) = app.account_with("auditor", &["audit:read"]).await;
    let before = created(&app, &token, &server()).await["client"].clone();
    let id = id_of(&before);
    app.clock.advance(Duration::from_secs(5));

    let change = json!({
        "name": "Reports",
        "allowed_scopes": ["openid", "users:read"],
        "client_type": "public"
    });
    let after = expect_json(patch(&app, &token, &id, change).await, 200).await;

    assert_eq!(after["name"], "Reports");
    assert_eq!(after["allowed_scopes"], json!(["openid", "users:read"]));
    // `client_type` is no field of a change: the client stays confidential.
    for field in [
        "client_id",
        "client_type",
        "redirect_uris",
        "post_logout_redirect_uris",
        "grant_types",
        "first_party",
        "secret_set_at",
        "created_at",
    ] {
        assert_eq!(after[field], before[field], "{field}");
    }
    assert_ne!(after["updated_at"], before["updated_at"]);
    assert_eq!(get(&app, &token, &id).await, after);
    let trail = expect_json(audit(&app, "action=client.updated", &auditor).await, 200).await;
    let events = trail["items"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{trail}");
    assert_eq!(events[0]["actor_id"], admin["id"]);
    assert_eq!(
        events[0]["detail"],
        json!({"client_id": id, "client_name": "Reports", "changed": ["name", "allowed_scopes"]})
    );

    // The same values again change nothing, and nothing is audited.
    let same = json!({"name": "Reports", "first_party": false});
    let again = expect_json(patch(&app, &token, &id, same).await, 200).await;
    assert_eq!(again, after);
    assert_eq!(app.audit_rows_of("client.updated").await.len(), 1);
    let first_party = json!({"first_party": true, "grant_types": ["password"]});
    let changed = expect_json(patch(&app, &token, &id, first_party).await, 200).await;
    assert_eq!(changed["grant_types"], json!(["password"]));
    let rows = app.audit_rows_of("client.updated").await;
    assert_eq!(
        rows[1].detail["changed"],
        json!(["grant_types", "first_party"])
    );
}

async fn a_change_is_checked_against_the_whole_client(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (_, token) = writer(&app).await;
    let client = created(&app, &token, &spa()).await["client"].clone();
    let id = id_of(&client);

    for (change, fields) in [
        (
            json!({}),
            vec![
                "name",
                "redirect_uris",
                "post_logout_redirect_uris",
                "allowed_scopes",
                "grant_types",
                "first_party",
            ],
        ),
        (
            json!({"client_type": "confidential"}),
            vec![
                "name",
                "redirect_uris",
                "post_logout_redirect_uris",
                "allowed_scopes",
                "grant_types",
                "first_party",
            ],
        ),
        (json!({"grant_types": ["password"]}), vec!["grant_types"]),
        (
            json!({"first_party": true, "grant_types": ["password", "implicit"]}),
            vec!["grant_types"],
        ),
        (json!({"redirect_uris": []}), vec!["redirect_uris"]),
        (
            json!({"redirect_uris": ["https://app.example.com/*"]}),
            vec!["redirect_uris"],
        ),
        (
            json!({"name": "x".repeat(101), "allowed_scopes": ["everything"]}),
            vec!["name", "allowed_scopes"],
        ),
        (
            json!({"name": null, "first_party": "true"}),
            vec!["name", "first_party"],
        ),
    ] {
        let response = patch(&app, &token, &id, change.clone()).await;
        let problem = assert_problem(response, 422, "validation").await;
        assert_eq!(error_fields(&problem), fields, "{change}: {problem}");
    }
    assert_eq!(get(&app, &token, &id).await, client);
    assert!(app.audit_rows_of("client.updated").await.is_empty());
}

async fn rotating_replaces_the_secret_of_confidential_clients_only(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (admin, token) = writer(&app).await;
    let answer = created(&app, &token, &server()).await;
    let first = assert_secret(&answer["client_secret"]);
    let id = id_of(&answer["client"]);
    app.clock.advance(Duration::from_secs(5));

    let path = format!("{}/secret", client_path(&id));
    let response = app.call(Method::POST, &path, &token, None).await;
    assert_eq!(header(response.headers(), "cache-control"), "no-store");
    let rotated = expect_json(response, 200).await;

    assert_eq!(rotated["client_id"], id.as_str());
    let second = assert_secret(&rotated["client_secret"]);
    assert_ne!(second, first);
    let client = get(&app, &token, &id).await;
    assert_ne!(client["secret_set_at"], answer["client"]["secret_set_at"]);
    assert_eq!(client["secret_set_at"], client["updated_at"]);
    let rows = app.audit_rows_of("client.secret_rotated").await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].actor_id, Some(user_id(&admin)));
    assert_eq!(rows[0].detail["client_id"], id.as_str());
    for secret in [&first, &second] {
        assert_not_audited(&app, secret).await;
        for path in [client_path(&id), CLIENTS.to_owned()] {
            let text = body_text(app.call(Method::GET, &path, &token, None).await).await;
            assert!(!text.contains(secret.as_str()), "{path}: {text}");
        }
    }

    let public = created(&app, &token, &spa()).await;
    let path = format!("{}/secret", client_path(id_of(&public["client"])));
    let response = app.call(Method::POST, &path, &token, None).await;
    let problem = assert_problem(response, 409, "public-client").await;
    assert_eq!(problem["detail"], "a public client has no secret");
    assert_eq!(app.audit_rows_of("client.secret_rotated").await.len(), 1);
}

async fn a_deleted_client_is_gone(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (admin, token) = writer(&app).await;
    let answer = created(&app, &token, &server()).await;
    let secret = assert_secret(&answer["client_secret"]);
    let id = id_of(&answer["client"]);
    let kept = id_of(&created(&app, &token, &spa()).await["client"]);

    let response = app
        .call(Method::DELETE, &client_path(&id), &token, None)
        .await;
    assert_eq!(response.status(), 204);
    assert!(body_text(response).await.is_empty());

    let response = app.call(Method::GET, &client_path(&id), &token, None).await;
    assert_problem(response, 404, "not-found").await;
    let response = app
        .call(Method::DELETE, &client_path(&id), &token, None)
        .await;
    assert_problem(response, 404, "not-found").await;
    let list = expect_json(app.call(Method::GET, CLIENTS, &token, None).await, 200).await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [kept.as_str()]);
    let rows = app.audit_rows_of("client.deleted").await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].actor_id, Some(user_id(&admin)));
    assert_eq!(
        rows[0].detail,
        json!({"client_id": id, "client_name": "Reporting"})
    );
    assert_not_audited(&app, &secret).await;
}

//! Administration: the account view counts passkeys, the reset removes them; and the mobile
//! apps' association documents.

use serde_json::json;

use super::Device;
use crate::helpers::{Backend, assert_problem, expect_json, spawn_app, spawn_app_with};

both_backends!(
    the_admin_view_counts_passkeys_and_the_reset_removes_them,
    the_mobile_documents_are_served_only_when_configured,
);

async fn the_admin_view_counts_passkeys_and_the_reset_removes_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;
    let mut device = Device::new();
    app.add_passkey(&token, &mut device, "Key").await;
    let (_, admin) = app.admin().await;
    let path = format!("/api/v1/admin/users/{}", alice["id"].as_str().unwrap());
    assert_eq!(app.get_json_as(&admin, &path).await["passkey_count"], 1);

    let reset = app
        .client
        .delete(app.url(&format!("{path}/mfa")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 204, "{:?}", reset.text().await);
    assert_eq!(app.get_json_as(&admin, &path).await["passkey_count"], 0);
    let rows = app.audit_rows_of("mfa.reset").await;
    assert_eq!(rows[0].detail["passkeys_removed"], 1);
    let (_, resp) = app.sign_in_with(&mut device).await;
    assert_problem(resp, 401, "invalid-passkey").await;
}

async fn the_mobile_documents_are_served_only_when_configured(backend: Backend) {
    let bare = spawn_app(backend).await;
    for path in [
        "/.well-known/apple-app-site-association",
        "/.well-known/assetlinks.json",
    ] {
        let resp = bare.client.get(bare.url(path)).send().await.unwrap();
        assert_problem(resp, 404, "not-found").await;
    }
    let print = ["AB"; 32].join(":");
    let app = spawn_app_with(backend, |settings| {
        settings.webauthn.apple_app_ids = vec!["TEAM123.com.example.app".into()];
        settings.webauthn.android_apps = vec![format!("com.example.app={print}").parse().unwrap()];
    })
    .await;
    let apple = app
        .client
        .get(app.url("/.well-known/apple-app-site-association"))
        .send()
        .await
        .unwrap();
    let apple = expect_json(apple, 200).await;
    assert_eq!(
        apple,
        json!({"webcredentials": {"apps": ["TEAM123.com.example.app"]}})
    );
    let links = app
        .client
        .get(app.url("/.well-known/assetlinks.json"))
        .send()
        .await
        .unwrap();
    let links = expect_json(links, 200).await;
    assert_eq!(links[0]["target"]["package_name"], "com.example.app");
    assert_eq!(
        links[0]["target"]["sha256_cert_fingerprints"],
        json!([print])
    );
    let relations = links[0]["relation"].as_array().unwrap();
    assert!(relations.contains(&json!("delegate_permission/common.get_login_creds")));
}

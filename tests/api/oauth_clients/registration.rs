//! Registering a client: the defaults, a confidential client's secret shown once, and every
//! refused field reaching the answer as a 422 naming it.

use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    CLIENT_FIELDS, CLIENTS, assert_not_audited, assert_secret, client_path, create, created, id_of,
    server, spa, writer,
};
use crate::{
    admin_users::{id_of as user_id, spawn_unlimited},
    helpers::{
        Backend, TestApp, assert_problem, body_text, error_fields, expect_json, field_names,
    },
};

both_backends!(
    a_public_client_has_no_secret_and_the_defaults,
    a_confidential_client_s_secret_is_shown_once,
    every_refused_field_is_a_422_naming_it,
);

async fn a_public_client_has_no_secret_and_the_defaults(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (admin, token) = writer(&app).await;

    let answer = created(&app, &token, &spa()).await;

    assert_eq!(field_names(&answer), ["client", "client_secret"]);
    assert_eq!(answer["client_secret"], Value::Null);
    let client = &answer["client"];
    assert_eq!(field_names(client), CLIENT_FIELDS);
    let id: Uuid = id_of(client).parse().expect("a UUID");
    assert_eq!(id.get_version_num(), 7);
    assert_eq!(client["name"], "Web app");
    assert_eq!(client["client_type"], "public");
    assert_eq!(
        client["redirect_uris"],
        json!(["https://app.example.com/callback"])
    );
    assert_eq!(client["post_logout_redirect_uris"], json!([]));
    assert_eq!(
        client["allowed_scopes"],
        json!(["openid", "profile", "email"])
    );
    assert_eq!(
        client["grant_types"],
        json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(client["first_party"], false);
    assert_eq!(client["secret_set_at"], Value::Null);
    assert_eq!(client["created_at"], client["updated_at"]);
    let read = app.call(Method::GET, &client_path(id), &token, None).await;
    assert_eq!(&expect_json(read, 200).await, client);
    let rows = app.audit_rows_of("client.created").await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0].actor_id, Some(user_id(&admin)));
    assert_eq!(
        rows[0].detail,
        json!({"client_id": id.to_string(), "client_name": "Web app"})
    );
}

async fn a_confidential_client_s_secret_is_shown_once(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (_, token) = writer(&app).await;
    let body = json!({
        "name": "  Back office  ",
        "client_type": "confidential",
        "redirect_uris": ["https://office.example.com/cb", "http://127.0.0.1/cb"],
        "post_logout_redirect_uris": ["https://office.example.com/"],
        "allowed_scopes": ["openid", "offline_access", "users:read"],
        "grant_types": ["authorization_code", "refresh_token", "password"],
        "first_party": true
    });

    let answer = created(&app, &token, &body).await;

    let secret = assert_secret(&answer["client_secret"]);
    let client = &answer["client"];
    assert_eq!(client["name"], "Back office");
    assert_eq!(client["client_type"], "confidential");
    for field in [
        "redirect_uris",
        "post_logout_redirect_uris",
        "allowed_scopes",
        "grant_types",
        "first_party",
    ] {
        assert_eq!(client[field], body[field], "{field}");
    }
    assert_eq!(client["secret_set_at"], client["created_at"]);
    // Never again: not in the client, the list, nor the audit trail.
    let id = id_of(client);
    let other = created(&app, &token, &server()).await;
    assert_ne!(assert_secret(&other["client_secret"]), secret);
    for path in [client_path(&id), CLIENTS.to_owned()] {
        let text = body_text(app.call(Method::GET, &path, &token, None).await).await;
        assert!(text.contains(&id), "{path}: {text}");
        assert!(!text.contains(&secret), "{path} shows the secret: {text}");
        assert!(!text.contains("secret_hash"), "{path}: {text}");
    }
    assert_not_audited(&app, &secret).await;
}

/// Each case: a change to a valid registration, and the field the 422 must name.
fn refused_registrations() -> Vec<(Value, &'static str)> {
    let long_name = "x".repeat(101);
    let uris: Vec<String> = (0..21)
        .map(|n| format!("https://app.example.com/cb/{n}"))
        .collect();
    vec![
        (
            json!({"redirect_uris": ["https://*.example.com/callback"]}),
            "redirect_uris",
        ),
        (
            json!({"redirect_uris": ["https://app.example.com/cb#top"]}),
            "redirect_uris",
        ),
        (
            json!({"redirect_uris": ["http://app.example.com/callback"]}),
            "redirect_uris",
        ),
        (json!({"redirect_uris": uris}), "redirect_uris"),
        (json!({"redirect_uris": []}), "redirect_uris"),
        (
            json!({"post_logout_redirect_uris": ["javascript:alert(1)"]}),
            "post_logout_redirect_uris",
        ),
        (
            json!({"allowed_scopes": ["openid", "admin"]}),
            "allowed_scopes",
        ),
        (json!({"grant_types": ["implicit"]}), "grant_types"),
        (json!({"grant_types": []}), "grant_types"),
        (json!({"grant_types": ["password"]}), "grant_types"),
        (json!({"name": long_name}), "name"),
        (json!({"name": "  "}), "name"),
        (json!({"name": null}), "name"),
        (json!({"client_type": "secret"}), "client_type"),
        (json!({"client_type": true}), "client_type"),
        (
            json!({"redirect_uris": "https://app.example.com/callback"}),
            "redirect_uris",
        ),
        (json!({"first_party": "yes"}), "first_party"),
    ]
}

async fn every_refused_field_is_a_422_naming_it(backend: Backend) {
    let app = spawn_unlimited(backend).await;
    let (_, token) = writer(&app).await;

    for (change, field) in refused_registrations() {
        let mut body = spa();
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let problem = assert_problem(create(&app, &token, &body).await, 422, "validation").await;
        assert_eq!(error_fields(&problem), [field], "{body}: {problem}");
    }
    // Every field at once, each named once.
    let all = messages(
        &app,
        &token,
        json!({
            "name": "",
            "client_type": "secret",
            "redirect_uris": ["https://app.example.com/callback"],
            "post_logout_redirect_uris": ["http://evil.example.com/"],
            "allowed_scopes": ["root"],
            "grant_types": ["password"]
        }),
    )
    .await;
    let fields: Vec<&str> = all.iter().map(|m| m.split(':').next().unwrap()).collect();
    assert_eq!(
        fields,
        [
            "name",
            "client_type",
            "post_logout_redirect_uris",
            "allowed_scopes",
            "grant_types"
        ],
        "{all:?}"
    );
    assert!(all[2].contains("use https"), "{all:?}");
    assert!(all[3].contains("unknown scope \"root\""), "{all:?}");
    assert!(all[4].contains("first-party"), "{all:?}");
    let missing = messages(&app, &token, json!({})).await;
    assert_eq!(
        missing,
        [
            "name: is required",
            "client_type: is required",
            "redirect_uris: is required"
        ]
    );
    let mut body = spa();
    body["redirect_uris"] = json!(["https://*.example.com/cb"]);
    let wildcard = messages(&app, &token, body).await;
    assert!(wildcard[0].contains("wildcard"), "{wildcard:?}");
    // Nothing was registered, nor audited.
    let list = app.call(Method::GET, CLIENTS, &token, None).await;
    assert_eq!(expect_json(list, 200).await["items"], json!([]));
    assert!(app.audit_rows_of("client.created").await.is_empty());
}

/// The 422's errors for `body`, each as `field: message`.
async fn messages(app: &TestApp, token: &str, body: Value) -> Vec<String> {
    let problem = assert_problem(create(app, token, &body).await, 422, "validation").await;
    let errors = problem["errors"].as_array().expect("errors");
    errors
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["field"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect()
}

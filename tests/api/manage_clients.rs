//! `manage clients create|list|show|rotate-secret|delete`: the OAuth client registry from
//! the command line, run as real processes, audited as the system's.

use serde_json::json;

use crate::{
    helpers::{Backend, spawn_app},
    manage_cli::{manage, manage_fails, manage_ok},
};

both_backends!(
    a_public_client_is_registered_listed_shown_and_deleted,
    a_confidential_clients_secret_is_shown_once_and_rotates,
    bad_registrations_name_the_options_and_register_nothing,
);

/// The value after `key: ` on one of `printed`'s lines.
fn field<'a>(printed: &'a str, key: &str) -> &'a str {
    printed
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("no {key} in {printed}"))
}

async fn a_public_client_is_registered_listed_shown_and_deleted(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = &app.database_url;
    assert_eq!(
        manage_ok(url, &["clients", "list"]).trim(),
        "no clients are registered"
    );

    let printed = manage_ok(
        url,
        &[
            "clients",
            "create",
            "--name",
            "Web app",
            "--type",
            "public",
            "--redirect-uri",
            "https://app.example.com/callback",
            "--redirect-uri",
            "http://127.0.0.1/callback",
            "--scope",
            "openid",
            "--scope",
            "users:read",
            "--first-party",
        ],
    );
    assert!(
        printed.starts_with("registered public client \"Web app\"\n"),
        "{printed}"
    );
    assert!(!printed.contains("client_secret"), "{printed}");
    let client_id = field(&printed, "client_id").to_owned();

    let listed = manage_ok(url, &["clients", "list"]);
    assert_eq!(
        listed.trim(),
        format!(
            "{client_id}\tWeb app\tpublic\tfirst-party\t\
             https://app.example.com/callback,http://127.0.0.1/callback"
        )
    );
    let shown = manage_ok(url, &["clients", "show", &client_id]);
    assert_eq!(field(&shown, "allowed_scopes"), "openid users:read");
    assert_eq!(
        field(&shown, "grant_types"),
        "authorization_code refresh_token"
    );
    assert_eq!(field(&shown, "post_logout_redirect_uris"), "-");
    assert_eq!(field(&shown, "secret_set_at"), "-");

    let refused = manage_fails(url, &["clients", "rotate-secret", &client_id]);
    assert_eq!(
        refused,
        format!("error: client {client_id} is public: it has no secret")
    );
    assert_eq!(
        manage_ok(url, &["clients", "delete", &client_id]).trim(),
        format!("deleted client {client_id}")
    );
    for command in ["show", "delete", "rotate-secret"] {
        let message = manage_fails(url, &["clients", command, &client_id]);
        assert_eq!(
            message,
            format!("error: no client has the client_id \"{client_id}\"")
        );
    }
    let message = manage_fails(url, &["clients", "show", "not-a-uuid"]);
    assert_eq!(message, "error: no client has the client_id \"not-a-uuid\"");

    let rows = app.audit_rows().await;
    let actions: Vec<&str> = rows.iter().map(|row| row.action.as_str()).collect();
    assert_eq!(actions, ["client.created", "client.deleted"]);
    for row in &rows {
        assert_eq!((row.actor_id, row.target_id), (None, None), "{row:#?}");
        assert_eq!(
            row.detail,
            json!({"client_id": client_id, "client_name": "Web app"})
        );
    }
}

async fn a_confidential_clients_secret_is_shown_once_and_rotates(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = &app.database_url;
    let printed = manage_ok(
        url,
        &[
            "clients",
            "create",
            "--name",
            "Reports",
            "--type",
            "confidential",
            "--redirect-uri",
            "https://reports.example.com/oidc/callback",
        ],
    );
    let client_id = field(&printed, "client_id").to_owned();
    let secret = field(&printed, "client_secret")
        .strip_suffix(" (shown only now: store it)")
        .expect("the note after the secret")
        .to_owned();
    assert_eq!(secret.len(), 43, "{secret}");

    let shown = manage_ok(url, &["clients", "show", &client_id]);
    assert!(!shown.contains(&secret), "{shown}");
    assert_ne!(field(&shown, "secret_set_at"), "-");

    let rotated = manage_ok(url, &["clients", "rotate-secret", &client_id]);
    let new_secret = field(&rotated, "client_secret").split(' ').next().unwrap();
    assert_eq!(new_secret.len(), 43);
    assert_ne!(new_secret, secret);

    let rows = app.audit_rows().await;
    let actions: Vec<&str> = rows.iter().map(|row| row.action.as_str()).collect();
    assert_eq!(actions, ["client.created", "client.secret_rotated"]);
    let everything = format!("{rows:?}");
    assert!(!everything.contains(&secret) && !everything.contains(new_secret));
}

async fn bad_registrations_name_the_options_and_register_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = &app.database_url;
    let message = manage_fails(
        url,
        &[
            "clients",
            "create",
            "--name",
            "Evil",
            "--type",
            "public",
            "--redirect-uri",
            "https://*.example.com/cb",
            "--grant-type",
            "password",
        ],
    );
    assert_eq!(
        message,
        "error: invalid client: --redirect-uri: item 0: must not hold a wildcard (*): \
         redirect URIs match exactly; --grant-type: password is allowed only for first-party \
         clients"
    );
    let message = manage_fails(
        url,
        &[
            "clients", "create", "--name", "x", "--type", "secret", "--scope", "root",
        ],
    );
    assert_eq!(
        message,
        "error: invalid client: --type: must be one of: public, confidential; --scope: \
         unknown scope \"root\"; --redirect-uri: the authorization_code grant needs at least \
         one redirect URI"
    );
    let missing = manage(url, &["clients", "create", "--type", "public"]);
    assert_eq!(missing.status.code(), Some(2), "clap's usage error");
    assert_eq!(
        manage_ok(url, &["clients", "list"]).trim(),
        "no clients are registered"
    );
    assert!(app.audit_rows().await.is_empty());
}

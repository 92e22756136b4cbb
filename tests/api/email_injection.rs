//! Addresses that are not a bare addr-spec (`local@domain`): refused at sign-up and on
//! `PATCH /api/v1/users`, and listed by `manage users check-emails` when one was stored
//! before the rule (the SMTP adapter's own refusal is in `email_injection_smtp`).

use serde_json::json;

use crate::{
    helpers::{Backend, PASSWORD, TestApp, assert_problem, error_fields, expect_json, spawn_app},
    manage_cli::manage,
};

both_backends!(
    sign_up_refuses_anything_but_a_bare_address,
    patch_refuses_anything_but_a_bare_address,
    check_emails_lists_the_stored_addresses_that_are_not_bare,
);

/// A CR/LF injection: written as it is into `RCPT TO:<...>`, it would add a recipient.
pub const INJECTION: &str = "x\r\nRCPT TO:<injected@victim.example>\r\n <a@b.co>";

/// Addresses the old rule took (display names, comments, quoted local parts, literals).
const NOT_BARE: [&str; 7] = [
    INJECTION,
    "Victim <victim@example.com>",
    "<victim@example.com>",
    "\"a b\"@example.com",
    "a@[127.0.0.1]",
    "victim@example.com (comment)",
    "victim@example.com\nBcc: other@example.com",
];

/// SQL for `INJECTION`, written with the backend's own CR and LF.
pub fn injection_sql(backend: Backend) -> String {
    let crlf = match backend {
        Backend::Sqlite => "char(13) || char(10)",
        Backend::Postgres => "chr(13) || chr(10)",
    };
    format!("'x' || {crlf} || 'RCPT TO:<injected@victim.example>' || {crlf} || ' <a@b.co>'")
}

/// Stores `INJECTION` as `username`'s address, as a row written before the rule would be.
pub async fn store_injection(app: &TestApp, backend: Backend, username: &str) {
    app.execute(&format!(
        "UPDATE users SET email = {} WHERE username = '{username}'",
        injection_sql(backend)
    ))
    .await;
}

async fn sign_up_refuses_anything_but_a_bare_address(backend: Backend) {
    let app = spawn_app(backend).await;

    for bad in NOT_BARE {
        let resp = app.register("mallory", bad, PASSWORD).await;
        let problem = assert_problem(resp, 422, "validation").await;
        assert_eq!(error_fields(&problem), ["email"], "email {bad:?}");
    }

    assert_eq!(app.count_users().await, 0, "nothing was stored");
    let user = expect_json(
        app.register("mallory", "mallory@example.com", PASSWORD)
            .await,
        201,
    )
    .await;
    assert_eq!(user["email"], "mallory@example.com");
}

async fn patch_refuses_anything_but_a_bare_address(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, token) = app.alice().await;

    for bad in NOT_BARE {
        let body = json!({ "email": bad, "current_password": PASSWORD });
        let problem = assert_problem(app.patch_me(&token, &body).await, 422, "validation").await;
        assert_eq!(error_fields(&problem), ["email"], "email {bad:?}");
        let body = json!({ "username": "alicia", "email": bad, "current_password": PASSWORD });
        let problem = assert_problem(app.patch_me(&token, &body).await, 422, "validation").await;
        assert_eq!(
            error_fields(&problem),
            ["email"],
            "email {bad:?} with a username"
        );
    }

    assert_eq!(expect_json(app.get_me(&token).await, 200).await, alice);
    let body = json!({ "email": "alice@example.org", "current_password": PASSWORD });
    let moved = expect_json(app.patch_me(&token, &body).await, 200).await;
    assert_eq!(moved["email"], "alice@example.org");
}

async fn check_emails_lists_the_stored_addresses_that_are_not_bare(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, _) = app.alice().await;
    let (mallory, _) = app
        .register_and_login("mallory", "mallory@example.com")
        .await;

    let clean = manage(&app.database_url, &["users", "check-emails"]);
    let clean_printed = printed(&clean);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "a clean database: {clean_printed}"
    );

    store_injection(&app, backend, "mallory").await;
    let found = manage(&app.database_url, &["users", "check-emails"]);
    let printed = printed(&found);
    assert_eq!(
        found.status.code(),
        Some(1),
        "one unsafe address: {printed}"
    );
    let line = printed
        .lines()
        .find(|line| line.contains(mallory["id"].as_str().unwrap()))
        .unwrap_or_else(|| panic!("mallory's id is not listed: {printed:?}"));
    assert!(line.contains("mallory"), "{line:?}");
    assert!(
        line.contains(&format!("{INJECTION:?}")),
        "the address, quoted with its CR/LF escaped: {line:?}"
    );
    assert!(line.contains(r"x\r\nRCPT TO:"), "{line:?}");
    assert!(
        !printed.contains('\r'),
        "a raw CR reached the terminal: {printed:?}"
    );
    assert!(
        !printed.contains(alice["id"].as_str().unwrap()),
        "alice's address is bare: {printed}"
    );
    assert!(
        !printed.lines().any(|l| l.starts_with("RCPT TO:")),
        "the address forged a line of its own: {printed:?}"
    );
}

fn printed(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

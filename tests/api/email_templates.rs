//! The e-mails as delivered (issue 30): an account's language, the product's name as the
//! sender, the operator's overrides, the button and the written-out link that agree and
//! work; and a broken override stops the server and the worker before they start.

use std::{fs, path::Path, time::Duration};

use accounts_api::{
    app::{Application, run_worker},
    config::{KafkaSettings, Settings},
};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::{
    helpers::{Backend, PASSWORD, TestApp, expect_json, spawn_app, spawn_app_with, test_settings},
    maildev::{SMTP_PORT, smtp, unique_domain, wait_for_mails},
};

const CONFIRM_PAGE: &str = "https://app.example/confirm-email";
const WITHIN: Duration = Duration::from_secs(15);

/// `files` (path under the folder, text) in a fresh folder.
fn overrides(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    dir
}

async fn spawn_mailing(templates: Option<&Path>) -> TestApp {
    let templates = templates.map(Path::to_owned);
    spawn_app_with(Backend::Sqlite, |s| {
        s.smtp = Some(smtp(SMTP_PORT));
        s.outbox.poll_interval = Duration::from_millis(50);
        s.email_verification.confirm_url = Some(CONFIRM_PAGE.into());
        s.email.product_name = "Acme ID".into();
        s.email.templates_dir = templates;
    })
    .await
}

/// The one e-mail to `address` whose subject is `subject`, waiting for it.
async fn mail(address: &str, subject: &str) -> Value {
    let mails = wait_for_mails(address, 2, WITHIN).await;
    mails
        .into_iter()
        .find(|m| m["subject"] == subject)
        .unwrap_or_else(|| panic!("no \"{subject}\" e-mail to {address}"))
}

/// The `href` of the one `<a>` with `class`.
fn href_of(html: &str, class: &str) -> String {
    let anchors: Vec<&str> = html
        .split("<a ")
        .skip(1)
        .filter(|a| {
            a.split('>')
                .next()
                .unwrap_or_default()
                .contains(&format!("class=\"{class}\""))
        })
        .collect();
    assert_eq!(anchors.len(), 1, "one a.{class} in {html}");
    let href = anchors[0]
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    href.replace("&amp;", "&")
}

#[tokio::test]
async fn a_german_account_gets_german_e_mails_from_the_product_with_a_working_button() {
    let app = spawn_mailing(None).await;
    let address = format!("anna@{}", unique_domain());
    let body =
        json!({"username": "anna", "email": address, "password": PASSWORD, "locale": "de-AT"});
    let created = app
        .client
        .post(app.url("/api/v1/users"))
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_json(created, 201).await;

    let welcome = mail(&address, "Ihr Konto bei Acme ID wurde erstellt").await;
    assert_eq!(welcome["from"][0]["name"], "Acme ID");
    let confirmation = mail(&address, "Bestätigen Sie Ihre E-Mail-Adresse für Acme ID").await;
    let html = confirmation["html"].as_str().unwrap();
    assert!(html.contains("lang=\"de\""), "{html}");
    let button = href_of(html, "button");
    assert_eq!(button, href_of(html, "written-link"));
    assert!(
        button.starts_with(&format!("{CONFIRM_PAGE}?token=")),
        "{button}"
    );
    let text = confirmation["text"].as_str().unwrap();
    assert!(
        text.contains(&button),
        "the text part has the same link: {text}"
    );

    let token = button.split("token=").nth(1).unwrap();
    let confirmed = app
        .client
        .post(app.url("/api/v1/users/email-verification/confirm"))
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    expect_json(confirmed, 200).await;
}

#[tokio::test]
async fn an_override_replaces_its_template_in_the_e_mails_sent() {
    let dir = overrides(&[(
        "user_created.subject.txt",
        "Welcome to {{ product.name }}, {{ account.username }}",
    )]);
    let app = spawn_mailing(Some(dir.path())).await;
    let address = format!("olga@{}", unique_domain());
    expect_json(app.register("olga", &address, PASSWORD).await, 201).await;

    let welcome = mail(&address, "Welcome to Acme ID, olga").await;
    assert!(welcome["text"].as_str().unwrap().contains("olga"));
    // The other kinds are the built-in ones.
    mail(&address, "Confirm your e-mail address").await;
}

#[tokio::test]
async fn a_broken_override_stops_the_server_and_the_worker_with_its_file_and_line() {
    let migrated = spawn_app(Backend::Sqlite).await;
    let dir = overrides(&[("de/new_sign_in.html", "<p>\n{{ account.nickname }}\n")]);
    let file = dir.path().join("de/new_sign_in.html").display().to_string();
    let settings = || Settings {
        email: accounts_api::config::EmailSettings {
            templates_dir: Some(dir.path().to_owned()),
            ..Default::default()
        },
        ..test_settings(&migrated.database_url)
    };

    let Err(err) = Application::build(settings()).await else {
        panic!("the server started with a broken template");
    };
    let message = err.to_string();
    assert!(message.contains(&format!("{file}:2:")), "{message}");
    assert!(message.contains("account.nickname"), "{message}");

    let worker = Settings {
        kafka: Some(KafkaSettings::default()),
        ..settings()
    };
    let Err(err) = run_worker(worker, std::future::pending()).await else {
        panic!("the worker ran with a broken template");
    };
    assert!(err.to_string().contains(&format!("{file}:2:")), "{err}");
}

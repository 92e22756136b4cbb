//! The real binaries with `APP_ENV=production`: SMTP credentials that would go out in clear
//! text stop the server and the worker, a server without Redis says once that its limits
//! are per instance, and one without `WEBAUTHN_ORIGINS` says once that passkeys are off.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use tempfile::TempDir;

use crate::{
    helpers::{Backend, KEYS, assert_problem, expect_json, spawn_app},
    processes::Api,
};

const REDIS_WARNING: &str = "REDIS_URL is unset";
const PASSKEYS_WARNING: &str = "WEBAUTHN_ORIGINS is unset";
const MFA_KEY: &str = "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

#[test]
fn production_refuses_smtp_credentials_in_clear_text_in_the_server_and_the_worker() {
    let dir = TempDir::new().unwrap();
    let database = format!("sqlite://{}/app.db?mode=rwc", dir.path().display());
    // Nothing else is set up: each binary stops on this check or on another, never hangs.
    for binary in [
        env!("CARGO_BIN_EXE_accounts-api"),
        env!("CARGO_BIN_EXE_worker"),
    ] {
        let output = Command::new(binary)
            .env_clear()
            .envs([
                ("APP_ENV", "production"),
                ("DATABASE_URL", database.as_str()),
                ("METRICS_ADDR", "off"),
                ("SMTP_HOST", "mail.example.com"),
                ("SMTP_USERNAME", "accounts"),
                ("SMTP_PASSWORD", "hunter2"),
                ("SMTP_TLS", "none"),
            ])
            .output()
            .unwrap_or_else(|e| panic!("run {binary}: {e}"));
        let text =
            String::from_utf8_lossy(&output.stdout) + String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{binary} started:\n{text}");
        for named in [
            "SMTP_USERNAME",
            "SMTP_PASSWORD",
            "SMTP_TLS=none",
            "clear text",
        ] {
            assert!(
                text.contains(named),
                "{binary} does not say {named:?}:\n{text}"
            );
        }
        assert!(!text.contains("hunter2"), "{text}");
    }
}

#[tokio::test]
async fn production_without_redis_warns_once_that_limits_are_per_instance() {
    let migrated = spawn_app(Backend::Sqlite).await;
    let production = |redis: Option<&str>| production_env(&migrated, "REDIS_URL", redis);

    let alone = Api::start(&production(None)).await;
    assert_eq!(warnings(&alone).await, 1);
    let shared = Api::start(&production(Some("redis://127.0.0.1:6379"))).await;
    assert_eq!(warnings(&shared).await, 0);
}

#[tokio::test]
async fn production_without_webauthn_origins_turns_passkeys_off_and_says_so_once() {
    let migrated = spawn_app(Backend::Sqlite).await;
    let production = |origins: Option<&str>| production_env(&migrated, "WEBAUTHN_ORIGINS", origins);
    let options = |api: &Api| {
        let url = api.url("/api/v1/passkeys/authentication");
        async move {
            reqwest::Client::new()
                .post(url)
                .json(&serde_json::json!({}))
                .send()
                .await
                .unwrap()
        }
    };

    let off = Api::start(&production(None)).await;
    assert_eq!(lines_before_listening(&off, PASSKEYS_WARNING).await, 1);
    assert_problem(options(&off).await, 503, "passkeys-not-configured").await;
    let on = Api::start(&production(Some("https://app.example.com"))).await;
    assert_eq!(lines_before_listening(&on, PASSKEYS_WARNING).await, 0);
    let answered = expect_json(options(&on).await, 200).await;
    assert_eq!(answered["publicKey"]["rpId"], "app.example.com");
}

#[tokio::test]
async fn production_needs_an_https_issuer_and_development_defaults_to_its_port() {
    let migrated = spawn_app(Backend::Sqlite).await;
    let server = env!("CARGO_BIN_EXE_accounts-api");
    for (issuer, named) in [
        (None, "JWT_ISSUER must be set"),
        (Some("http://accounts.example.com"), "must be an https URL"),
        (Some("accounts-api"), "must be an absolute URL"),
    ] {
        let output = Command::new(server)
            .env_clear()
            .envs(production_env(&migrated, "JWT_ISSUER", issuer))
            .output()
            .expect("run the server");
        let text =
            String::from_utf8_lossy(&output.stdout) + String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{issuer:?} started:\n{text}");
        assert!(
            text.contains(named),
            "{issuer:?} does not say {named:?}:\n{text}"
        );
    }
    let mut development = production_env(&migrated, "JWT_ISSUER", None);
    development.retain(|(var, _)| *var != "APP_ENV");
    let api = Api::start(&development).await;
    let document = reqwest::get(api.url("/.well-known/openid-configuration"))
        .await
        .unwrap();
    let document = expect_json(document, 200).await;
    assert_eq!(document["issuer"], format!("http://localhost:{}", api.port));
}

/// What a production server on `app`'s database needs, and `var` when it has a value.
fn production_env(
    app: &crate::helpers::TestApp,
    var: &'static str,
    value: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("APP_ENV", "production".to_owned()),
        ("DATABASE_URL", app.database_url.clone()),
        (
            "JWT_PRIVATE_KEY_PATH",
            KEYS.private_key_path.display().to_string(),
        ),
        (
            "JWT_PUBLIC_KEY_PATH",
            KEYS.public_key_path.display().to_string(),
        ),
        ("METRICS_ADDR", "off".to_owned()),
        ("MFA_ENCRYPTION_KEY", MFA_KEY.to_owned()),
    ];
    if var != "JWT_ISSUER" {
        env.push(("JWT_ISSUER", "https://accounts.example.com".to_owned()));
    }
    env.extend(value.map(|value| (var, value.to_owned())));
    env
}

/// The Redis warnings `api` wrote before it said it was listening.
async fn warnings(api: &Api) -> usize {
    lines_before_listening(api, REDIS_WARNING).await
}

/// The lines holding `text` that `api` wrote before it said it was listening.
async fn lines_before_listening(api: &Api, text: &str) -> usize {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let lines = api.lines();
        if lines.iter().any(|line| line.contains("listening on")) {
            return lines.iter().filter(|l| l.contains(text)).count();
        }
        assert!(
            Instant::now() < deadline,
            "never listening:\n{}",
            lines.join("\n")
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn production_refuses_to_start_without_the_key_that_seals_totp_secrets() {
    let migrated = spawn_app(Backend::Sqlite).await;
    let output = Command::new(env!("CARGO_BIN_EXE_accounts-api"))
        .env_clear()
        .envs([
            ("APP_ENV", "production"),
            ("DATABASE_URL", migrated.database_url.as_str()),
            ("METRICS_ADDR", "off"),
            (
                "JWT_PRIVATE_KEY_PATH",
                &KEYS.private_key_path.display().to_string(),
            ),
            (
                "JWT_PUBLIC_KEY_PATH",
                &KEYS.public_key_path.display().to_string(),
            ),
        ])
        .output()
        .expect("run the server");
    let text = String::from_utf8_lossy(&output.stdout) + String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "it started:\n{text}");
    assert!(text.contains("MFA_ENCRYPTION_KEY must be set"), "{text}");
    let malformed = Command::new(env!("CARGO_BIN_EXE_accounts-api"))
        .env_clear()
        .envs([
            ("MFA_ENCRYPTION_KEY", "k1:c2VjcmV0LXRvby1zaG9ydA=="),
            ("METRICS_ADDR", "off"),
        ])
        .output()
        .expect("run the server");
    let text = String::from_utf8_lossy(&malformed.stderr);
    assert!(!malformed.status.success());
    assert!(
        text.contains("MFA_ENCRYPTION_KEY") && text.contains("32 bytes"),
        "{text}"
    );
    assert!(
        !text.contains("c2VjcmV0"),
        "the key is never echoed: {text}"
    );
}

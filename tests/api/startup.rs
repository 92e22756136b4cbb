//! `Application::build`: what start-up does about missing JWT key files.

use std::time::{Duration, Instant};

use accounts_api::{
    app::Application,
    config::{AppEnv, HasherKind},
    infra::clock::{Clock, ManualClock},
};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde_json::Value;
use tempfile::TempDir;

use crate::helpers::{
    Backend, KEYS, PASSWORD, expect_json, spawn_app, spawn_app_with, test_settings,
};

#[tokio::test]
async fn production_refuses_to_start_without_key_files() {
    // A migrated database, so that only the keys can be missing.
    let migrated = spawn_app(Backend::Sqlite).await;
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("missing.pem");
    let cases = [
        (missing.clone(), KEYS.public_key_path.clone()),
        (KEYS.private_key_path.clone(), missing.clone()),
    ];

    for (private_key_path, public_key_path) in cases {
        let mut settings = test_settings(&migrated.database_url);
        settings.app.env = AppEnv::Production;
        settings.password_hasher = HasherKind::Bcrypt;
        settings.jwt.private_key_path = private_key_path;
        settings.jwt.public_key_path = public_key_path;
        settings.mfa.encryption_key = Some(accounts_api::infra::security::SealingKeys::throwaway());

        let Err(err) = Application::build(settings).await else {
            panic!("production started without {}", missing.display());
        };
        let message = err.to_string();
        assert!(
            message.contains(&missing.display().to_string()),
            "the error does not name the missing file: {message}"
        );
    }
}

#[tokio::test]
async fn production_refuses_the_test_seams() {
    let migrated = spawn_app(Backend::Sqlite).await;
    let production = || {
        let mut settings = test_settings(&migrated.database_url);
        settings.app.env = AppEnv::Production;
        settings.password_hasher = HasherKind::Bcrypt;
        settings
    };
    let mut fast = production();
    fast.password_hasher = HasherKind::Fast;
    let mut manual = production();
    manual.clock = Clock::Manual(ManualClock::default());
    for (settings, seam) in [(fast, "fast password hasher"), (manual, "manual clock")] {
        let Err(err) = Application::build(settings).await else {
            panic!("production started with the {seam}");
        };
        assert!(err.to_string().contains(seam), "{err}");
    }
}

#[tokio::test]
async fn development_without_key_files_uses_throwaway_keys() {
    let dir = TempDir::new().unwrap();
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.app.env = AppEnv::Development;
        s.jwt.private_key_path = dir.path().join("private.pem");
        s.jwt.public_key_path = dir.path().join("public.pem");
    })
    .await;

    let (user, token) = app.alice().await;

    let me = expect_json(app.get_me(&token).await, 200).await;
    assert_eq!(me["id"], user["id"]);
    // Signed by a key of its own, not the test key pair.
    let key = DecodingKey::from_rsa_pem(KEYS.public_pem.as_bytes()).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_aud = false;
    assert!(
        decode::<Value>(&token, &key, &validation).is_err(),
        "the token verifies with the test key"
    );
}

#[tokio::test]
async fn shutdown_lets_in_flight_requests_finish_then_stops_listening() {
    let migrated = spawn_app(Backend::Sqlite).await;
    let mut settings = test_settings(&migrated.database_url);
    // ~0.5 s per bcrypt check: the login is still running when the signal comes.
    settings.password_hasher = HasherKind::Bcrypt;
    settings.server.password_hash_cost = 13;
    // The hash runs in the idle scheduling class: on a saturated machine it can take far
    // longer than the default 30 s grace, which this test is not about.
    settings.server.shutdown_timeout = Duration::from_secs(600);
    // The limiter in Redis shows when the login has reached the server: its guard charges
    // the client IP there, a second hit after the registration's.
    let prefix = format!("test-{}:", uuid::Uuid::now_v7().simple());
    settings.redis.url = Some(REDIS.to_owned().into());
    settings.redis.key_prefix = prefix.clone();
    let app = Application::build(settings).await.expect("the app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        stopped.await.ok();
    }));
    let client = reqwest::Client::new();
    let registered = client
        .post(format!("{address}/api/v1/users"))
        .json(&serde_json::json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    expect_json(registered, 201).await;

    let started = Instant::now();
    let in_flight = tokio::spawn({
        let (client, address) = (client.clone(), address.clone());
        async move {
            let form = [("username", "alice"), ("password", PASSWORD)];
            let resp = client
                .post(format!("{address}/api/v1/token/access"))
                .form(&form)
                .send()
                .await;
            (resp, started.elapsed())
        }
    });
    wait_for_ip_hits(&format!("{prefix}rl:ip:127.0.0.1"), 2).await;
    stop.send(()).unwrap();
    let signalled_at = started.elapsed();

    let (resp, answered_at) = in_flight.await.unwrap();
    expect_json(resp.expect("the in-flight request was answered"), 200).await;
    assert!(
        answered_at > signalled_at,
        "the request was still in flight when the signal came"
    );
    server.await.unwrap().expect("the server stopped cleanly");
    let after = client.get(format!("{address}/api/v1/health")).send().await;
    assert!(after.is_err(), "no longer listening");
}

const REDIS: &str = "redis://127.0.0.1:6379";

/// Waits until the rate limiter has logged `hits` hits under `key` in Redis.
async fn wait_for_ip_hits(key: &str, hits: u64) {
    use deadpool_redis::redis::AsyncCommands;
    let client = deadpool_redis::redis::Client::open(REDIS).expect("a Redis URL");
    let mut redis = client
        .get_multiplexed_async_connection()
        .await
        .unwrap_or_else(|e| panic!("Redis is required at {REDIS}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let logged: u64 = redis.zcard(key).await.expect("ZCARD");
        if logged >= hits {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the login never reached the server"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

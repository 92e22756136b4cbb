//! TOTP secrets at rest: sealed with `MFA_ENCRYPTION_KEY`, unreadable without it; a new key
//! put first seals from then on, the old one still opens, and `manage mfa reseal` moves every
//! secret to the new key so the old one can be retired.

use std::process::Command;

use accounts_api::infra::db::entities::totp_credential;
use sea_orm::{EntityTrait, QueryOrder};

use super::code_at;
use crate::helpers::{Backend, TestApp, expect_json, spawn_app_with};

const KEY_A: &str = "a:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
const KEY_B: &str = "b:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";

both_backends!(a_second_key_is_added_and_the_first_retired);

fn keys(value: &str) -> Option<accounts_api::infra::security::SealingKeys> {
    Some(value.parse().expect("valid keys"))
}

/// The key id of each account's TOTP row, by user id.
async fn key_ids(app: &TestApp) -> Vec<String> {
    let db = app.db().await;
    let rows = totp_credential::Entity::find()
        .order_by_asc(totp_credential::Column::CreatedAt)
        .all(&db)
        .await
        .unwrap();
    db.close().await.ok();
    rows.into_iter().map(|row| row.key_id).collect()
}

fn reseal(app: &TestApp, key: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_manage"))
        .args(["mfa", "reseal"])
        .env("DATABASE_URL", &app.database_url)
        .env("APP_ENV", "test")
        .env("MFA_ENCRYPTION_KEY", key)
        .output()
        .expect("run manage")
}

async fn a_second_key_is_added_and_the_first_retired(backend: Backend) {
    let first = spawn_app_with(backend, |s| s.mfa.encryption_key = keys(KEY_A)).await;
    let (_, alice) = first.alice().await;
    let alice_secret = first.enrol(&alice).await.secret;
    let (_, bob) = first.register_and_login("bob", "bob@example.com").await;
    first.clock.advance(std::time::Duration::from_secs(1));
    let bob_secret = first.enrol(&bob).await.secret;
    assert_eq!(key_ids(&first).await, ["a", "a"]);

    // B first, A kept: a login opens A's secret and seals it again with B.
    let rotated = first
        .second_instance_with(|s| s.mfa.encryption_key = keys(&format!("{KEY_B},{KEY_A}")))
        .await;
    rotated.clock.advance(std::time::Duration::from_secs(30));
    rotated.login_two_steps("alice", &alice_secret).await;
    assert_eq!(key_ids(&rotated).await, ["b", "a"]);

    // The operator reseals the rest; then A can go.
    let output = reseal(&rotated, &format!("{KEY_B},{KEY_A}"));
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        said.contains("sealed 1 TOTP secret(s) again with key b"),
        "{said}"
    );
    assert_eq!(key_ids(&rotated).await, ["b", "b"]);
    drop(rotated);

    let retired = first
        .second_instance_with(|s| s.mfa.encryption_key = keys(KEY_B))
        .await;
    retired.clock.advance(std::time::Duration::from_secs(30));
    retired.login_two_steps("bob", &bob_secret).await;
    let challenge = retired.first_step("alice").await;
    let code = code_at(&alice_secret, retired.clock.now());
    let token = challenge["mfa_token"].as_str().unwrap();
    expect_json(retired.second_step(token, "otp", &code).await, 200).await;

    // Without the key the secrets do not open: reseal names them and fails.
    let output = reseal(&retired, KEY_A);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("2 sealed with a key MFA_ENCRYPTION_KEY no longer lists"),
        "{stderr}"
    );
}

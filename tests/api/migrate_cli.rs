//! `cargo run --bin migrate`: the operators' migration CLI, run as a real process.

use std::process::{Command, Output};

use tempfile::TempDir;

fn migrate(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migrate"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("APP_ENV", "test")
        .output()
        .expect("run the migrate binary")
}

fn stdout_and_stderr(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn up_status_down_round_trip_on_sqlite() {
    let dir = TempDir::new().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("nested/app.db").display()
    );

    let status = migrate(&url, &["status"]);
    assert!(status.status.success(), "{}", stdout_and_stderr(&status));
    assert!(
        stdout_and_stderr(&status).contains("Pending"),
        "{}",
        stdout_and_stderr(&status)
    );

    let up = migrate(&url, &["up"]);
    assert!(up.status.success(), "{}", stdout_and_stderr(&up));
    assert!(
        stdout_and_stderr(&up).contains("create_users"),
        "{}",
        stdout_and_stderr(&up)
    );
    let status = migrate(&url, &["status"]);
    assert!(
        stdout_and_stderr(&status).contains("Applied"),
        "{}",
        stdout_and_stderr(&status)
    );

    let down = migrate(&url, &["down"]);
    assert!(down.status.success(), "{}", stdout_and_stderr(&down));
    let status = migrate(&url, &["status"]);
    assert!(
        stdout_and_stderr(&status).contains("Pending"),
        "{}",
        stdout_and_stderr(&status)
    );

    let fresh = migrate(&url, &["fresh"]);
    assert!(fresh.status.success(), "{}", stdout_and_stderr(&fresh));
}

#[test]
fn an_unreachable_database_is_a_clear_error() {
    let output = migrate(
        "postgres://postgres:s3cret@127.0.0.1:1/nowhere",
        &["status"],
    );
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("cannot connect to the database"),
        "{message}"
    );
    assert!(
        !message.contains("s3cret"),
        "the password leaked: {message}"
    );
}

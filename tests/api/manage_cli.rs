//! `cargo run --bin manage`: the operators' management CLI, run as a real process.

use std::process::{Command, Output};

use sea_orm::{ConnectionTrait, Database, Statement};
use tempfile::TempDir;
use uuid::Uuid;

fn manage(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_manage"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("APP_ENV", "test")
        .output()
        .expect("run the manage binary")
}

fn stdout_and_stderr(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs `args`, expects success, and returns what it printed.
fn manage_ok(database_url: &str, args: &[&str]) -> String {
    let output = manage(database_url, args);
    let printed = stdout_and_stderr(&output);
    assert!(output.status.success(), "{args:?} failed: {printed}");
    printed
}

async fn pg_database_exists(name: &str) -> bool {
    let conn = Database::connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .expect("PostgreSQL is required at 127.0.0.1:5432 (user postgres, trust auth)");
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            conn.get_database_backend(),
            "SELECT 1 FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await
        .expect("query pg_database");
    conn.close().await.ok();
    row.is_some()
}

#[tokio::test]
async fn create_and_drop_on_postgres_are_idempotent() {
    let name = format!("manage_{}", Uuid::now_v7().simple());
    let url = format!("postgres://postgres@127.0.0.1:5432/{name}");

    let created = manage_ok(&url, &["db", "create"]);
    assert!(created.contains("created"), "{created}");
    assert!(pg_database_exists(&name).await);

    let again = manage_ok(&url, &["db", "create"]);
    assert!(again.contains("already exists"), "{again}");
    assert!(pg_database_exists(&name).await);

    let dropped = manage_ok(&url, &["db", "drop"]);
    assert!(dropped.contains("dropped"), "{dropped}");
    assert!(!pg_database_exists(&name).await);

    let again = manage_ok(&url, &["db", "drop"]);
    assert!(again.contains("does not exist"), "{again}");
}

#[test]
fn create_and_drop_on_sqlite_make_and_remove_the_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("nested/app.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());

    let created = manage_ok(&url, &["db", "create"]);
    assert!(created.contains("created"), "{created}");
    assert!(path.is_file());
    let again = manage_ok(&url, &["db", "create"]);
    assert!(again.contains("already exists"), "{again}");

    // A database the server has used leaves its write-ahead log beside it.
    let wal = dir.path().join("nested/app.db-wal");
    std::fs::write(&wal, b"").unwrap();
    let dropped = manage_ok(&url, &["db", "drop"]);
    assert!(dropped.contains("dropped"), "{dropped}");
    assert!(!path.exists() && !wal.exists());
    let again = manage_ok(&url, &["db", "drop"]);
    assert!(again.contains("does not exist"), "{again}");
}

#[test]
fn an_unreachable_database_is_a_clear_error() {
    for command in ["create", "drop"] {
        let output = manage(
            "postgres://postgres:s3cret@127.0.0.1:1/nowhere",
            &["db", command],
        );
        assert_eq!(output.status.code(), Some(1));
        let message = String::from_utf8_lossy(&output.stderr);
        assert!(
            message.starts_with(&format!(
                "error: cannot {command} the database at postgres://postgres:***@127.0.0.1:1/nowhere: "
            )),
            "{message}"
        );
        assert_eq!(message.trim_end().lines().count(), 1, "{message}");
        assert!(
            !message.contains("s3cret"),
            "the password leaked: {message}"
        );
    }
}

#[test]
fn help_describes_every_command() {
    let url = "sqlite::memory:";
    let top = manage_ok(url, &["--help"]);
    assert!(top.contains("db") && top.contains("Exit status"), "{top}");
    let db = manage_ok(url, &["db", "--help"]);
    assert!(db.contains("create") && db.contains("drop"), "{db}");
    let create = manage_ok(url, &["db", "create", "--help"]);
    assert!(create.contains("already exists"), "{create}");
    let drop = manage_ok(url, &["db", "drop", "--help"]);
    assert!(drop.contains("does not exist"), "{drop}");

    let missing = manage(url, &["db"]);
    assert_eq!(missing.status.code(), Some(2));
}

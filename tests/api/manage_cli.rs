//! `cargo run --bin manage`: the operators' management CLI, run as a real process.

use std::process::{Command, Output};

use accounts_api::infra::db::entities::user_permission;
use sea_orm::{ConnectionTrait, Database, EntityTrait, Statement};
use tempfile::TempDir;
use uuid::Uuid;

use crate::helpers::{Backend, PASSWORD, TestApp, spawn_app};

pub fn manage(database_url: &str, args: &[&str]) -> Output {
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
pub fn manage_ok(database_url: &str, args: &[&str]) -> String {
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

both_backends!(
    grant_list_and_revoke_a_permission,
    unknown_logins_and_permissions_are_clear_errors,
    list_filters_by_a_prefix,
);

/// Registers `username` on the app's database and returns its id.
pub async fn account(app: &TestApp, username: &str, email: &str) -> String {
    let resp = app.register(username, email, PASSWORD).await;
    assert_eq!(resp.status().as_u16(), 201, "register {username}");
    let body: serde_json::Value = resp.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

/// The `users list` line of the account `id`, split at its tabs.
fn listed(printed: &str, id: &str) -> Vec<String> {
    let line = printed
        .lines()
        .find(|line| line.starts_with(id))
        .unwrap_or_else(|| panic!("{id} is not listed: {printed}"));
    line.split('\t').map(str::to_owned).collect()
}

async fn grant_list_and_revoke_a_permission(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = &app.database_url;
    let alice = account(&app, "Alice", "alice@example.com").await;
    let bob = account(&app, "bob", "bob@example.com").await;

    // A new account has none.
    let printed = manage_ok(url, &["users", "list"]);
    assert_eq!(
        listed(&printed, &alice),
        [&alice, "Alice", "alice@example.com", "-"]
    );
    assert_eq!(printed.lines().count(), 2, "{printed}");
    let position = |id: &str| printed.lines().position(|l| l.starts_with(id));
    assert!(position(&alice) < position(&bob), "by creation: {printed}");

    // By username in any case, or by e-mail.
    let granted = manage_ok(url, &["users", "grant", "ALICE", "users:write"]);
    assert_eq!(granted.trim(), "granted users:write to Alice");
    let granted = manage_ok(url, &["users", "grant", "Alice@Example.com", "users:read"]);
    assert_eq!(granted.trim(), "granted users:read to Alice");
    let again = manage_ok(url, &["users", "grant", "alice", "users:write"]);
    assert_eq!(again.trim(), "Alice already has users:write; nothing to do");

    let printed = manage_ok(url, &["users", "list"]);
    assert_eq!(listed(&printed, &alice)[3], "users:read,users:write");
    assert_eq!(listed(&printed, &bob)[3], "-");

    let revoked = manage_ok(url, &["users", "revoke", "alice", "users:read"]);
    assert_eq!(revoked.trim(), "revoked users:read from Alice");
    let again = manage_ok(url, &["users", "revoke", "alice", "users:read"]);
    assert_eq!(
        again.trim(),
        "Alice does not have users:read; nothing to do"
    );
    let printed = manage_ok(url, &["users", "list"]);
    assert_eq!(listed(&printed, &alice)[3], "users:write");

    // Deleting an account deletes its permissions.
    manage_ok(url, &["users", "grant", "bob", "audit:read"]);
    let token = app.token_for("bob", PASSWORD).await;
    assert_eq!(app.delete_me(&token, PASSWORD).await.status().as_u16(), 200);
    let printed = manage_ok(url, &["users", "list"]);
    assert!(!printed.contains(&bob), "{printed}");
    let rows = user_permission::Entity::find()
        .all(&app.db().await)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].permission, "users:write");
}

/// Runs `args`, expects exit status 1, and returns its one stderr line.
pub fn manage_fails(database_url: &str, args: &[&str]) -> String {
    let output = manage(database_url, args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(output.stdout.is_empty(), "{args:?}");
    stderr.trim_end().to_owned()
}

async fn unknown_logins_and_permissions_are_clear_errors(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = &app.database_url;
    account(&app, "alice", "alice@example.com").await;

    for command in ["grant", "revoke"] {
        let message = manage_fails(url, &["users", command, "nobody", "users:read"]);
        assert_eq!(
            message,
            r#"error: no account has the username or e-mail "nobody""#
        );
        let message = manage_fails(url, &["users", command, "alice", "users:delete"]);
        assert_eq!(
            message,
            r#"error: unknown permission "users:delete"; the permissions are: users:read, users:write, sessions:revoke, audit:read, clients:write"#
        );
    }
    let printed = manage_ok(url, &["users", "list"]);
    assert!(printed.trim_end().ends_with("\t-"), "{printed}");
}

async fn list_filters_by_a_prefix(backend: Backend) {
    let app = spawn_app(backend).await;
    let url = &app.database_url;
    let alice = account(&app, "alice", "alice@example.com").await;
    let alfred = account(&app, "Alfred", "fred@example.org").await;
    let bob = account(&app, "bob", "bob_al@example.com").await;

    let ids = |printed: &str| -> Vec<String> {
        printed
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_owned())
            .collect()
    };
    // Username prefix, case-insensitive, in order of creation.
    assert_eq!(
        ids(&manage_ok(url, &["users", "list", "--q", "AL"])),
        [alice.as_str(), &alfred]
    );
    // E-mail prefix.
    assert_eq!(
        ids(&manage_ok(url, &["users", "list", "--q", "Fred@"])),
        [alfred.as_str()]
    );
    // `_` and `%` are literal, not wildcards.
    assert_eq!(
        ids(&manage_ok(url, &["users", "list", "--q", "bob_"])),
        [bob.as_str()]
    );
    assert_eq!(
        ids(&manage_ok(url, &["users", "list", "--q", "b_b"])),
        ["no accounts match"]
    );
    assert_eq!(
        ids(&manage_ok(url, &["users", "list", "--q", "%"])),
        ["no accounts match"]
    );
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

    let users = manage_ok(url, &["users", "--help"]);
    for word in ["grant", "revoke", "list", "users:read", "audit:read"] {
        assert!(users.contains(word), "{word}: {users}");
    }
    let grant = manage_ok(url, &["users", "grant", "--help"]);
    assert!(
        grant.contains("already holds") && grant.contains("sessions:revoke"),
        "{grant}"
    );
    let revoke = manage_ok(url, &["users", "revoke", "--help"]);
    assert!(revoke.contains("does not hold"), "{revoke}");
    let list = manage_ok(url, &["users", "list", "--help"]);
    assert!(list.contains("--q") && list.contains("100"), "{list}");
    let missing = manage(url, &["users", "grant", "alice"]);
    assert_eq!(missing.status.code(), Some(2));
}

//! Which unique constraint a statement violated, by name, on both databases: PostgreSQL
//! reports the name with the error; SQLite names only an expression index
//! (`UNIQUE constraint failed: index 'ux_users_username_lower'`) and gives the columns of a
//! column index instead (`UNIQUE constraint failed: users.email`).

use sea_orm::{DbErr, RuntimeErr, sqlx};

/// The named unique column indexes the migrations create, by the columns SQLite's message
/// names.
// Listed rather than queried from SQLite's schema per violation; a test keeps the list exact.
const SQLITE_COLUMN_INDEXES: &[(&str, &str)] = &[
    ("passkeys.credential_id", "ux_passkeys_credential_id"),
    (
        "sessions.browser_token_hash",
        "ux_sessions_browser_token_hash",
    ),
    ("users.email", "ux_users_email"),
];

/// The name of the unique constraint `err` violates; `None` when it is no unique violation,
/// or, on SQLite, one without a name common to both databases (a primary key, or a `UNIQUE`
/// declared with its column, which SQLite calls `sqlite_autoindex_…`).
pub(crate) fn violated_constraint(err: &DbErr) -> Option<&str> {
    let (DbErr::Exec(RuntimeErr::SqlxError(err)) | DbErr::Query(RuntimeErr::SqlxError(err))) = err
    else {
        return None;
    };
    match &**err {
        sqlx::Error::Database(err) if err.is_unique_violation() => err
            .constraint()
            .or_else(|| sqlite_constraint(err.message())),
        _ => None,
    }
}

/// The index named by SQLite's message, directly or through the columns it covers.
fn sqlite_constraint(message: &str) -> Option<&str> {
    let failed = message.strip_prefix("UNIQUE constraint failed: ")?;
    if let Some(name) = failed
        .strip_prefix("index '")
        .and_then(|rest| rest.strip_suffix('\''))
    {
        return Some(name);
    }
    SQLITE_COLUMN_INDEXES
        .iter()
        .find(|(columns, _)| *columns == failed)
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

    use super::{SQLITE_COLUMN_INDEXES, sqlite_constraint, violated_constraint};

    #[test]
    fn sqlite_messages_name_the_index() {
        let cases = [
            (
                "UNIQUE constraint failed: users.email",
                Some("ux_users_email"),
            ),
            (
                "UNIQUE constraint failed: index 'ux_users_username_lower'",
                Some("ux_users_username_lower"),
            ),
            ("UNIQUE constraint failed: users.id", None),
            ("UNIQUE constraint failed: users.email, users.id", None),
            ("UNIQUE constraint failed: index 'unterminated", None),
            ("NOT NULL constraint failed: users.email", None),
        ];
        for (message, name) in cases {
            assert_eq!(sqlite_constraint(message), name, "{message}");
        }
    }

    /// A migrated in-memory SQLite database holding `alice` (`alice@example.com`, id 1).
    async fn users_with_alice() -> DatabaseConnection {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        db.execute_unprepared(&insert(1, "alice", "alice@example.com"))
            .await
            .unwrap();
        db
    }

    fn insert(id: u8, username: &str, email: &str) -> String {
        let now = "'2026-01-01T00:00:00Z'";
        format!(
            "INSERT INTO users (id, username, email, password_hash, email_verified, created_at, \
             updated_at) VALUES ('00000000-0000-0000-0000-{id:012}', '{username}', '{email}', \
             'x', false, {now}, {now})"
        )
    }

    #[tokio::test]
    async fn what_sqlite_reports_maps_to_the_constraint() {
        let db = users_with_alice().await;
        let cases = [
            (
                insert(2, "ALICE", "other@example.com"),
                Some("ux_users_username_lower"),
            ),
            (
                insert(2, "bob", "alice@example.com"),
                Some("ux_users_email"),
            ),
            (insert(1, "carol", "carol@example.com"), None),
        ];
        for (sql, name) in cases {
            let err = db.execute_unprepared(&sql).await.unwrap_err();
            assert_eq!(violated_constraint(&err), name, "{err}");
        }
        let other = db.execute_unprepared("SELECT * FROM nowhere").await;
        assert_eq!(violated_constraint(&other.unwrap_err()), None);
    }

    #[tokio::test]
    async fn the_list_is_every_named_unique_column_index_of_the_schema() {
        let db = users_with_alice().await;
        let sql = "SELECT group_concat(t.name || '.' || c.name, ', ') AS columns, i.name AS name \
                   FROM sqlite_schema t, pragma_index_list(t.name) i, pragma_index_info(i.name) c \
                   WHERE t.type = 'table' AND i.\"unique\" AND i.origin = 'c' \
                   GROUP BY t.name, i.name HAVING count(c.name) = count(*) ORDER BY i.name";
        let rows = db
            .query_all_raw(Statement::from_string(DbBackend::Sqlite, sql))
            .await
            .unwrap();
        let indexes: Vec<(String, String)> = rows
            .iter()
            .map(|row| {
                (
                    row.try_get("", "columns").unwrap(),
                    row.try_get("", "name").unwrap(),
                )
            })
            .collect();
        let listed: Vec<_> = SQLITE_COLUMN_INDEXES
            .iter()
            .map(|&(columns, name)| (columns.to_owned(), name.to_owned()))
            .collect();
        assert_eq!(indexes, listed);
    }
}

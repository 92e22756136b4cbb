//! Creating and dropping the database a URL names: on PostgreSQL through the server's
//! `postgres` maintenance database (same host, user and password), on SQLite as the file.

use std::{fs, io, path::Path, str::FromStr};

use sea_orm::sqlx::{
    self, AssertSqlSafe, ConnectOptions, Connection,
    postgres::{PgConnectOptions, PgConnection},
};

use super::sqlite_path;

/// What a create or drop found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    AlreadyExists,
    Dropped,
    DidNotExist,
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("the URL names no database")]
    NoDatabaseName,
    #[error("an in-memory SQLite database has no file to create or drop")]
    InMemory,
    #[error("unsupported URL scheme (expected postgres://, postgresql:// or sqlite:)")]
    UnsupportedScheme,
    #[error(transparent)]
    Postgres(#[from] sqlx::Error),
    #[error("{path}: {source}")]
    File { path: String, source: io::Error },
}

/// PostgreSQL `42P04 duplicate_database` and `3D000 invalid_catalog_name`.
const DUPLICATE_DATABASE: &str = "42P04";
const UNDEFINED_DATABASE: &str = "3D000";

/// Creates the database `url` names; an existing one is left as it is.
pub async fn create_database(url: &str) -> Result<Outcome, AdminError> {
    match backend(url)? {
        Backend::Sqlite(path) => create_file(Path::new(path)),
        Backend::Postgres(options) => {
            let sql = format!("CREATE DATABASE {}", quoted_name(&options)?);
            Ok(
                match on_maintenance_db(&options, sql, DUPLICATE_DATABASE).await? {
                    true => Outcome::Created,
                    false => Outcome::AlreadyExists,
                },
            )
        }
    }
}

/// Drops the database `url` names (for SQLite, the file and its `-wal` and `-shm`); a
/// missing one is left missing.
pub async fn drop_database(url: &str) -> Result<Outcome, AdminError> {
    match backend(url)? {
        Backend::Sqlite(path) => remove_files(path),
        Backend::Postgres(options) => {
            let sql = format!("DROP DATABASE {}", quoted_name(&options)?);
            Ok(
                match on_maintenance_db(&options, sql, UNDEFINED_DATABASE).await? {
                    true => Outcome::Dropped,
                    false => Outcome::DidNotExist,
                },
            )
        }
    }
}

enum Backend<'a> {
    Sqlite(&'a str),
    Postgres(Box<PgConnectOptions>),
}

fn backend(url: &str) -> Result<Backend<'_>, AdminError> {
    if url.starts_with("sqlite:") {
        sqlite_path(url)
            .map(Backend::Sqlite)
            .ok_or(AdminError::InMemory)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres(Box::new(PgConnectOptions::from_str(
            url,
        )?)))
    } else {
        Err(AdminError::UnsupportedScheme)
    }
}

/// The database name as a quoted identifier, safe to splice into DDL.
fn quoted_name(options: &PgConnectOptions) -> Result<String, AdminError> {
    let name = options
        .get_database()
        .filter(|name| !name.is_empty())
        .ok_or(AdminError::NoDatabaseName)?;
    Ok(format!("\"{}\"", name.replace('"', "\"\"")))
}

/// Runs `sql` on the `postgres` database of the same server; `Ok(false)` when it fails
/// with the SQLSTATE `tolerated` (the database already is as asked).
async fn on_maintenance_db(
    options: &PgConnectOptions,
    sql: String,
    tolerated: &str,
) -> Result<bool, AdminError> {
    let maintenance = options
        .clone()
        .database("postgres")
        .disable_statement_logging();
    let mut conn = PgConnection::connect_with(&maintenance).await?;
    // Safe: the only variable part is the name, quoted by `quoted_name`.
    let result = sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await;
    conn.close().await.ok();
    match result {
        Ok(_) => Ok(true),
        Err(err)
            if err
                .as_database_error()
                .and_then(|e| e.code())
                .is_some_and(|code| code == tolerated) =>
        {
            Ok(false)
        }
        Err(err) => Err(err.into()),
    }
}

fn create_file(path: &Path) -> Result<Outcome, AdminError> {
    let file_error = |source| AdminError::File {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(file_error)?;
    }
    match fs::File::create_new(path) {
        Ok(_) => Ok(Outcome::Created),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(Outcome::AlreadyExists),
        Err(err) => Err(file_error(err)),
    }
}

fn remove_files(path: &str) -> Result<Outcome, AdminError> {
    let remove = |path: String| match fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(AdminError::File { path, source }),
    };
    let removed = remove(path.to_owned())?;
    remove(format!("{path}-wal"))?;
    remove(format!("{path}-shm"))?;
    Ok(if removed {
        Outcome::Dropped
    } else {
        Outcome::DidNotExist
    })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sea_orm::sqlx::postgres::PgConnectOptions;

    use super::quoted_name;

    #[test]
    fn quotes_database_names() {
        let name = |url| quoted_name(&PgConnectOptions::from_str(url).unwrap()).ok();
        assert_eq!(name("postgres://u@h/app").as_deref(), Some(r#""app""#));
        assert_eq!(name("postgres://u@h/a%22b").as_deref(), Some(r#""a""b""#));
        assert_eq!(name("postgres://u@h"), None);
    }
}

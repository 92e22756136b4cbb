//! Serializes schema migrations across processes started together: on PostgreSQL, a
//! session-level advisory lock held on a connection of its own while one process migrates;
//! the others wait for it, then find nothing left to apply. SQLite serializes its writers
//! itself.

use sea_orm::{
    DbErr, RuntimeErr,
    sqlx::{self, Connection, postgres::PgConnection},
};

/// The advisory lock's key: "accounts" in ASCII.
const MIGRATION_LOCK_KEY: i64 = 0x6163_636f_756e_7473;

/// Held while migrating; `release` gives it back (so does the connection's end).
pub struct MigrationLock(Option<PgConnection>);

/// Waits for the migration lock of the database `url` names.
pub async fn lock_migrations(url: &str) -> Result<MigrationLock, DbErr> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Ok(MigrationLock(None));
    }
    let mut connection = PgConnection::connect(url).await.map_err(conn_err)?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(MIGRATION_LOCK_KEY)
        .execute(&mut connection)
        .await
        .map_err(conn_err)?;
    Ok(MigrationLock(Some(connection)))
}

impl MigrationLock {
    /// Closes the lock's connection, which ends the lock.
    pub async fn release(self) {
        if let Some(connection) = self.0 {
            connection.close().await.ok();
        }
    }
}

fn conn_err(err: sqlx::Error) -> DbErr {
    DbErr::Conn(RuntimeErr::SqlxError(err.into()))
}

//! The database connection (PostgreSQL or SQLite, chosen by URL) and its entities.

mod admin;
pub mod entities;
mod kept;
mod migration_lock;
mod settings;
mod unique;

use std::{path::Path, time::Duration};

pub use admin::{AdminError, Outcome, create_database, drop_database};
pub use kept::SingleStatementDb;
pub use migration_lock::{MigrationLock, lock_migrations};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseConnectionType, DatabaseTransaction,
    DbErr, RuntimeErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
    sqlx::{
        self, Connection,
        sqlite::{SqliteJournalMode, SqliteSynchronous},
    },
};
pub use settings::{DEFAULT_DATABASE_URL, DatabaseSettings};
pub(crate) use unique::violated_constraint;

/// The longest a background task's database step (a statement, or a step of a short
/// transaction) may go unanswered before it is abandoned as a failed connection and retried:
/// a stalled connection or a partitioned server answers nothing, and sqlx has no timeout of
/// its own once a statement is sent. Requests are bounded by `REQUEST_TIMEOUT_MS` instead.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest the test of a connection given back to the pool may take. sqlx pings every
/// connection given back, without a timeout: one that stalled would hold its place in the
/// pool for as long as the socket stays open (for good, behind a peer that hung). Past this,
/// the connection is closed instead.
pub const RELEASE_PING_TIMEOUT: Duration = Duration::from_secs(5);
/// A connection idle this long is pinged before use (as sqlx's pool would, but bounded).
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);
/// The longest that ping may take: past it, the connection (stalled while it sat in the
/// pool) is closed and the checkout takes another, within the acquire timeout, instead of
/// spending all of it on one dead connection.
pub const IDLE_PING_TIMEOUT: Duration = Duration::from_secs(1);
/// PostgreSQL ends a session left idle inside a transaction this long
/// (`idle_in_transaction_session_timeout`): a client that vanished mid-transaction (a
/// stalled or partitioned connection it gave up on) would otherwise hold its row locks until
/// the server's TCP keepalive noticed, hours later, and the relay's `SKIP LOCKED` would skip
/// those events until then. Every transaction here is a few statements long.
pub const IDLE_IN_TRANSACTION_TIMEOUT: Duration = Duration::from_secs(10);

/// `step` within [`STATEMENT_TIMEOUT`]; past it, a connection error (the database is
/// unavailable), and the step's connection is dropped.
pub async fn bounded<T>(step: impl Future<Output = Result<T, DbErr>>) -> Result<T, DbErr> {
    tokio::time::timeout(STATEMENT_TIMEOUT, step)
        .await
        .unwrap_or_else(|_| {
            Err(DbErr::Conn(RuntimeErr::Internal(format!(
                "no answer from the database within {} ms",
                STATEMENT_TIMEOUT.as_millis()
            ))))
        })
}

/// Opens a pool for `url`; for SQLite, creates the file's folder and turns on WAL and a
/// busy timeout so concurrent writers wait for each other instead of failing.
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_path(url) {
        if let Some(dir) = Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
        }
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(max_connections)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        .map_sqlx_postgres_opts(|opts| {
            let idle = IDLE_IN_TRANSACTION_TIMEOUT.as_millis();
            opts.options([("idle_in_transaction_session_timeout", idle)])
        })
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(5))
                .foreign_keys(true)
        });
    // A ping on every checkout would double each request's round trips; only a connection
    // idle long enough to have been dropped by the server or a proxy is tested.
    if url.starts_with("sqlite:") {
        options.test_before_acquire_if_idle_for(IDLE_BEFORE_PING);
    } else {
        options
            .test_before_acquire(false)
            .map_sqlx_postgres_before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for < IDLE_BEFORE_PING {
                        return Ok(true);
                    }
                    bounded_ping(conn, IDLE_PING_TIMEOUT).await.map(|()| true)
                })
            })
            .map_sqlx_postgres_pool_opts(|opts| {
                opts.after_release(|conn, _| {
                    Box::pin(async move {
                        bounded_ping(conn, RELEASE_PING_TIMEOUT)
                            .await
                            .map(|()| true)
                    })
                })
            });
    }
    Database::connect(options).await
}

/// A ping answered within `timeout`; an error otherwise, which makes the pool close the
/// connection without a goodbye (that could stall too).
async fn bounded_ping(conn: &mut sqlx::PgConnection, timeout: Duration) -> Result<(), sqlx::Error> {
    tokio::time::timeout(timeout, conn.ping())
        .await
        .unwrap_or(Err(sqlx::Error::PoolTimedOut))
}

/// The pool's open connections and how many of them are idle.
pub(crate) fn pool_usage(db: &DatabaseConnection) -> (u32, usize) {
    match &db.inner {
        DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    }
}

/// Begins a transaction that will write. On SQLite it takes the write lock at `BEGIN`
/// (IMMEDIATE): a deferred transaction that reads first cannot upgrade to a writer once
/// another connection has committed (WAL `SQLITE_BUSY_SNAPSHOT`, which no busy timeout
/// waits out), so it would fail instead of queueing. PostgreSQL: a plain `BEGIN`.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// The file path of an SQLite URL (`sqlite://data/app.db?mode=rwc` -> `data/app.db`).
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// The URL with any password replaced, fit for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// True when `err` means the database could not be reached or is too busy right now: no
/// connection to be had, or one that broke under a statement (a busy connection is not
/// pinged before use, so a server that went away shows up here first).
pub(crate) fn is_unavailable(err: &DbErr) -> bool {
    let broken = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Query(RuntimeErr::SqlxError(err)) | DbErr::Exec(RuntimeErr::SqlxError(err)) => {
            lost_connection(err)
        }
        _ => false,
    };
    broken || err.to_string().contains("database is locked")
}

/// The connection failed, or the server is ending it: SQLSTATE classes 08 (connection
/// exception) and 57 (operator intervention, such as a shutdown or a dropped database).
fn lost_connection(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(err) => err
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{redact_url, sqlite_path};

    #[test]
    fn finds_sqlite_paths() {
        assert_eq!(
            sqlite_path("sqlite://data/app.db?mode=rwc"),
            Some("data/app.db")
        );
        assert_eq!(sqlite_path("sqlite:/tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://localhost/db"), None);
    }

    #[test]
    fn hides_passwords() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }
}

//! PostgreSQL connections kept between requests for the hot path's single statements (the
//! bearer check's, a refresh's). sqlx pings every
//! connection given back to its pool (a second round trip and a task per request, on both
//! ends); these stay checked out of sqlx's pool in a small deadpool of their own and pass
//! from request to request with no ping. The main pool's rules still hold: a connection idle
//! for a second is pinged before use, one idle for half a minute goes back to sqlx, one past
//! ten minutes goes back so that sqlx's lifetime applies, and one whose statement failed or
//! was cancelled goes back instead of to the next request (sqlx tests it, and flushes what
//! was left, or closes it).

use std::{sync::Arc, time::Duration};

use deadpool::managed::{
    self, Metrics, Object, PoolError, QueueMode, RecycleError, RecycleResult, Timeouts, WeakPool,
};
use sea_orm::{
    ConnAcquireErr, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, QueryResult, RuntimeErr,
    Statement, Values,
    sqlx::{self, Connection, PgConnection, PgPool, Postgres, pool::PoolConnection},
};
use sea_query_sqlx::SqlxValues;

/// Idle this long, a kept connection is pinged before use (as the main pool's are).
const IDLE: Duration = Duration::from_secs(1);
/// Connections of the main pool never kept, for every other statement.
const LEFT_TO_THE_POOL: u32 = 2;
/// Idle this long, a kept connection goes back to sqlx. Not sooner: giving back and taking
/// again under a varying load put the reads in the queue for the main pool (p99 stalls of
/// 75-325 ms during a login storm when this was a second).
const GIVE_BACK: Duration = Duration::from_secs(30);
/// Older than this, a kept connection goes back to sqlx, which closes it past its own
/// lifetime (30 minutes) or lends it again.
const MAX_KEPT: Duration = Duration::from_secs(600);
/// Waiting for a kept connection, or for sqlx to lend one, as the pool's `acquire_timeout`.
const WAIT: Duration = Duration::from_secs(5);

/// Where the hot path's single statements run (the bearer check, a refresh): kept
/// connections on PostgreSQL when the pool is large enough to lend some; otherwise the pool
/// (SQLite has no round trip).
#[derive(Clone)]
pub enum SingleStatementDb {
    Pool(DatabaseConnection),
    Kept(Arc<KeptConnections>),
}

impl SingleStatementDb {
    /// For `db`, a pool of `max_connections`: up to all but two of them may be kept.
    pub fn new(db: &DatabaseConnection, max_connections: u32) -> Self {
        let keep = max_connections.saturating_sub(LEFT_TO_THE_POOL) as usize;
        match db.get_database_backend() {
            DbBackend::Postgres if keep > 0 => Self::Kept(Arc::new(KeptConnections::new(
                db.get_postgres_connection_pool().clone(),
                keep,
            ))),
            _ => Self::Pool(db.clone()),
        }
    }

    pub(crate) fn backend(&self) -> DbBackend {
        match self {
            Self::Pool(db) => db.get_database_backend(),
            Self::Kept(_) => DbBackend::Postgres,
        }
    }

    /// Runs `statement` and returns its rows.
    pub(crate) async fn query_all(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Self::Pool(db) => Box::pin(db.query_all_raw(statement)).await, // as in `Kept`
            Self::Kept(kept) => kept.query_all(statement).await,
        }
    }
}

/// Takes connections from sqlx's pool and keeps them.
struct FromSqlx(PgPool);

impl managed::Manager for FromSqlx {
    type Type = PoolConnection<Postgres>;
    type Error = sea_orm::sqlx::Error;

    async fn create(&self) -> Result<Self::Type, Self::Error> {
        self.0.acquire().await
    }

    async fn recycle(
        &self,
        conn: &mut Self::Type,
        metrics: &Metrics,
    ) -> RecycleResult<Self::Error> {
        if metrics.age() >= MAX_KEPT {
            return Err(RecycleError::message("kept long enough"));
        }
        if metrics.last_used() >= IDLE {
            // Bounded, so that a connection that stalled while kept is closed and the next
            // one tried, rather than this checkout waiting out its whole `WAIT` on it.
            tokio::time::timeout(super::IDLE_PING_TIMEOUT, conn.ping())
                .await
                .map_err(|_| RecycleError::message("no answer to the ping"))??;
        }
        Ok(())
    }
}

/// Up to `size` connections of sqlx's pool, kept for one statement at a time.
pub struct KeptConnections(managed::Pool<FromSqlx>);

impl KeptConnections {
    fn new(pool: PgPool, size: usize) -> Self {
        let pool = managed::Pool::builder(FromSqlx(pool))
            .max_size(size)
            .timeouts(Timeouts {
                wait: Some(WAIT),
                create: Some(WAIT),
                recycle: Some(WAIT),
            })
            // The most recently used first: a steady load keeps few connections warm and
            // lets the rest go back to sqlx.
            .queue_mode(QueueMode::Lifo)
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .expect("a runtime is set, so the timeouts can be");
        tokio::spawn(give_back_idle(pool.weak()));
        Self(pool)
    }

    /// Runs `statement` on a kept connection and returns its rows. The checkout and the
    /// statement are boxed: their futures are kilobytes, and every future awaiting this one
    /// (up to poem's boxes) would otherwise copy them again (BENCHMARKS.md, issue 28).
    pub(crate) async fn query_all(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let conn = Box::pin(self.0.get()).await.map_err(|e| match e {
            PoolError::Backend(e) => DbErr::Conn(RuntimeErr::SqlxError(e.into())),
            PoolError::Timeout(_) => DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            _ => DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
        })?;
        let mut checkout = Checkout(Some(conn));
        let values = SqlxValues(statement.values.unwrap_or(Values(Vec::new())));
        let sql = sqlx::AssertSqlSafe(statement.sql.as_str());
        let rows = Box::pin(sqlx::query_with(sql, values).fetch_all(checkout.connection()))
            .await
            .map_err(|e| DbErr::Query(RuntimeErr::SqlxError(e.into())))?;
        checkout.give_back();
        Ok(rows.into_iter().map(QueryResult::from).collect())
    }
}

/// A kept connection in use: given back to the kept ones only after its statement
/// succeeded; dropped otherwise (a failure, or a cancelled request), it leaves them for
/// sqlx's pool, whose ping tests it (and flushes what the cancelled statement left) or
/// closes it.
struct Checkout(Option<Object<FromSqlx>>);

impl Checkout {
    fn connection(&mut self) -> &mut PgConnection {
        self.0.as_mut().expect("held until given back")
    }

    fn give_back(mut self) {
        drop(self.0.take());
    }
}

impl Drop for Checkout {
    fn drop(&mut self) {
        if let Some(conn) = self.0.take() {
            drop(Object::take(conn));
        }
    }
}

/// Every second, gives the connections idle for [`GIVE_BACK`] back to sqlx, until the kept
/// connections are dropped: the main pool gets back what the reads no longer use.
async fn give_back_idle(kept: WeakPool<FromSqlx>) {
    let mut every = tokio::time::interval(IDLE);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let Some(pool) = kept.upgrade() else { return };
        pool.retain(|_, metrics| metrics.last_used() < GIVE_BACK);
    }
}

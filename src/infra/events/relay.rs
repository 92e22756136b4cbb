use std::time::Duration;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
    sea_query::{Expr, LockBehavior, LockType},
};
use tokio::sync::watch;

use crate::infra::{
    backoff::Backoff,
    clock::Clock,
    db::{self, entities::outbox},
    events::OutboxSettings,
    telemetry::metrics,
};

/// Published rows are kept this long (for audits and replays), then deleted.
const RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(7);
const PRUNE_EVERY: Duration = Duration::from_secs(600);
/// Ceiling of the pause after failures: it bounds how long the relay stays idle after the
/// database or the broker is back (an attempt against a broker that is down already waits out
/// the producer's 10 s message timeout, so retrying often costs little).
const MAX_PAUSE: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
#[error("cannot publish events: {0}")]
pub struct PublishError(pub String);

/// Where the relay hands events. `publish` returns once every event of the batch is
/// durably accepted (the broker acknowledged, or the e-mail was handled).
pub trait Publisher: Send + Sync + 'static {
    fn publish(
        &self,
        batch: &[outbox::Model],
    ) -> impl Future<Output = Result<(), PublishError>> + Send;

    /// Called once when the relay stops.
    fn shutdown(&self) {}
}

#[derive(Debug, thiserror::Error)]
enum RelayError {
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Publish(#[from] PublishError),
}

/// Moves outbox rows to the publisher, oldest first, and marks them published once
/// accepted. Several instances can run at once on PostgreSQL: each batch is claimed with
/// `FOR UPDATE SKIP LOCKED`. Failures back off (up to 2 s) and retry; nothing is dropped.
pub struct Relay<P> {
    db: DatabaseConnection,
    publisher: P,
    settings: OutboxSettings,
    clock: Clock,
}

impl<P: Publisher> Relay<P> {
    pub fn new(
        db: DatabaseConnection,
        publisher: P,
        settings: OutboxSettings,
        clock: Clock,
    ) -> Self {
        Self {
            db,
            publisher,
            settings,
            clock,
        }
    }

    /// Runs until `stop` turns true; the batch in hand is finished first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut backoff = Backoff::up_to(MAX_PAUSE);
        let mut pruned_at: Option<tokio::time::Instant> = None;
        while !*stop.borrow() {
            if pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
                pruned_at = Some(tokio::time::Instant::now());
                self.prune().await;
            }
            let pause = match self.relay_batch().await {
                Ok(relayed) => {
                    backoff.reset();
                    metrics::outbox_published(relayed as u64);
                    if relayed as u64 >= self.settings.batch_size {
                        continue; // more may be waiting
                    }
                    self.settings.poll_interval
                }
                Err(err) => {
                    metrics::outbox_publish_failed();
                    let pause = backoff.next_pause();
                    tracing::warn!(error = %err, retry_in = ?pause, "outbox relay failed");
                    pause
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                // A dropped sender makes `changed` ready forever: stop rather than spin.
                changed = stop.changed() => if changed.is_err() {
                    break;
                },
            }
        }
        self.publisher.shutdown();
    }

    /// Deletes rows published longer ago than the retention period.
    async fn prune(&self) {
        let cutoff = self.clock.now() - RETENTION;
        let pruned = db::bounded(
            outbox::Entity::delete_many()
                .filter(outbox::Column::PublishedAt.lt(cutoff))
                .exec(&self.db),
        )
        .await;
        if let Err(err) = pruned {
            tracing::warn!(error = %err, "cannot prune the outbox");
        }
    }

    /// Publishes one batch; returns how many events it held.
    async fn relay_batch(&self) -> Result<usize, RelayError> {
        if self.db.get_database_backend() == DatabaseBackend::Postgres {
            let txn = db::bounded(self.db.begin()).await?;
            let relayed = self.relay_on(&txn, true).await?;
            db::bounded(txn.commit()).await?;
            Ok(relayed)
        } else {
            // SQLite: one instance, and a read-then-write transaction could not upgrade its lock.
            self.relay_on(&self.db, false).await
        }
    }

    async fn relay_on(
        &self,
        conn: &impl ConnectionTrait,
        claim: bool,
    ) -> Result<usize, RelayError> {
        let mut query = outbox::Entity::find()
            .filter(outbox::Column::PublishedAt.is_null())
            .order_by_asc(outbox::Column::Seq)
            .limit(self.settings.batch_size);
        if claim {
            query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let batch = db::bounded(query.all(conn)).await?;
        if batch.is_empty() {
            return Ok(0);
        }
        self.publisher.publish(&batch).await?;
        let published = outbox::Entity::update_many()
            .col_expr(outbox::Column::PublishedAt, Expr::value(self.clock.now()))
            .filter(outbox::Column::Seq.is_in(batch.iter().map(|row| row.seq)))
            .exec(conn);
        db::bounded(published).await?;
        Ok(batch.len())
    }
}

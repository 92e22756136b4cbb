//! The notifications worker (`cargo run --bin worker`): consumes the events topic in a
//! consumer group, sends each e-mail, and commits offsets only once their messages were
//! handled: mailed, already mailed, or parked in the dead-letter topic with its reason.
//! Messages are taken in batches; a batch's messages run concurrently except that one
//! key's (one user's) messages run in order.

mod batch;
mod dead_letter;

use std::{sync::Arc, time::Duration};

use rdkafka::{
    ClientConfig, Message, TopicPartitionList,
    consumer::{CommitMode, Consumer, StreamConsumer},
    error::KafkaError,
    message::{Headers, OwnedMessage},
    producer::FutureProducer,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::{sync::Semaphore, task::JoinSet};
use tracing::Instrument;

use self::{
    batch::{by_key, next_offsets},
    dead_letter::dead_letter,
};
use super::send_email::{MailContent, SendEmail, Undeliverable, delivery_span, send_email};
use crate::{
    domain::EventEnvelope,
    infra::{
        clock::Clock,
        db::{self, entities::delivered_event},
        events::{KafkaSettings, kafka},
        mail::Mailer,
        telemetry::metrics,
    },
};

/// Messages taken per batch, at most.
const MAX_BATCH: usize = 256;
/// E-mails in flight at once.
const CONCURRENCY: usize = 16;
/// Delivered event ids are remembered this long: longer than Kafka keeps messages (7 days
/// by default), so any redelivery is still recognised.
const DELIVERED_RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(30);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// What the worker delivers with.
pub(crate) struct Worker {
    pub db: DatabaseConnection,
    pub clock: Clock,
    pub mailer: Mailer,
    pub kafka: KafkaSettings,
    pub content: MailContent,
}

/// What every delivery task shares.
struct Context {
    worker: Worker,
    dead_letters: FutureProducer,
    permits: Semaphore,
}

/// Runs until `shutdown` resolves. A batch cut short is not committed: its messages come
/// again after a restart and are recognised by their event ids.
pub(crate) async fn run(
    worker: Worker,
    shutdown: impl Future<Output = ()>,
) -> Result<(), KafkaError> {
    let kafka_settings = &worker.kafka;
    kafka::ensure_topics(kafka_settings).await?;
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &kafka_settings.brokers)
        .set("group.id", &kafka_settings.consumer_group)
        .set("enable.auto.commit", "false")
        // Offsets are committed explicitly, batch by batch, once handled; never on receipt.
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("fetch.wait.max.ms", "50")
        .set("reconnect.backoff.max.ms", kafka::RECONNECT_BACKOFF_MAX_MS)
        .set("socket.timeout.ms", kafka::SOCKET_TIMEOUT_MS)
        .create()?;
    consumer.subscribe(&[&kafka_settings.topic])?;
    tracing::info!(topic = %kafka_settings.topic, group = %kafka_settings.consumer_group, "worker started");
    let context = Arc::new(Context {
        dead_letters: kafka::producer(kafka_settings)?,
        worker,
        permits: Semaphore::new(CONCURRENCY),
    });

    tokio::pin!(shutdown);
    let mut pruned_at: Option<tokio::time::Instant> = None;
    let mut handled: Option<TopicPartitionList> = None;
    loop {
        if pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            pruned_at = Some(tokio::time::Instant::now());
            prune_delivered(&context.worker.db, &context.worker.clock).await;
        }
        let first = tokio::select! {
            _ = &mut shutdown => break,
            message = consumer.recv() => message,
        };
        let mut batch = match first {
            Ok(message) => vec![message.detach()],
            Err(err) => {
                tracing::warn!(error = %err, "cannot receive");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        while batch.len() < MAX_BATCH {
            match tokio::time::timeout(Duration::from_millis(1), consumer.recv()).await {
                Ok(Ok(message)) => batch.push(message.detach()),
                _ => break,
            }
        }
        let offsets = next_offsets(&batch)?;
        let mut deliveries = JoinSet::new();
        for messages in by_key(batch) {
            let context = context.clone();
            deliveries.spawn(async move {
                for message in messages {
                    handle(&context, message).await;
                }
            });
        }
        tokio::select! {
            _ = &mut shutdown => break,
            _ = deliveries.join_all() => {}
        }
        if let Err(err) = consumer.commit(&offsets, CommitMode::Async) {
            tracing::warn!(error = %err, "cannot commit");
        }
        handled = Some(offsets);
    }
    // Make sure the last handled batch's commit landed; a batch cut short is not committed.
    if let Some(offsets) = handled
        && let Err(err) = consumer.commit(&offsets, CommitMode::Sync)
    {
        tracing::warn!(error = %err, "cannot commit at shutdown");
    }
    tracing::info!("worker stopped");
    Ok(())
}

async fn prune_delivered(db: &DatabaseConnection, clock: &Clock) {
    let cutoff = clock.now() - DELIVERED_RETENTION;
    let pruned = db::bounded(
        delivered_event::Entity::delete_many()
            .filter(delivered_event::Column::DeliveredAt.lt(cutoff))
            .exec(db),
    )
    .await;
    if let Err(err) = pruned {
        tracing::warn!(error = %err, "cannot prune delivered event ids");
    }
}

/// Mails one message, or parks it in the dead-letter topic; its log lines name the event
/// and the request that raised it.
async fn handle(context: &Context, message: OwnedMessage) {
    let span = delivery_span(
        header(&message, "event_id").unwrap_or_default(),
        header(&message, kafka::REQUEST_ID_HEADER),
        header(&message, kafka::TRACEPARENT_HEADER),
    );
    deliver(context, &message).instrument(span).await;
}

/// A message header's value, when it is there and is text.
fn header<'a>(message: &'a OwnedMessage, key: &str) -> Option<&'a str> {
    let headers = message.headers()?;
    headers
        .iter()
        .find(|h| h.key == key)
        .and_then(|h| std::str::from_utf8(h.value?).ok())
}

async fn deliver(context: &Context, message: &OwnedMessage) {
    let _permit = context
        .permits
        .acquire()
        .await
        .expect("the semaphore is never closed");
    let worker = &context.worker;
    let outcome = match EventEnvelope::parse(message.payload().unwrap_or_default()) {
        Err(reason) => Err(Undeliverable(reason)),
        Ok(event) => {
            let command = SendEmail { event };
            send_email(
                &worker.db,
                &worker.clock,
                &worker.mailer,
                &worker.content,
                command,
            )
            .await
        }
    };
    if let Err(Undeliverable(reason)) = outcome {
        dead_letter(&context.dead_letters, &worker.kafka, message, &reason).await;
        metrics::email_dead_lettered();
    }
}

//! The notifications worker (`cargo run --bin worker`): consumes the events topic in a
//! consumer group, sends each e-mail, and commits offsets only once their messages were
//! handled: mailed, already mailed, or parked in the dead-letter topic with its reason.
//! Messages are taken in batches; a batch's messages run concurrently except that one
//! key's (one user's) messages run in order.

use std::{collections::HashMap, sync::Arc, time::Duration};

use rdkafka::{
    ClientConfig, Message, Offset, TopicPartitionList,
    consumer::{CommitMode, Consumer, StreamConsumer},
    error::KafkaError,
    message::{Header, OwnedHeaders, OwnedMessage},
    producer::{FutureProducer, FutureRecord},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::{sync::Semaphore, task::JoinSet};

use crate::{
    config::{EmailVerificationSettings, KafkaSettings, Settings},
    features::notifications::send_email::{SendEmail, Undeliverable, send_email},
    infra::{
        db::{self, entities::delivered_event},
        events::{EventEnvelope, kafka},
        mail::Mailer,
    },
};

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("KAFKA_BROKERS is not set: the worker consumes from Kafka")]
    NoKafka,
    #[error("cannot connect to the database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("Kafka: {0}")]
    Kafka(#[from] KafkaError),
}

/// Messages taken per batch, at most.
const MAX_BATCH: usize = 256;
/// E-mails in flight at once.
const CONCURRENCY: usize = 16;
/// Delivered event ids are remembered this long: longer than Kafka keeps messages (7 days
/// by default), so any redelivery is still recognised.
const DELIVERED_RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(30);
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// What every delivery task shares.
struct Context {
    db: DatabaseConnection,
    mailer: Mailer,
    dead_letters: FutureProducer,
    settings: KafkaSettings,
    verification: EmailVerificationSettings,
    permits: Semaphore,
}

/// Runs until `shutdown` resolves. A batch cut short is not committed: its messages come
/// again after a restart and are recognised by their event ids.
pub async fn run(
    settings: Settings,
    shutdown: impl Future<Output = ()>,
) -> Result<(), WorkerError> {
    let kafka_settings = settings.kafka.clone().ok_or(WorkerError::NoKafka)?;
    let db = db::connect(&settings.database_url, settings.database_max_connections).await?;
    kafka::ensure_topics(&kafka_settings).await?;
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &kafka_settings.brokers)
        .set("group.id", &kafka_settings.consumer_group)
        .set("enable.auto.commit", "false")
        // Offsets are committed explicitly, batch by batch, once handled; never on receipt.
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("fetch.wait.max.ms", "50")
        .create()?;
    consumer.subscribe(&[&kafka_settings.topic])?;
    let context = Arc::new(Context {
        db,
        mailer: Mailer::from_settings(settings.smtp.clone()),
        dead_letters: kafka::producer(&kafka_settings)?,
        settings: kafka_settings,
        verification: settings.email_verification.clone(),
        permits: Semaphore::new(CONCURRENCY),
    });
    tracing::info!(topic = %context.settings.topic, group = %context.settings.consumer_group, "worker started");

    tokio::pin!(shutdown);
    let mut pruned_at: Option<tokio::time::Instant> = None;
    let mut handled: Option<TopicPartitionList> = None;
    loop {
        if pruned_at.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            pruned_at = Some(tokio::time::Instant::now());
            prune_delivered(&context.db).await;
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

async fn prune_delivered(db: &DatabaseConnection) {
    let cutoff = chrono::Utc::now() - DELIVERED_RETENTION;
    let pruned = delivered_event::Entity::delete_many()
        .filter(delivered_event::Column::DeliveredAt.lt(cutoff))
        .exec(db)
        .await;
    if let Err(err) = pruned {
        tracing::warn!(error = %err, "cannot prune delivered event ids");
    }
}

/// Mails one message, or parks it in the dead-letter topic.
async fn handle(context: &Context, message: OwnedMessage) {
    let _permit = context
        .permits
        .acquire()
        .await
        .expect("the semaphore is never closed");
    let outcome = match EventEnvelope::parse(message.payload().unwrap_or_default()) {
        Err(reason) => Err(Undeliverable(reason)),
        Ok(event) => send_email(
            &context.db,
            &context.mailer,
            &context.verification,
            SendEmail { event },
        )
        .await
        .map(drop),
    };
    if let Err(Undeliverable(reason)) = outcome {
        dead_letter(&context.dead_letters, &context.settings, &message, &reason).await;
    }
}

/// Groups messages by key, keeping each key's order; keyless ones stand alone.
fn by_key(batch: Vec<OwnedMessage>) -> Vec<Vec<OwnedMessage>> {
    let mut groups: Vec<Vec<OwnedMessage>> = Vec::new();
    let mut index: HashMap<Vec<u8>, usize> = HashMap::new();
    for message in batch {
        match message.key().map(<[u8]>::to_vec) {
            Some(key) => match index.get(&key) {
                Some(&i) => groups[i].push(message),
                None => {
                    index.insert(key, groups.len());
                    groups.push(vec![message]);
                }
            },
            None => groups.push(vec![message]),
        }
    }
    groups
}

/// The offsets to commit once the batch is handled: one past each partition's last.
fn next_offsets(batch: &[OwnedMessage]) -> Result<TopicPartitionList, KafkaError> {
    let mut last: HashMap<(&str, i32), i64> = HashMap::new();
    for message in batch {
        let offset = last
            .entry((message.topic(), message.partition()))
            .or_insert(message.offset());
        *offset = (*offset).max(message.offset());
    }
    let mut offsets = TopicPartitionList::new();
    for ((topic, partition), offset) in last {
        offsets.add_partition_offset(topic, partition, Offset::Offset(offset + 1))?;
    }
    Ok(offsets)
}

/// Parks a message in the dead-letter topic with the reason; retries until the broker has it.
async fn dead_letter(
    producer: &FutureProducer,
    settings: &KafkaSettings,
    message: &OwnedMessage,
    reason: &str,
) {
    let topic = settings.dead_letter_topic();
    let origin = format!(
        "{}/{}/{}",
        message.topic(),
        message.partition(),
        message.offset()
    );
    tracing::error!(%origin, %reason, "message moved to the dead-letter topic");
    loop {
        let headers = OwnedHeaders::new()
            .insert(Header {
                key: "dlq_reason",
                value: Some(reason),
            })
            .insert(Header {
                key: "dlq_origin",
                value: Some(&origin),
            });
        let mut record = FutureRecord::<[u8], [u8]>::to(&topic).headers(headers);
        if let Some(key) = message.key() {
            record = record.key(key);
        }
        if let Some(payload) = message.payload() {
            record = record.payload(payload);
        }
        match producer.send(record, Duration::from_secs(10)).await {
            Ok(_) => return,
            Err((err, _)) => {
                tracing::warn!(error = %err, "cannot write to the dead-letter topic; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

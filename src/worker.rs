//! The notifications worker (`cargo run --bin worker`): consumes the events topic in a
//! consumer group, sends each e-mail, and commits a message's offset only once it was
//! handled: mailed, already mailed, or parked in the dead-letter topic with its reason.

use std::{sync::Arc, time::Duration};

use rdkafka::{
    ClientConfig, Message,
    consumer::{CommitMode, Consumer, StreamConsumer},
    error::KafkaError,
    message::{BorrowedMessage, Header, OwnedHeaders},
    producer::{FutureProducer, FutureRecord},
};

use crate::{
    config::{KafkaSettings, Settings},
    features::notifications::send_email::{SendEmail, Undeliverable, send_email},
    infra::{
        db,
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

/// Runs until `shutdown` resolves; then commits what was handled.
pub async fn run(
    settings: Settings,
    shutdown: impl Future<Output = ()>,
) -> Result<(), WorkerError> {
    let kafka_settings = settings.kafka.clone().ok_or(WorkerError::NoKafka)?;
    let db = db::connect(&settings.database_url, settings.database_max_connections).await?;
    let mailer = Arc::new(Mailer::from_settings(settings.smtp.clone()));
    kafka::ensure_topics(&kafka_settings).await?;
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", &kafka_settings.brokers)
        .set("group.id", &kafka_settings.consumer_group)
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .create()?;
    consumer.subscribe(&[&kafka_settings.topic])?;
    let dead_letters = kafka::producer(&kafka_settings)?;
    tracing::info!(topic = %kafka_settings.topic, group = %kafka_settings.consumer_group, "worker started");

    tokio::pin!(shutdown);
    loop {
        let message = tokio::select! {
            _ = &mut shutdown => break,
            message = consumer.recv() => message,
        };
        let message = match message {
            Ok(message) => message,
            Err(err) => {
                tracing::warn!(error = %err, "cannot receive");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        let outcome = match EventEnvelope::parse(message.payload().unwrap_or_default()) {
            Err(reason) => Err(Undeliverable(reason)),
            Ok(event) => tokio::select! {
                _ = &mut shutdown => break,
                outcome = send_email(&db, &mailer, SendEmail { event }) => outcome.map(drop),
            },
        };
        if let Err(Undeliverable(reason)) = outcome {
            dead_letter(&dead_letters, &kafka_settings, &message, &reason).await;
        }
        if let Err(err) = consumer.commit_message(&message, CommitMode::Async) {
            tracing::warn!(error = %err, "cannot commit");
        }
    }
    if let Err(err) = consumer.commit_consumer_state(CommitMode::Sync) {
        tracing::debug!(error = %err, "nothing to commit at shutdown");
    }
    tracing::info!("worker stopped");
    Ok(())
}

/// Parks a message in the dead-letter topic with the reason; retries until the broker has it.
async fn dead_letter(
    producer: &FutureProducer,
    settings: &KafkaSettings,
    message: &BorrowedMessage<'_>,
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

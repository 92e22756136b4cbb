//! The notifications worker process (`cargo run --bin worker`), wired from settings.

use rdkafka::error::KafkaError;
use sea_orm::DbErr;

use crate::{
    config::Settings,
    features::notifications::worker::{self, Worker},
    infra::{db, mail::Mailer},
};

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("KAFKA_BROKERS is not set: the worker consumes from Kafka")]
    NoKafka,
    #[error("cannot connect to the database: {0}")]
    Database(#[from] DbErr),
    #[error("Kafka: {0}")]
    Kafka(#[from] KafkaError),
}

/// Consumes the events topic and mails each event until `shutdown` resolves.
pub async fn run_worker(
    settings: Settings,
    shutdown: impl Future<Output = ()>,
) -> Result<(), WorkerError> {
    let kafka = settings.kafka.clone().ok_or(WorkerError::NoKafka)?;
    let db = db::connect(settings.database.url(), settings.database.max_connections).await?;
    let worker = Worker {
        db,
        clock: settings.clock.clone(),
        mailer: Mailer::from_settings(settings.smtp.clone()),
        kafka,
        tokens: super::adapters::token_settings(&settings),
    };
    Ok(worker::run(worker, shutdown).await?)
}

//! The notifications worker process (`cargo run --bin worker`), wired from settings.

use std::io;

use rdkafka::error::KafkaError;
use sea_orm::DbErr;

use crate::{
    config::{MetricsAddr, Settings},
    features::notifications::worker::{self, Worker},
    infra::{
        db,
        mail::{Mailer, TemplateError},
        telemetry::{MetricsListener, ScrapeSources, metrics},
    },
};

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("KAFKA_BROKERS is not set: the worker consumes from Kafka")]
    NoKafka,
    #[error("cannot connect to the database: {0}")]
    Database(#[from] DbErr),
    #[error("Kafka: {0}")]
    Kafka(#[from] KafkaError),
    #[error(
        "cannot listen on {addr} for metrics ({}): {source}",
        MetricsAddr::REMEDY
    )]
    Metrics { addr: String, source: io::Error },
    #[error(transparent)]
    PlaintextSmtpAuth(#[from] super::PlaintextSmtpAuth),
    #[error(transparent)]
    Templates(#[from] TemplateError),
}

/// Consumes the events topic and mails each event until `shutdown` resolves.
pub async fn run_worker(
    settings: Settings,
    shutdown: impl Future<Output = ()>,
) -> Result<(), WorkerError> {
    super::checks::smtp_auth(&settings)?;
    let kafka = settings.kafka.clone().ok_or(WorkerError::NoKafka)?;
    let content = super::adapters::mail_content(&settings)?;
    let db = db::connect(settings.database.url(), settings.database.max_connections).await?;
    let metrics = match settings.server.metrics_addr.or(MetricsAddr::WORKER_DEFAULT) {
        Some(addr) => {
            let listener = MetricsListener::bind(&addr, metrics::Role::Worker)
                .await
                .map_err(|source| WorkerError::Metrics { addr, source })?;
            let sources = ScrapeSources {
                db: db.clone(),
                outbox_clock: None,
            };
            Some(tokio::spawn(listener.serve(sources)))
        }
        None => None,
    };
    let worker = Worker {
        db,
        clock: settings.clock.clone(),
        mailer: Mailer::from_settings(settings.smtp.clone()),
        kafka,
        content,
    };
    let consumed = worker::run(worker, shutdown).await;
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    Ok(consumed?)
}

//! Kafka: the relay's publisher, topic set-up, and the client configs the worker uses.

use std::{
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use rdkafka::{
    ClientConfig,
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
    client::DefaultClientContext,
    error::{KafkaError, RDKafkaErrorCode},
    message::{Header, OwnedHeaders},
    producer::{FutureProducer, FutureRecord, Producer},
};

use super::{KafkaSettings, PublishError, Publisher};
use crate::infra::db::entities::outbox;

/// Message headers naming the request that raised the event: its `X-Request-Id`, and its
/// W3C `traceparent`.
pub const REQUEST_ID_HEADER: &str = "request_id";
pub const TRACEPARENT_HEADER: &str = "traceparent";

/// An idempotent producer (`acks=all`), one message per event, keyed by user id so one
/// user's events stay in order on one partition.
pub fn producer(settings: &KafkaSettings) -> Result<FutureProducer, KafkaError> {
    ClientConfig::new()
        .set("bootstrap.servers", &settings.brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("message.timeout.ms", "10000")
        .set("linger.ms", "5")
        .create()
}

/// Creates the topic and its dead-letter topic when missing (the broker may not
/// auto-create them); existing topics are left as they are.
pub async fn ensure_topics(settings: &KafkaSettings) -> Result<(), KafkaError> {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", &settings.brokers)
        .create()?;
    let dead_letter = settings.dead_letter_topic();
    let replication = || TopicReplication::Fixed(settings.replication_factor);
    let topics = [
        NewTopic::new(&settings.topic, settings.partitions, replication()),
        NewTopic::new(&dead_letter, 1, replication()),
    ];
    let options = AdminOptions::new()
        .operation_timeout(Some(Duration::from_secs(10)))
        .request_timeout(Some(Duration::from_secs(10)));
    for result in admin.create_topics(&topics, &options).await? {
        match result {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((topic, code)) => {
                return Err(KafkaError::AdminOp(code)).inspect_err(|_| {
                    tracing::warn!(%topic, "cannot create topic");
                });
            }
        }
    }
    Ok(())
}

pub(crate) struct KafkaPublisher {
    producer: FutureProducer,
    settings: KafkaSettings,
    topics_ready: AtomicBool,
}

impl KafkaPublisher {
    pub(crate) fn new(settings: KafkaSettings) -> Result<Self, KafkaError> {
        Ok(Self {
            producer: producer(&settings)?,
            settings,
            topics_ready: AtomicBool::new(false),
        })
    }

    /// A readiness probe on this publisher's own connection to the brokers.
    pub(crate) fn probe(&self) -> KafkaProbe {
        KafkaProbe {
            producer: self.producer.clone(),
            topic: self.settings.topic.clone(),
        }
    }
}

impl Publisher for KafkaPublisher {
    async fn publish(&self, batch: &[outbox::Model]) -> Result<(), PublishError> {
        let fail = |e: KafkaError| PublishError(e.to_string());
        if !self.topics_ready.load(Ordering::Relaxed) {
            ensure_topics(&self.settings).await.map_err(fail)?;
            self.topics_ready.store(true, Ordering::Relaxed);
        }
        let mut deliveries = Vec::with_capacity(batch.len());
        for event in batch {
            let (key, id) = (event.aggregate_id.to_string(), event.id.to_string());
            let mut headers = OwnedHeaders::new()
                .insert(Header {
                    key: "event_id",
                    value: Some(&id),
                })
                .insert(Header {
                    key: "event_type",
                    value: Some(&event.event_type),
                });
            // The request that raised the event, for the worker's log lines.
            for (key, value) in [
                (REQUEST_ID_HEADER, &event.request_id),
                (TRACEPARENT_HEADER, &event.traceparent),
            ] {
                if let Some(value) = value {
                    headers = headers.insert(Header {
                        key,
                        value: Some(value),
                    });
                }
            }
            let record = FutureRecord::to(&self.settings.topic)
                .key(&key)
                .payload(&event.payload)
                .headers(headers);
            deliveries.push(
                self.producer
                    .send_result(record)
                    .map_err(|(e, _)| fail(e))?,
            );
        }
        for delivery in deliveries {
            match delivery.await {
                Ok(Ok(_)) => {}
                Ok(Err((e, _))) => return Err(fail(e)),
                Err(_) => return Err(PublishError("the producer dropped a delivery".into())),
            }
        }
        Ok(())
    }

    fn shutdown(&self) {
        if let Err(err) = self.producer.flush(Duration::from_secs(10)) {
            tracing::warn!(error = %err, "cannot flush the Kafka producer");
        }
    }
}

/// Asks the brokers for the events topic's metadata: whether Kafka answers (readiness).
#[derive(Clone)]
pub(crate) struct KafkaProbe {
    producer: FutureProducer,
    topic: String,
}

impl KafkaProbe {
    /// `Ok` once a broker answered within `timeout`.
    pub(crate) async fn ping(&self, timeout: Duration) -> Result<(), String> {
        let probe = self.clone();
        // librdkafka's metadata call blocks its thread.
        tokio::task::spawn_blocking(move || {
            probe
                .producer
                .client()
                .fetch_metadata(Some(&probe.topic), timeout)
                .map(drop)
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())?
    }
}

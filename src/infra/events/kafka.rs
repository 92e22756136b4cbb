//! Kafka: the relay's publisher, topic set-up, and the client configs the worker uses.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use parking_lot::Mutex;

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

/// The longest pause between attempts to reach a broker that is down (librdkafka's default,
/// 10 s, would leave the relay and the worker idle for that long after the broker is back).
pub const RECONNECT_BACKOFF_MAX_MS: &str = "1000";

/// How long a request to a broker may go unanswered before its connection is closed and
/// opened again (librdkafka's `socket.timeout.ms`), which is also how long after a stalled
/// network heals the clients notice. Its default, 60 s, left the worker's consumer waiting a
/// minute on a connection that had stalled (the fault drills' stall: mail stopped for 52 s
/// after the heal; 10 s here: 10.7 s). Every request here is answered in milliseconds
/// (fetches wait `fetch.wait.max.ms`, 50 ms); a produce timed out is retried (idempotent).
pub const SOCKET_TIMEOUT_MS: &str = "5000";

/// An idempotent producer (`acks=all`), one message per event, keyed by user id so one
/// user's events stay in order on one partition.
pub fn producer(settings: &KafkaSettings) -> Result<FutureProducer, KafkaError> {
    ClientConfig::new()
        .set("bootstrap.servers", &settings.brokers)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("message.timeout.ms", "10000")
        .set("linger.ms", "5")
        .set("reconnect.backoff.max.ms", RECONNECT_BACKOFF_MAX_MS)
        .set("socket.timeout.ms", SOCKET_TIMEOUT_MS)
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

/// Publishes with one idempotent producer until a batch fails, then with a fresh one: after
/// a failure librdkafka must bump the old producer's epoch (or it is in a fatal state), which
/// not every Kafka-protocol broker survives (tansu 0.6 does not); a new producer id does not
/// need it. The batch is sent again whole either way, and the worker skips what it has mailed.
pub(crate) struct KafkaPublisher {
    /// Shared with the readiness probe, which follows the renewals.
    producer: Arc<Mutex<FutureProducer>>,
    settings: KafkaSettings,
    topics_ready: AtomicBool,
}

impl KafkaPublisher {
    pub(crate) fn new(settings: KafkaSettings) -> Result<Self, KafkaError> {
        Ok(Self {
            producer: Arc::new(Mutex::new(producer(&settings)?)),
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

    /// Replaces the producer that failed with a new one (a new producer id on its first send).
    fn renew(&self, failed: FutureProducer) {
        match producer(&self.settings) {
            Ok(fresh) => {
                let old = std::mem::replace(&mut *self.producer.lock(), fresh);
                // Dropping a producer's last handle purges and flushes it, which blocks.
                tokio::task::spawn_blocking(move || drop((old, failed)));
            }
            Err(err) => tracing::warn!(error = %err, "cannot create a Kafka producer"),
        }
    }

    async fn send(
        &self,
        producer: &FutureProducer,
        batch: &[outbox::Model],
    ) -> Result<(), PublishError> {
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
            deliveries.push(producer.send_result(record).map_err(|(e, _)| fail(e))?);
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
}

impl Publisher for KafkaPublisher {
    async fn publish(&self, batch: &[outbox::Model]) -> Result<(), PublishError> {
        let producer = self.producer.lock().clone();
        let sent = self.send(&producer, batch).await;
        if sent.is_err() {
            self.renew(producer);
        }
        sent
    }

    fn shutdown(&self) {
        let producer = self.producer.lock().clone();
        if let Err(err) = producer.flush(Duration::from_secs(10)) {
            tracing::warn!(error = %err, "cannot flush the Kafka producer");
        }
    }
}

/// Asks the brokers for the events topic's metadata: whether Kafka answers (readiness).
#[derive(Clone)]
pub(crate) struct KafkaProbe {
    producer: Arc<Mutex<FutureProducer>>,
    topic: String,
}

impl KafkaProbe {
    /// `Ok` once a broker answered within `timeout`.
    pub(crate) async fn ping(&self, timeout: Duration) -> Result<(), String> {
        let producer = self.producer.lock().clone();
        let topic = self.topic.clone();
        // librdkafka's metadata call blocks its thread.
        tokio::task::spawn_blocking(move || {
            producer
                .client()
                .fetch_metadata(Some(&topic), timeout)
                .map(drop)
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())?
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use parking_lot::Mutex;
    use rdkafka::producer::{FutureProducer, Producer};
    use uuid::Uuid;

    use super::{KafkaPublisher, KafkaSettings, Publisher, outbox};

    /// The librdkafka handle a producer slot holds now.
    fn handle(slot: &Mutex<FutureProducer>) -> usize {
        slot.lock().client().native_ptr() as usize
    }

    #[tokio::test]
    async fn a_failed_batch_leaves_a_fresh_producer_for_the_next_one() {
        // No broker needed: a message over librdkafka's size limit fails at once.
        let settings = KafkaSettings {
            brokers: "127.0.0.1:9".into(),
            ..KafkaSettings::default()
        };
        let publisher = KafkaPublisher::new(settings).unwrap();
        publisher.topics_ready.store(true, Ordering::Relaxed);
        let probe = publisher.probe();
        let before = handle(&publisher.producer);
        let event = outbox::Model {
            seq: 1,
            id: Uuid::now_v7(),
            event_type: "user.created".into(),
            aggregate_id: Uuid::now_v7(),
            payload: "x".repeat(2_000_000),
            occurred_at: chrono::Utc::now(),
            published_at: None,
            request_id: None,
            traceparent: None,
        };
        assert!(publisher.publish(&[event]).await.is_err());
        let after = handle(&publisher.producer);
        assert_ne!(after, before, "the failed producer is still in use");
        assert_eq!(
            handle(&probe.producer),
            after,
            "readiness probes the old one"
        );
    }
}

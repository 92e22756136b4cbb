use std::time::Duration;

use serde::Deserialize;
use smart_default::SmartDefault;

use crate::infra::setting::millis;

/// The Kafka cluster events go through (`KAFKA_*`); used when `brokers` is set.
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct KafkaSettings {
    /// Comma-separated `host:port` list; empty: events are delivered in-process.
    pub brokers: String,
    #[default("email_notifications".into())]
    pub topic: String,
    #[default("accounts-api-email-worker".into())]
    pub consumer_group: String,
    /// Used when the service creates the topic.
    #[default(3)]
    #[serde(rename = "topic_partitions")]
    pub partitions: i32,
    #[default(1)]
    pub replication_factor: i32,
}

impl KafkaSettings {
    pub fn dead_letter_topic(&self) -> String {
        format!("{}.dlq", self.topic)
    }
}

/// The relay from the outbox table to the publisher (`OUTBOX_*`).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct OutboxSettings {
    /// How often an idle relay looks for new events.
    #[default(Duration::from_millis(100))]
    #[serde(rename = "poll_interval_ms", deserialize_with = "millis")]
    pub poll_interval: Duration,
    #[default(500)]
    pub batch_size: u64,
}

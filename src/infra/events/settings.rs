use std::time::Duration;

#[derive(Clone, Debug)]
pub struct KafkaSettings {
    /// Comma-separated `host:port` list.
    pub brokers: String,
    pub topic: String,
    pub consumer_group: String,
    pub partitions: i32,
    pub replication_factor: i32,
}

impl KafkaSettings {
    pub fn dead_letter_topic(&self) -> String {
        format!("{}.dlq", self.topic)
    }
}

#[derive(Clone, Debug)]
pub struct OutboxSettings {
    /// How often an idle relay looks for new events.
    pub poll_interval: Duration,
    pub batch_size: u64,
}

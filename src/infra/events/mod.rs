//! Event delivery: events are written to the outbox in the transaction that makes the
//! change, then handed by the relay to a publisher (Kafka, or in-process delivery).

pub mod kafka;
pub mod outbox;
mod relay;
mod settings;

pub use relay::{PublishError, Publisher, Relay};
pub use settings::{KafkaSettings, OutboxSettings};

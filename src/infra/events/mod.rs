//! Domain events: written to the outbox in the transaction that makes the change, then
//! handed by the relay to a publisher (Kafka, or in-process delivery).

mod envelope;
pub mod kafka;
pub mod outbox;
mod relay;

pub use envelope::{EventEnvelope, EventType, UserEventData};
pub use relay::{PublishError, Publisher, Relay};

//! Turn an event into an e-mail and send it, at most once per event id. Used by the worker
//! (events from Kafka) and, in the embedded setup, straight from the outbox relay.

mod command;
mod confirmation;
mod handler;
mod in_process;

pub use command::SendEmail;
pub use handler::{Sent, Undeliverable, send_email};
pub use in_process::InProcessDelivery;

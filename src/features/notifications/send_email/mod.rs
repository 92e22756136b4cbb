//! Turn an event into an e-mail and send it, at most once per event id. Used by the worker
//! (events from Kafka) and, in the embedded setup, straight from the outbox relay.

mod command;
mod handler;
mod in_process;
mod span;

pub(crate) use command::SendEmail;
pub(crate) use handler::{MailContent, Undeliverable, send_email};
pub(crate) use in_process::InProcessDelivery;
pub(crate) use span::delivery_span;

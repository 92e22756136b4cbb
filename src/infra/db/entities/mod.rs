pub mod delivered_event;
pub mod outbox;
pub mod user;

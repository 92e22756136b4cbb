pub mod delivered_event;
pub mod email_verification;
pub mod outbox;
pub mod user;

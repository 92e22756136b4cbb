pub mod delivered_event;
pub mod email_verification;
pub mod outbox;
pub mod password_reset;
pub mod refresh_token;
pub mod session;
pub mod user;
pub mod user_permission;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::infra::db::entities::user;

/// The message on the wire (topic `email_notifications`), versioned. `id` is the
/// idempotency key: consumers must ignore an id they have already handled.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventEnvelope {
    pub version: u32,
    pub id: Uuid,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub occurred_at: DateTime<Utc>,
    pub data: UserEventData,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventType {
    #[serde(rename = "user.created")]
    UserCreated,
    #[serde(rename = "user.updated")]
    UserUpdated,
    #[serde(rename = "user.deleted")]
    UserDeleted,
    /// The account's address needs confirming (sign-up, e-mail change, resend): the mailer
    /// mints a single-use token and sends it.
    #[serde(rename = "user.email_verification_requested")]
    EmailVerificationRequested,
}

/// What the e-mail needs to know about the account.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserEventData {
    pub user_id: Uuid,
    pub username: String,
    pub email: String,
}

impl EventEnvelope {
    pub const VERSION: u32 = 1;

    pub fn for_user(kind: EventType, user: &user::Model) -> Self {
        Self {
            version: Self::VERSION,
            id: Uuid::now_v7(),
            kind,
            occurred_at: Utc::now(),
            data: UserEventData {
                user_id: user.id,
                username: user.username.clone(),
                email: user.email.clone(),
            },
        }
    }

    /// Parses a payload; refuses versions this code does not know.
    pub fn parse(payload: &[u8]) -> Result<Self, String> {
        let envelope: Self =
            serde_json::from_slice(payload).map_err(|e| format!("not an event envelope: {e}"))?;
        if envelope.version != Self::VERSION {
            return Err(format!("unsupported envelope version {}", envelope.version));
        }
        Ok(envelope)
    }
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserCreated => "user.created",
            Self::UserUpdated => "user.updated",
            Self::UserDeleted => "user.deleted",
            Self::EmailVerificationRequested => "user.email_verification_requested",
        }
    }
}

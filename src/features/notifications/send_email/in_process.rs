use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::{SendEmail, send_email};
use crate::{
    config::EmailVerificationSettings,
    infra::{
        db::entities::outbox,
        events::{EventEnvelope, PublishError, Publisher},
        mail::Mailer,
    },
};

/// The embedded setup's "broker": the relay hands each event straight to `send_email`, so an
/// event counts as published only once its e-mail was handled.
pub struct InProcessDelivery {
    db: DatabaseConnection,
    mailer: Arc<Mailer>,
    verification: EmailVerificationSettings,
}

impl InProcessDelivery {
    pub fn new(
        db: DatabaseConnection,
        mailer: Arc<Mailer>,
        verification: EmailVerificationSettings,
    ) -> Self {
        Self {
            db,
            mailer,
            verification,
        }
    }
}

impl Publisher for InProcessDelivery {
    async fn publish(&self, batch: &[outbox::Model]) -> Result<(), PublishError> {
        for row in batch {
            let event = EventEnvelope::parse(row.payload.as_bytes()).map_err(PublishError)?;
            let sent = send_email(
                &self.db,
                &self.mailer,
                &self.verification,
                SendEmail { event },
            );
            if let Err(err) = sent.await {
                // No dead-letter topic in-process: the log is where it goes.
                tracing::error!(event_id = %row.id, error = %err, "e-mail dropped");
            }
        }
        Ok(())
    }
}

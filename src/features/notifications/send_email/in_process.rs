use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::{SendEmail, TokenSettings, send_email};
use crate::{
    domain::EventEnvelope,
    infra::{
        clock::Clock,
        db::entities::outbox,
        events::{PublishError, Publisher},
        mail::Mailer,
    },
};

/// The embedded setup's "broker": the relay hands each event straight to `send_email`, so an
/// event counts as published only once its e-mail was handled.
pub(crate) struct InProcessDelivery {
    pub db: DatabaseConnection,
    pub clock: Clock,
    pub mailer: Arc<Mailer>,
    pub tokens: TokenSettings,
}

impl Publisher for InProcessDelivery {
    async fn publish(&self, batch: &[outbox::Model]) -> Result<(), PublishError> {
        for row in batch {
            let event = EventEnvelope::parse(row.payload.as_bytes()).map_err(PublishError)?;
            let sent = send_email(
                &self.db,
                &self.clock,
                &self.mailer,
                &self.tokens,
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

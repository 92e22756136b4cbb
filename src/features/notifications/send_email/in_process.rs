use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tracing::Instrument;

use super::{MailContent, SendEmail, delivery_span, send_email};
use crate::{
    domain::EventEnvelope,
    infra::{
        clock::Clock,
        db::entities::outbox,
        events::{PublishError, Publisher},
        mail::Mailer,
        telemetry::metrics,
    },
};

/// The embedded setup's "broker": the relay hands each event straight to `send_email`, so an
/// event counts as published only once its e-mail was handled.
pub(crate) struct InProcessDelivery {
    pub db: DatabaseConnection,
    pub clock: Clock,
    pub mailer: Arc<Mailer>,
    pub content: MailContent,
}

impl Publisher for InProcessDelivery {
    async fn publish(&self, batch: &[outbox::Model]) -> Result<(), PublishError> {
        for row in batch {
            let event = EventEnvelope::parse(row.payload.as_bytes()).map_err(PublishError)?;
            let span = delivery_span(
                &row.id.to_string(),
                row.request_id.as_deref(),
                row.traceparent.as_deref(),
            );
            let sent = send_email(
                &self.db,
                &self.clock,
                &self.mailer,
                &self.content,
                SendEmail { event },
            );
            if let Err(err) = sent.instrument(span.clone()).await {
                // No dead-letter topic in-process: the log is where it goes.
                tracing::error!(parent: &span, error = %err, "e-mail dropped");
                metrics::email_dead_lettered();
            }
        }
        Ok(())
    }
}

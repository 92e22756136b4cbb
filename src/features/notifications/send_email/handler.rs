use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, Set};
use uuid::Uuid;

use super::command::SendEmail;
use crate::{
    domain::{EventEnvelope, EventType},
    infra::{
        backoff::Backoff,
        clock::Clock,
        db::{self, entities::delivered_event},
        mail::{MailError, Mailer, SingleUseLink, Templates},
        telemetry::metrics,
    },
    services::{
        email_confirmation::{self, EmailVerificationSettings},
        password_reset::{self, PasswordResetSettings},
    },
};

/// What the e-mails are made of: the templates, and the settings of the single-use tokens
/// some carry.
pub(crate) struct MailContent {
    pub templates: Arc<Templates>,
    pub verification: EmailVerificationSettings,
    pub password_reset: PasswordResetSettings,
}

/// Refusals (4xx) tolerated before a message counts as undeliverable.
const MAX_REFUSALS: u32 = 5;
/// Ceiling of the pause between attempts: it bounds how long mail waits after the SMTP server
/// or the database is back (five 4xx refusals still span 3 s, well under it).
const MAX_PAUSE: Duration = Duration::from_secs(2);

/// The message cannot be delivered (permanently refused, or refused too often); it belongs
/// in the dead-letter topic.
#[derive(Debug, thiserror::Error)]
#[error("undeliverable: {0}")]
pub(crate) struct Undeliverable(pub String);

/// Checks the event was not mailed yet (a redelivery is skipped), sends it, records it. An
/// unreachable SMTP server or database is waited out with backoff (it is nobody's fault);
/// the caller cancels by dropping the future. Only the send itself is never repeated once it
/// succeeded. A confirmation or reset request first mints its token (see
/// `email_confirmation::issue`, `password_reset::issue`); one no longer wanted (account gone,
/// address changed, or already confirmed) sends nothing.
pub(crate) async fn send_email(
    db: &DatabaseConnection,
    clock: &Clock,
    mailer: &Mailer,
    content: &MailContent,
    command: SendEmail,
) -> Result<(), Undeliverable> {
    let event = &command.event;
    let delivered = retrying("check delivery", || {
        delivered_event::Entity::find_by_id(event.id).one(db)
    })
    .await;
    if delivered.is_some() {
        return Ok(());
    }
    let link = match mint_link(db, clock, content, event).await {
        Minted::Link(link) => Some(link),
        Minted::NotNeeded => None,
        Minted::Moot => {
            retrying("record delivery", || {
                record_delivery(db, event.id, clock.now())
            })
            .await;
            return Ok(());
        }
    };
    // The templates rendered at start-up with sample data: a failure here is a bug, which
    // parks the message rather than retrying it.
    let email = (content.templates.render(event, link.as_ref()))
        .map_err(|e| Undeliverable(e.to_string()))?;
    let (mut backoff, mut refusals) = (Backoff::up_to(MAX_PAUSE), 0);
    loop {
        let started = Instant::now();
        match mailer.send(&email).await {
            Ok(()) => {
                metrics::email_delivered(event.kind.as_str(), started.elapsed());
                tracing::info!(event_type = event.kind.as_str(), "e-mail sent");
                break;
            }
            Err(MailError::Refused {
                permanent: true,
                reason,
            }) => return Err(Undeliverable(reason)),
            Err(MailError::Refused { reason, .. }) if refusals + 1 >= MAX_REFUSALS => {
                return Err(Undeliverable(format!(
                    "refused {MAX_REFUSALS} times: {reason}"
                )));
            }
            Err(err) => {
                metrics::email_retried();
                refusals += u32::from(matches!(err, MailError::Refused { .. }));
                let pause = backoff.next_pause();
                tracing::warn!(event_id = %event.id, error = %err, retry_in = ?pause, "e-mail not sent");
                tokio::time::sleep(pause).await;
            }
        }
    }
    retrying("record delivery", || {
        record_delivery(db, event.id, clock.now())
    })
    .await;
    Ok(())
}

/// The single-use link an event's e-mail carries.
enum Minted {
    Link(SingleUseLink),
    /// The e-mail carries no token.
    NotNeeded,
    /// The e-mail is no longer wanted: nothing is sent.
    Moot,
}

/// Mints the token of a confirmation or reset e-mail, waiting out database outages.
async fn mint_link(
    db: &DatabaseConnection,
    clock: &Clock,
    content: &MailContent,
    event: &EventEnvelope,
) -> Minted {
    let issued = match event.kind {
        EventType::EmailVerificationRequested => {
            retrying("issue a confirmation token", || {
                email_confirmation::issue(db, &event.data, &content.verification, clock.now())
            })
            .await
        }
        EventType::PasswordResetRequested => {
            retrying("issue a reset token", || {
                password_reset::issue(db, &event.data, &content.password_reset, clock.now())
            })
            .await
        }
        EventType::UserCreated
        | EventType::UserUpdated
        | EventType::UserDeleted
        | EventType::EmailChanged
        | EventType::PasswordChanged
        | EventType::NewSignIn
        | EventType::MfaEnabled
        | EventType::MfaDisabled
        | EventType::MfaReset
        | EventType::RecoveryCodeUsed
        | EventType::PasskeyAdded
        | EventType::PasskeyRemoved
        | EventType::PasskeySignInRefused => return Minted::NotNeeded,
    };
    issued.map_or(Minted::Moot, Minted::Link)
}

async fn record_delivery(
    db: &DatabaseConnection,
    event_id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = delivered_event::ActiveModel {
        event_id: Set(event_id),
        delivered_at: Set(at),
    };
    delivered_event::Entity::insert(row)
        .on_conflict_do_nothing()
        .exec_without_returning(db)
        .await
        .map(drop)
}

/// Runs a database step until it succeeds, backing off between attempts; an attempt
/// unanswered within `db::STATEMENT_TIMEOUT` (a stalled connection) is a failed one.
async fn retrying<T, F: Future<Output = Result<T, DbErr>>>(
    what: &str,
    mut step: impl FnMut() -> F,
) -> T {
    let mut backoff = Backoff::up_to(MAX_PAUSE);
    loop {
        match db::bounded(step()).await {
            Ok(value) => return value,
            Err(err) => {
                let pause = backoff.next_pause();
                tracing::warn!(error = %err, retry_in = ?pause, "cannot {what}");
                tokio::time::sleep(pause).await;
            }
        }
    }
}

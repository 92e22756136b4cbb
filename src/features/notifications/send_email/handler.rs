use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, Set};
use uuid::Uuid;

use super::command::SendEmail;
use crate::{
    domain::EventType,
    features::email_confirmation::{self, EmailVerificationSettings},
    infra::{
        backoff::Backoff,
        clock::Clock,
        db::entities::delivered_event,
        mail::{MailError, Mailer, render},
    },
};

/// Refusals (4xx) tolerated before a message counts as undeliverable.
const MAX_REFUSALS: u32 = 5;
/// Ceiling of the pause between attempts.
const MAX_PAUSE: Duration = Duration::from_secs(10);

/// The message cannot be delivered (permanently refused, or refused too often); it belongs
/// in the dead-letter topic.
#[derive(Debug, thiserror::Error)]
#[error("undeliverable: {0}")]
pub(crate) struct Undeliverable(pub String);

/// Checks the event was not mailed yet (a redelivery is skipped), sends it, records it. An
/// unreachable SMTP server or database is waited out with backoff (it is nobody's fault);
/// the caller cancels by dropping the future. Only the send itself is never repeated once it
/// succeeded. A confirmation request first mints its token (see `email_confirmation::issue`);
/// one no longer needed (account gone, address changed or confirmed) sends nothing.
pub(crate) async fn send_email(
    db: &DatabaseConnection,
    clock: &Clock,
    mailer: &Mailer,
    verification: &EmailVerificationSettings,
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
    let confirmation = match event.kind {
        EventType::EmailVerificationRequested => {
            let issued = retrying("issue a confirmation token", || {
                email_confirmation::issue(db, &event.data, verification, clock.now())
            })
            .await;
            if issued.is_none() {
                retrying("record delivery", || {
                    record_delivery(db, event.id, clock.now())
                })
                .await;
                return Ok(());
            }
            issued
        }
        _ => None,
    };
    // The templates are fixed (a unit test renders each): a failure here is a bug, which
    // parks the message rather than retrying it.
    let email = render(event, confirmation.as_ref()).map_err(|e| Undeliverable(e.to_string()))?;
    let (mut backoff, mut refusals) = (Backoff::up_to(MAX_PAUSE), 0);
    loop {
        match mailer.send(&email).await {
            Ok(()) => break,
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

/// Runs a database step until it succeeds, backing off between attempts.
async fn retrying<T, F: Future<Output = Result<T, DbErr>>>(
    what: &str,
    mut step: impl FnMut() -> F,
) -> T {
    let mut backoff = Backoff::up_to(MAX_PAUSE);
    loop {
        match step().await {
            Ok(value) => return value,
            Err(err) => {
                let pause = backoff.next_pause();
                tracing::warn!(error = %err, retry_in = ?pause, "cannot {what}");
                tokio::time::sleep(pause).await;
            }
        }
    }
}

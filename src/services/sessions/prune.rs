use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QueryFilter};
use tokio::sync::watch;

use super::sign_in_notice::{self, NewSignInSettings};
use crate::{
    infra::{clock::Clock, db::entities::session, security::SessionSettings},
    services::{
        audit::{self, AuditSettings},
        mfa, oidc,
        single_use_token::{self, Purpose},
    },
};

/// How long a spent or expired reset token is kept, so its use still reads "used" or
/// "expired" rather than "unknown".
const RESET_RETENTION: TimeDelta = TimeDelta::days(7);

/// How long the pruner keeps what is not a session.
#[derive(Clone, Debug, Default)]
pub(crate) struct Retention {
    pub audit: AuditSettings,
    pub new_sign_in: NewSignInSettings,
}

/// What one pass removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Pruned {
    pub sessions: u64,
    pub password_resets: u64,
    pub audit_events: u64,
    pub known_devices: u64,
    /// Second steps and TOTP enrolments that can no longer be finished.
    pub mfa_leftovers: u64,
    /// Authorization codes an hour past their expiry, and pending authorization requests.
    pub oauth_leftovers: u64,
}

/// Deletes the sessions that have ended (revoked, expired or idle; their refresh tokens go
/// with them), the reset tokens spent or expired over a week ago, the audit rows past
/// `AUDIT_RETENTION`, the sign-in devices unused past `NEW_SIGNIN_LOOKBACK`, and the second
/// steps and TOTP enrolments that can no longer be finished, authorization codes an hour
/// past their expiry and pending authorization requests past theirs.
pub(crate) async fn prune(
    db: &DatabaseConnection,
    settings: &SessionSettings,
    retention: &Retention,
    now: DateTime<Utc>,
) -> Result<Pruned, DbErr> {
    // Ended is not live: one predicate decides both (its columns are never NULL but
    // `revoked_at`, which it tests with IS NULL, so the negation is exact).
    let sessions = session::Entity::delete_many()
        .filter(session::live(now, settings.idle_timeout).not())
        .exec(db)
        .await?;
    let stale = now - RESET_RETENTION;
    let resets = single_use_token::forget(db, Purpose::PasswordReset, None, stale).await?;
    Ok(Pruned {
        sessions: sessions.rows_affected,
        password_resets: resets,
        audit_events: audit::prune(db, &retention.audit, now).await?,
        known_devices: sign_in_notice::forget_unused(db, &retention.new_sign_in, now).await?,
        mfa_leftovers: mfa::forget_leftovers(db, now).await?,
        oauth_leftovers: oidc::forget_expired(db, now).await?,
    })
}

/// Prunes at start-up and then every `SESSION_PRUNE_INTERVAL` until `stop` turns true or
/// its sender is gone (the app was dropped without a shutdown); a failed pass is logged and
/// retried at the next tick.
pub(crate) async fn run_pruner(
    db: DatabaseConnection,
    clock: Clock,
    settings: SessionSettings,
    retention: Retention,
    mut stop: watch::Receiver<bool>,
) {
    let mut ticks = tokio::time::interval(settings.prune_interval.max(Duration::from_millis(10)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !*stop.borrow_and_update() {
        tokio::select! {
            _ = ticks.tick() => match prune(&db, &settings, &retention, clock.now()).await {
                Ok(pruned) if pruned != Pruned::default() => tracing::info!(?pruned, "pruned"),
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "cannot prune"),
            },
            // Without this check a dropped sender makes `changed` ready forever: a busy loop.
            changed = stop.changed() => if changed.is_err() {
                break;
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::{sync::watch, task::JoinHandle};

    use super::{Retention, run_pruner};
    use crate::infra::{clock::Clock, security::SessionSettings};

    /// A pruner on an empty in-memory database, and the sender that stops it.
    async fn spawn_pruner() -> (watch::Sender<bool>, JoinHandle<()>) {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let (stop, stopped) = watch::channel(false);
        let settings = SessionSettings::default();
        (
            stop,
            tokio::spawn(run_pruner(
                db,
                Clock::default(),
                settings,
                Retention::default(),
                stopped,
            )),
        )
    }

    #[tokio::test]
    async fn the_pruner_stops_when_nothing_can_stop_it_any_more() {
        let (stop, pruner) = spawn_pruner().await;
        drop(stop);
        let ended = tokio::time::timeout(Duration::from_secs(30), pruner).await;
        assert!(
            ended.is_ok(),
            "the pruner spins on after its sender is gone"
        );
    }

    #[tokio::test]
    async fn the_pruner_stops_when_told() {
        let (stop, pruner) = spawn_pruner().await;
        stop.send_replace(true);
        let ended = tokio::time::timeout(Duration::from_secs(30), pruner).await;
        assert!(ended.is_ok(), "the pruner did not stop");
        drop(stop); // only now: the pruner must have stopped on `true`, not on the drop
    }
}

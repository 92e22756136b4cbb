//! Picks each port's adapter from the settings.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::{sync::watch, task::JoinHandle};

use super::StartupError;
use crate::{
    config::Settings,
    features::notifications::send_email::{InProcessDelivery, MailContent},
    infra::{
        email_verifier::{AbstractApiVerifier, EmailVerifier, VerdictCache},
        events::{
            Relay,
            kafka::{KafkaProbe, KafkaPublisher},
        },
        mail::{Mailer, TemplateError, Templates},
        pwned_passwords::{BreachCheck, RangeClient},
        rate_limit::{MemoryLimiter, RateLimiter, RateLimits, RedisLimiter},
        redis::SharedRedis,
    },
};

/// The outbox relay: to Kafka when `KAFKA_BROKERS` is set (with a readiness probe on the
/// relay's own producer), else straight to the mailer.
pub(super) fn spawn_relay(
    settings: &Settings,
    content: MailContent,
    db: DatabaseConnection,
    stop: watch::Receiver<bool>,
) -> Result<(JoinHandle<()>, Option<KafkaProbe>), StartupError> {
    let outbox = settings.outbox.clone();
    Ok(match &settings.kafka {
        Some(kafka) => {
            let publisher = KafkaPublisher::new(kafka.clone()).map_err(StartupError::Kafka)?;
            let probe = publisher.probe();
            let relay = Relay::new(db, publisher, outbox, settings.clock.clone());
            (tokio::spawn(relay.run(stop)), Some(probe))
        }
        None => {
            let publisher = InProcessDelivery {
                db: db.clone(),
                clock: settings.clock.clone(),
                mailer: Arc::new(Mailer::from_settings(settings.smtp.clone())),
                content,
            };
            let relay = Relay::new(db, publisher, outbox, settings.clock.clone());
            (tokio::spawn(relay.run(stop)), None)
        }
    })
}

/// The templates (loaded and checked: a broken override stops start-up here) and what the
/// mailer mints single-use tokens with.
pub(super) fn mail_content(settings: &Settings) -> Result<MailContent, TemplateError> {
    Ok(MailContent {
        templates: Arc::new(Templates::load(&settings.email, &settings.sender())?),
        verification: settings.email_verification.clone(),
        password_reset: settings.password_reset.clone(),
    })
}

/// Redis when `REDIS_URL` is set, else in-process; nothing when limiting is switched off.
pub(super) fn rate_limits(settings: &Settings, redis: Option<Arc<SharedRedis>>) -> RateLimits {
    let limiter = match (redis, settings.rate_limit.enabled) {
        (_, false) => None,
        (Some(redis), true) => Some(RateLimiter::Redis(RedisLimiter::new(redis))),
        (None, true) => Some(RateLimiter::Memory(MemoryLimiter::new(
            settings.clock.clone(),
        ))),
    };
    RateLimits::new(
        limiter,
        settings.rate_limit.clone(),
        settings.redis.key_prefix.clone(),
        settings.clock.clone(),
    )
}

/// AbstractAPI when `EMAIL_VERIFIER_ENABLED`, its verdicts cached in Redis when configured
/// (else in memory); otherwise the null verifier.
pub(super) fn email_verifier(
    settings: &Settings,
    redis: Option<Arc<SharedRedis>>,
) -> Result<EmailVerifier, StartupError> {
    let Some(verifier) = settings.email_verifier.clone() else {
        return Ok(EmailVerifier::Null);
    };
    let cache = match redis {
        Some(redis) => VerdictCache::redis(redis, &settings.redis.key_prefix, verifier.cache_ttl),
        None => VerdictCache::memory(verifier.cache_ttl, settings.clock.clone()),
    };
    AbstractApiVerifier::new(verifier, cache, settings.clock.clone())
        .map(|api| EmailVerifier::AbstractApi(Box::new(api)))
        .map_err(StartupError::EmailVerifier)
}

/// The range API when `PWNED_PASSWORDS_URL` is set; otherwise no breach lookup.
pub(super) fn breach_check(settings: &Settings) -> Result<BreachCheck, StartupError> {
    let Some(pwned) = settings.pwned_passwords.clone() else {
        return Ok(BreachCheck::Off);
    };
    RangeClient::new(pwned)
        .map(|api| BreachCheck::RangeApi(Box::new(api)))
        .map_err(StartupError::PwnedPasswords)
}

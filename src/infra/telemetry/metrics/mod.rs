//! Prometheus metrics: the names, their help texts and the one place that records each.
//! Nothing is recorded until [`recorder`] installs the process's recorder (when a metrics
//! listener is configured); before that, every call here costs nothing.
//! Label values are bounded: operation ids, scopes, outcomes and event types, never user
//! input or raw paths.

mod describe;
mod record;

use std::{sync::OnceLock, time::Duration};

use metrics::{counter, gauge};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use strum::IntoEnumIterator;

pub(crate) use self::record::*;
use crate::domain::EventType;

/// Latency buckets, 1 ms to 2 s (and 5 s for SMTP's slowest answers).
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0,
];
/// Histogram samples are folded in at least this often, scraped or not (bounded memory).
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

static RECORDER: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder, installed on first call (one per process: the `metrics` facade
/// is global), with its upkeep thread.
pub(crate) fn recorder() -> PrometheusHandle {
    RECORDER
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Suffix("_duration_seconds".into()),
                    &LATENCY_BUCKETS,
                )
                .expect("the buckets are not empty")
                .install_recorder()
                .expect("no other metrics recorder is installed");
            let upkeep = handle.clone();
            std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || {
                    loop {
                        std::thread::sleep(UPKEEP_EVERY);
                        upkeep.run_upkeep();
                    }
                })
                .expect("cannot start the metrics upkeep thread");
            describe::describe();
            build_info();
            handle
        })
        .clone()
}

/// What a process records, so that it can expose each of its series at zero from the start:
/// dashboards and alerts then find every series before its first event.
#[derive(Clone, Copy)]
pub(crate) enum Role {
    /// The API; with in-process delivery it also sends the e-mails; with
    /// `PWNED_PASSWORDS_URL` it looks new passwords up.
    Api {
        delivers_email: bool,
        checks_breaches: bool,
    },
    Worker,
}

/// Registers `role`'s series at zero (the recorder must be installed).
pub(crate) fn register(role: Role) {
    for reason in SecurityRefusal::iter() {
        let reason: &'static str = reason.into();
        counter!("accounts_security_refusals_total", "reason" => reason).increment(0);
    }
    let delivers_email = match role {
        Role::Api {
            delivers_email,
            checks_breaches,
        } => {
            for name in [
                "accounts_rate_limit_store_errors_total",
                "accounts_signups_total",
                "accounts_sessions_opened_total",
                "accounts_sessions_refreshed_total",
                "accounts_sessions_revoked_total",
                "accounts_session_reuse_detected_total",
                "accounts_outbox_published_total",
                "accounts_outbox_publish_failures_total",
            ] {
                counter!(name).increment(0);
            }
            for event in MfaEvent::iter() {
                let event: &'static str = event.into();
                counter!("accounts_mfa_events_total", "event" => event).increment(0);
            }
            for outcome in ["succeeded", "failed", "refused", "mfa_required"] {
                counter!("accounts_logins_total", "outcome" => outcome).increment(0);
            }
            for scope in RATE_LIMIT_SCOPES {
                for outcome in ["allowed", "refused"] {
                    counter!("accounts_rate_limit_decisions_total", "scope" => scope, "outcome" => outcome)
                        .increment(0);
                }
            }
            if checks_breaches {
                for outcome in ["breached", "clean", "unknown"] {
                    counter!("accounts_pwned_password_checks_total", "outcome" => outcome)
                        .increment(0);
                }
            }
            delivers_email
        }
        Role::Worker => true,
    };
    if delivers_email {
        for event_type in EventType::iter() {
            counter!("accounts_emails_delivered_total", "event_type" => event_type.as_str())
                .increment(0);
        }
        counter!("accounts_email_delivery_retries_total").increment(0);
        counter!("accounts_emails_dead_lettered_total").increment(0);
    }
}

/// Every `scope` label value of the rate-limit decisions.
pub(crate) const RATE_LIMIT_SCOPES: [&str; 6] = [
    "ip",
    "user",
    "login_failures",
    "verification_emails",
    "password_resets_per_ip",
    "password_reset_emails",
];

fn build_info() {
    let commit = option_env!("ACCOUNTS_API_GIT_COMMIT").unwrap_or("unknown");
    gauge!("accounts_build_info", "version" => env!("CARGO_PKG_VERSION"), "commit" => commit)
        .set(1.0);
}

//! One function per thing worth counting, so names and label values live here only.

use std::time::Duration;

use metrics::{counter, gauge, histogram};
use poem::http::Method;

/// One answered HTTP request.
pub(crate) fn http_request(operation: &'static str, method: &Method, status: u16, took: Duration) {
    let method = match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        // Any other token a client sends would be an unbounded label value.
        _ => "other",
    };
    counter!("accounts_http_requests_total", "operation" => operation, "method" => method, "status" => status.to_string())
        .increment(1);
    histogram!("accounts_http_request_duration_seconds", "operation" => operation)
        .record(took.as_secs_f64());
}

/// One rate-limit decision for `scope`.
pub(crate) fn rate_limit_decision(scope: &'static str, allowed: bool) {
    let outcome = if allowed { "allowed" } else { "refused" };
    counter!("accounts_rate_limit_decisions_total", "scope" => scope, "outcome" => outcome)
        .increment(1);
}

pub(crate) fn rate_limit_store_error() {
    counter!("accounts_rate_limit_store_errors_total").increment(1);
}

/// How a password login ended.
#[derive(Clone, Copy)]
pub(crate) enum LoginOutcome {
    Succeeded,
    /// Wrong credentials, or the account may not log in.
    Failed,
    /// Not tried: rate-limited, or the hashing queue is full.
    Refused,
    /// The right password for an account with a second factor: the second step was asked for.
    MfaRequired,
}

pub(crate) fn login(outcome: LoginOutcome) {
    let outcome = match outcome {
        LoginOutcome::Succeeded => "succeeded",
        LoginOutcome::Failed => "failed",
        LoginOutcome::Refused => "refused",
        LoginOutcome::MfaRequired => "mfa_required",
    };
    counter!("accounts_logins_total", "outcome" => outcome).increment(1);
}

pub(crate) fn signup() {
    counter!("accounts_signups_total").increment(1);
}

pub(crate) fn session_opened() {
    counter!("accounts_sessions_opened_total").increment(1);
}

pub(crate) fn session_refreshed() {
    counter!("accounts_sessions_refreshed_total").increment(1);
}

pub(crate) fn sessions_revoked(count: u64) {
    counter!("accounts_sessions_revoked_total").increment(count);
}

pub(crate) fn session_reuse_detected() {
    counter!("accounts_session_reuse_detected_total").increment(1);
}

/// One e-mail reputation check (`outcome` is one of a closed set, such as `unknown`).
pub(crate) fn email_check(outcome: &'static str) {
    counter!("accounts_email_checks_total", "outcome" => outcome).increment(1);
}

/// One breached-password lookup: `breached`, `clean` or `unknown` (no usable answer).
pub(crate) fn pwned_password_check(outcome: &'static str) {
    counter!("accounts_pwned_password_checks_total", "outcome" => outcome).increment(1);
}

/// The outbox as last read: unpublished events and the oldest one's age.
pub(crate) fn outbox_backlog(events: u64, oldest_age: Duration) {
    gauge!("accounts_outbox_backlog_events").set(events as f64);
    gauge!("accounts_outbox_oldest_event_age_seconds").set(oldest_age.as_secs_f64());
}

pub(crate) fn outbox_published(events: u64) {
    counter!("accounts_outbox_published_total").increment(events);
}

pub(crate) fn outbox_publish_failed() {
    counter!("accounts_outbox_publish_failures_total").increment(1);
}

pub(crate) fn email_delivered(event_type: &'static str, smtp_took: Duration) {
    counter!("accounts_emails_delivered_total", "event_type" => event_type).increment(1);
    histogram!("accounts_smtp_send_duration_seconds").record(smtp_took.as_secs_f64());
}

pub(crate) fn email_retried() {
    counter!("accounts_email_delivery_retries_total").increment(1);
}

pub(crate) fn email_dead_lettered() {
    counter!("accounts_emails_dead_lettered_total").increment(1);
}

/// The database pool's connections: `size` open, `idle` of them waiting.
pub(crate) fn db_pool(size: u32, idle: usize) {
    let idle = idle as f64;
    gauge!("accounts_db_pool_connections", "state" => "in_use").set(f64::from(size) - idle);
    gauge!("accounts_db_pool_connections", "state" => "idle").set(idle);
}

/// A refusal that protects an account or the service, by reason.
#[derive(Clone, Copy, Debug, strum::IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "snake_case")]
pub(crate) enum SecurityRefusal {
    /// A wrong current password confirming a sensitive change (password, e-mail, deletion).
    WrongPassword,
    /// A change that would leave no enabled account holding `users:write`.
    Lockout,
    /// A grant or revocation of a permission the administrator does not hold.
    PermissionNotHeld,
    /// A recipient that is not a bare address, stopped before the SMTP session.
    UnsafeRecipient,
    /// A wrong second-factor code (at login's second step, or confirming a change).
    WrongMfaCode,
}

pub(crate) fn security_refusal(reason: SecurityRefusal) {
    let reason: &'static str = reason.into();
    counter!("accounts_security_refusals_total", "reason" => reason).increment(1);
}

/// Something that happened to a second factor.
#[derive(Clone, Copy, Debug, strum::IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "snake_case")]
pub(crate) enum MfaEvent {
    /// TOTP confirmed: the account has a second factor.
    Enabled,
    /// The owner removed it.
    Disabled,
    /// An administrator removed every second factor.
    Reset,
    /// A right TOTP code.
    TotpAccepted,
    /// A recovery code spent.
    RecoveryCodeUsed,
    /// A wrong code (TOTP or recovery).
    CodeRefused,
}

pub(crate) fn mfa(event: MfaEvent) {
    let event: &'static str = event.into();
    counter!("accounts_mfa_events_total", "event" => event).increment(1);
}

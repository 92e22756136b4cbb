//! The help text of every metric, shown by `/metrics` and Grafana.

use metrics::{describe_counter, describe_gauge, describe_histogram};

pub(super) fn describe() {
    describe_counter!(
        "accounts_http_requests_total",
        "HTTP requests answered, by operationId, method and status."
    );
    describe_histogram!(
        "accounts_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by operationId."
    );
    describe_counter!(
        "accounts_rate_limit_decisions_total",
        "Rate-limit checks, by scope and outcome (allowed, refused)."
    );
    describe_counter!(
        "accounts_rate_limit_store_errors_total",
        "Rate-limit checks whose store (Redis) failed or did not answer."
    );
    describe_counter!(
        "accounts_logins_total",
        "Password logins, by outcome (succeeded, failed, refused, mfa_required)."
    );
    describe_counter!(
        "accounts_mfa_events_total",
        "Second-factor events, by event (enabled, disabled, reset, totp_accepted, \
         recovery_code_used, code_refused)."
    );
    describe_counter!("accounts_signups_total", "Accounts created.");
    describe_counter!(
        "accounts_security_refusals_total",
        "Refusals that protect an account or the service, by reason (wrong_password, \
         lockout, permission_not_held, unsafe_recipient, wrong_mfa_code)."
    );
    describe_counter!(
        "accounts_sessions_opened_total",
        "Sessions opened (logins)."
    );
    describe_counter!(
        "accounts_sessions_refreshed_total",
        "Refresh tokens exchanged for a new pair."
    );
    describe_counter!(
        "accounts_sessions_revoked_total",
        "Sessions ended before their time (logout, revocation, password change, admin)."
    );
    describe_counter!(
        "accounts_session_reuse_detected_total",
        "Spent refresh tokens presented again (the session is revoked)."
    );
    describe_counter!(
        "accounts_email_checks_total",
        "E-mail reputation checks at sign-up, by outcome."
    );
    describe_counter!(
        "accounts_pwned_password_checks_total",
        "Breached-password lookups of new passwords, by outcome (breached, clean, unknown)."
    );
    describe_gauge!(
        "accounts_outbox_backlog_events",
        "Outbox events not yet published."
    );
    describe_gauge!(
        "accounts_outbox_oldest_event_age_seconds",
        metrics::Unit::Seconds,
        "Age of the oldest unpublished outbox event (0 when none)."
    );
    describe_counter!(
        "accounts_outbox_published_total",
        "Outbox events handed to the broker (or delivered in-process)."
    );
    describe_counter!(
        "accounts_outbox_publish_failures_total",
        "Outbox batches whose publication failed (retried)."
    );
    describe_counter!(
        "accounts_emails_delivered_total",
        "E-mails accepted by the SMTP server, by event type."
    );
    describe_counter!(
        "accounts_email_delivery_retries_total",
        "E-mail sends that failed and are retried."
    );
    describe_counter!(
        "accounts_emails_dead_lettered_total",
        "Events given up on and sent to the dead-letter topic."
    );
    describe_histogram!(
        "accounts_smtp_send_duration_seconds",
        metrics::Unit::Seconds,
        "Time for the SMTP server to accept one e-mail."
    );
    describe_gauge!(
        "accounts_db_pool_connections",
        "Database pool connections, by state (in_use, idle)."
    );
    describe_gauge!(
        "accounts_build_info",
        "Always 1; the labels say which build runs (version, commit)."
    );
}

//! The integration tests: each starts the real application on a random port against a
//! fresh database (SQLite or PostgreSQL) and talks to it over HTTP.

#[macro_use]
mod helpers;

mod admin_audit;
mod admin_audit_pages;
mod admin_document;
mod admin_escalation;
mod admin_permissions;
mod admin_sessions;
mod admin_support;
mod admin_user_changes;
mod admin_users;
mod admin_users_pagination;
mod admin_users_walk;
mod audit_trail;
mod client_ip;

mod email_change;
mod email_confirmation;
mod email_injection;
mod email_injection_smtp;
mod email_verifier;
mod health;
mod health_probes;
mod jwks;
mod layers;
mod login_storm;
mod maildev;
mod manage_cli;
mod manage_cli_accounts;
mod metrics_counts;
mod migrate_cli;
mod monitoring;
mod notifications;
mod openapi;
mod otel;
mod password_change;
mod password_guessing;
mod password_policy;
mod password_reset;
mod password_reset_request;
mod permissions;
mod platform;
mod processes;
mod production_checks;
mod rate_limit;
mod rate_limit_outage;
mod refresh;
mod refresh_grace;
mod refresh_refusals;
mod round_trips;
mod session_consistency;
mod session_lifetime;
mod sessions;
mod startup;
mod startup_together;
mod telemetry;
mod token;
mod token_attacks;
mod token_revoke;
mod users_create;
mod users_create_validation;
mod users_delete;
mod users_get;
mod users_update;

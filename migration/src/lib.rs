//! Schema migrations, portable across PostgreSQL and SQLite.

pub use sea_orm_migration::{self, prelude::*};

mod m20261122_000001_create_users;
mod m20261122_000002_create_outbox;
mod m20261123_000003_create_email_verifications;
mod m20261130_000004_create_sessions;
mod m20261201_000005_create_user_permissions;
mod m20261202_000006_add_account_administration;
mod m20261202_000007_create_audit_events;
mod m20261203_000008_add_outbox_trace_context;
mod m20261206_000009_add_session_amr;
mod m20261206_000010_create_known_devices;
mod m20261206_000011_create_second_factors;
mod m20261206_000012_create_passkeys;
mod m20261207_000013_create_oauth_clients;
mod m20261207_000014_create_oauth_authorizations;
mod m20261208_000015_add_user_locale;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_users::Migration),
            Box::new(m20261122_000002_create_outbox::Migration),
            Box::new(m20261123_000003_create_email_verifications::Migration),
            Box::new(m20261130_000004_create_sessions::Migration),
            Box::new(m20261201_000005_create_user_permissions::Migration),
            Box::new(m20261202_000006_add_account_administration::Migration),
            Box::new(m20261202_000007_create_audit_events::Migration),
            Box::new(m20261203_000008_add_outbox_trace_context::Migration),
            Box::new(m20261206_000009_add_session_amr::Migration),
            Box::new(m20261206_000010_create_known_devices::Migration),
            Box::new(m20261206_000011_create_second_factors::Migration),
            Box::new(m20261206_000012_create_passkeys::Migration),
            Box::new(m20261207_000013_create_oauth_clients::Migration),
            Box::new(m20261207_000014_create_oauth_authorizations::Migration),
            Box::new(m20261208_000015_add_user_locale::Migration),
        ]
    }
}

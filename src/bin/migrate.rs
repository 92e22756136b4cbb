//! `cargo run --bin migrate -- [up|down|status|fresh|refresh|reset]` against `DATABASE_URL`
//! (the same settings, `.env` and default as the server).

use std::process::ExitCode;

use accounts_api::{config::Settings, infra::db};
use migration::{Migrator, sea_orm_migration::cli::run_cli_with_custom_connection};

#[tokio::main]
async fn main() -> ExitCode {
    let Some(settings) = Settings::from_env_or_report() else {
        return ExitCode::FAILURE;
    };
    let connection = match db::connect(settings.database.url(), 1).await {
        Ok(connection) => connection,
        Err(err) => {
            eprintln!(
                "error: cannot connect to the database at {}: {err}",
                db::redact_url(settings.database.url())
            );
            return ExitCode::FAILURE;
        }
    };
    // Serialized with servers (and other runs) migrating the same database at the same time.
    let lock = match db::lock_migrations(settings.database.url()).await {
        Ok(lock) => lock,
        Err(err) => {
            eprintln!("error: cannot take the migration lock: {err}");
            return ExitCode::FAILURE;
        }
    };
    run_cli_with_custom_connection(Migrator, async || Ok(connection)).await;
    lock.release().await;
    ExitCode::SUCCESS
}

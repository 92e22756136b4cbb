//! `cargo run --bin manage -- ...`: the operators' management commands, run against the
//! same settings and `.env` as the server.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{
    config::Settings,
    infra::db::{self, Outcome},
};

/// Management commands for accounts-api; they read the same settings and `.env` as the
/// server.
///
/// Exit status: 0 when done (or nothing needed doing), 1 on failure with a one-line
/// `error: ...` on stderr, 2 on a usage error.
#[derive(Debug, Parser)]
#[command(name = "manage", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create or drop the database named in DATABASE_URL.
    #[command(subcommand)]
    Db(DbCommand),
}

#[derive(Debug, Subcommand)]
enum DbCommand {
    /// Create the database named in DATABASE_URL.
    ///
    /// PostgreSQL: CREATE DATABASE on the server's `postgres` maintenance database (same
    /// host, user and password). SQLite: an empty file, and its folder. A database that
    /// already exists is left as it is: a note, exit status 0.
    Create,
    /// Drop the database named in DATABASE_URL, with all its data.
    ///
    /// PostgreSQL: DROP DATABASE on the server's `postgres` maintenance database (it fails
    /// while other sessions are connected to it). SQLite: the file and its -wal and -shm.
    /// A database that does not exist is left missing: a note, exit status 0.
    Drop,
}

impl Cli {
    /// Runs the command; `Err` is the one-line message for stderr.
    pub async fn run(self, settings: &Settings) -> Result<String, String> {
        let url = settings.database.url();
        let target = format!("the database at {}", db::redact_url(url));
        match self.command {
            Command::Db(DbCommand::Create) => db::create_database(url)
                .await
                .map_err(|err| format!("cannot create {target}: {err}")),
            Command::Db(DbCommand::Drop) => db::drop_database(url)
                .await
                .map_err(|err| format!("cannot drop {target}: {err}")),
        }
        .map(|outcome| match outcome {
            Outcome::Created => format!("created {target}"),
            Outcome::AlreadyExists => format!("{target} already exists; nothing to do"),
            Outcome::Dropped => format!("dropped {target}"),
            Outcome::DidNotExist => format!("{target} does not exist; nothing to do"),
        })
    }
}

/// Parses the arguments, reads the settings and runs the command: the whole `manage`
/// process.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(settings) = Settings::from_env_or_report() else {
        return ExitCode::FAILURE;
    };
    match cli.run(&settings).await {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}

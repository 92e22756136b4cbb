//! `cargo run --bin manage -- ...`: the operators' management commands, run against the
//! same settings and `.env` as the server (all but `probe`, which reads none).

mod clients;
mod emails;
mod mfa;
mod probe;
mod users;

use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand};

use self::{
    clients::ClientsCommand, emails::EmailsCommand, mfa::MfaCommand, probe::Probe,
    users::AccountChange,
};
use crate::{
    config::Settings,
    domain::Permission,
    infra::db::{self, Outcome},
};

/// The most accounts `users list` prints.
const LIST_LIMIT: u64 = 100;

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
    /// Grant and revoke permissions, disable and enable accounts, remove their second
    /// factors, list them.
    ///
    /// An account is named by its username or e-mail, case-insensitively. The permissions:
    /// users:read, users:write, sessions:revoke, audit:read, clients:write.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Second factors.
    #[command(subcommand)]
    Mfa(MfaCommand),
    /// Register, list, show and delete OAuth clients, and make their secrets.
    ///
    /// A client is named by its client_id. Changes are audited (actor: the system).
    #[command(subcommand)]
    Clients(ClientsCommand),
    /// Preview the e-mails as the server would send them.
    #[command(subcommand)]
    Emails(EmailsCommand),
    /// GET a URL; exit status 0 on a 2xx answer, 1 otherwise (the image's health check).
    Probe(Probe),
}

#[derive(Debug, Subcommand)]
enum UsersCommand {
    /// Grant a permission to an account.
    ///
    /// An account that already holds it is left as it is: a note, exit status 0. An
    /// unknown account or permission name: exit status 1.
    Grant {
        /// The account's username or e-mail (case-insensitive).
        login: String,
        /// One of: users:read, users:write, sessions:revoke, audit:read, clients:write.
        permission: String,
    },
    /// Revoke a permission from an account.
    ///
    /// An account that does not hold it is left as it is: a note, exit status 0. An
    /// unknown account or permission name: exit status 1.
    Revoke {
        /// The account's username or e-mail (case-insensitive).
        login: String,
        /// One of: users:read, users:write, sessions:revoke, audit:read, clients:write.
        permission: String,
    },
    /// Disable an account: it cannot log in or refresh, and its sessions end at once.
    ///
    /// An account already disabled is left as it is: a note, exit status 0. An unknown
    /// account: exit status 1.
    Disable {
        /// The account's username or e-mail (case-insensitive).
        login: String,
    },
    /// Enable an account an administrator disabled.
    ///
    /// An account not disabled is left as it is: a note, exit status 0. An unknown account:
    /// exit status 1.
    Enable {
        /// The account's username or e-mail (case-insensitive).
        login: String,
    },
    /// Remove every second factor of an account (TOTP, recovery codes and passkeys).
    ///
    /// For an owner who lost both their authenticator and their recovery codes; they are
    /// mailed, and the change is audited. An account without one is left as it is: a note,
    /// exit status 0. An unknown account: exit status 1.
    ResetMfa {
        /// The account's username or e-mail (case-insensitive).
        login: String,
    },
    /// List accounts with their permissions, in order of creation.
    ///
    /// One tab-separated line per account: id, username, e-mail, permissions
    /// (comma-separated, `-` for none). At most 100 lines; a last note says when more
    /// accounts match (narrow them with --q).
    List {
        /// Only accounts whose username or e-mail starts with this (case-insensitive).
        #[arg(long, value_name = "PREFIX")]
        q: Option<String>,
    },
    /// List the accounts whose stored e-mail is not a bare address.
    ///
    /// Addresses stored before the address rule (no display name, brackets, quotes,
    /// whitespace or control characters) may hold anything. One tab-separated line per such
    /// account: id, username, the address quoted with its control characters escaped. Exit
    /// status 1 when there is any, 0 when every address passes.
    CheckEmails,
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

impl Command {
    /// Runs a command that reads the settings; `Err` is the one-line message for stderr.
    async fn run(self, settings: &Settings) -> Result<String, String> {
        let url = settings.database.url();
        let target = format!("the database at {}", db::redact_url(url));
        let db_command = match self {
            Command::Db(command) => command,
            Command::Users(command) => return run_users(command, url, &target).await,
            Command::Mfa(MfaCommand::Reseal) => return mfa::reseal(settings, url, &target).await,
            Command::Clients(command) => return run_clients(command, url, &target).await,
            Command::Probe(probe) => return probe.run().await,
            Command::Emails(command) => return command.run(settings),
        };
        match db_command {
            DbCommand::Create => db::create_database(url)
                .await
                .map_err(|err| format!("cannot create {target}: {err}")),
            DbCommand::Drop => db::drop_database(url)
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

async fn run_users(command: UsersCommand, url: &str, target: &str) -> Result<String, String> {
    // Refuse a bad permission name before touching the database.
    let change = match &command {
        UsersCommand::Grant { login, permission } => {
            Some((login, AccountChange::Grant(parse_permission(permission)?)))
        }
        UsersCommand::Revoke { login, permission } => {
            Some((login, AccountChange::Revoke(parse_permission(permission)?)))
        }
        UsersCommand::Disable { login } => Some((login, AccountChange::Disable)),
        UsersCommand::Enable { login } => Some((login, AccountChange::Enable)),
        UsersCommand::ResetMfa { login } => Some((login, AccountChange::ResetMfa)),
        UsersCommand::List { .. } | UsersCommand::CheckEmails => None,
    };
    let conn = db::connect(url, 1)
        .await
        .map_err(|err| format!("cannot connect to {target}: {err}"))?;
    let outcome = match (change, &command) {
        (Some((login, change)), _) => users::apply(&conn, login, change, Utc::now())
            .await
            .map_err(users_error(target)),
        (None, UsersCommand::List { q }) => users::list(&conn, q.as_deref(), LIST_LIMIT)
            .await
            .map(|(accounts, more)| users::render_list(&accounts, more, LIST_LIMIT))
            .map_err(|err| format!("{target}: {err}")),
        (None, UsersCommand::CheckEmails) => users::unsafe_addresses(&conn)
            .await
            .map_err(|err| format!("{target}: {err}"))
            .and_then(users::render_unsafe_addresses),
        (None, _) => unreachable!("every command but list and check-emails changes an account"),
    };
    conn.close().await.ok();
    outcome
}

async fn run_clients(command: ClientsCommand, url: &str, target: &str) -> Result<String, String> {
    let conn = db::connect(url, 1)
        .await
        .map_err(|err| format!("cannot connect to {target}: {err}"))?;
    let outcome = clients::run(command, &conn, target).await;
    conn.close().await.ok();
    outcome
}

fn parse_permission(name: &str) -> Result<Permission, String> {
    name.parse().map_err(|_| {
        format!(
            "unknown permission {name:?}; the permissions are: {}",
            Permission::NAMES.join(", ")
        )
    })
}

fn users_error(target: &str) -> impl Fn(users::UsersError) -> String + '_ {
    move |err| match err {
        users::UsersError::UnknownLogin(_) => err.to_string(),
        users::UsersError::Db(err) => format!("{target}: {err}"),
    }
}

/// Parses the arguments, reads the settings and runs the command: the whole `manage`
/// process.
pub async fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Probe(probe) => probe.run().await,
        command => match Settings::from_env_or_report() {
            Some(settings) => command.run(&settings).await,
            None => return ExitCode::FAILURE,
        },
    };
    match outcome {
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

    #[test]
    fn an_unknown_permission_names_the_valid_ones() {
        let message = super::parse_permission("users:delete").unwrap_err();
        assert_eq!(
            message,
            "unknown permission \"users:delete\"; the permissions are: users:read, \
             users:write, sessions:revoke, audit:read, clients:write"
        );
        assert_eq!(
            super::parse_permission("audit:read"),
            Ok(crate::domain::Permission::AuditRead)
        );
    }
}

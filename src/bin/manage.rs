//! `cargo run --bin manage -- db create|drop` against `DATABASE_URL`, and
//! `users grant|revoke|list` for accounts' permissions (the same settings, `.env` and
//! default as the server); `--help` for each command.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    accounts_api::app::manage::main().await
}

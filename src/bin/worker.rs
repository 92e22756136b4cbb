//! `cargo run --bin worker`: the notifications consumer (Kafka topic -> SMTP).

use std::process::ExitCode;

use accounts_api::{app::shutdown_signal, config::Settings, telemetry, worker};

#[tokio::main]
async fn main() -> ExitCode {
    let Some(settings) = Settings::from_env_or_report() else {
        return ExitCode::FAILURE;
    };
    telemetry::init(settings.log_format);
    match worker::run(settings, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("worker failed: {err}");
            ExitCode::FAILURE
        }
    }
}

//! `cargo run --bin worker`: the notifications consumer (Kafka topic -> SMTP).

use std::process::ExitCode;

use accounts_api::{
    app::{run_worker, shutdown_signal},
    config::Settings,
    infra::telemetry,
};

#[tokio::main]
async fn main() -> ExitCode {
    let Some(settings) = Settings::from_env_or_report() else {
        return ExitCode::FAILURE;
    };
    telemetry::init(settings.log_format());
    match run_worker(settings, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("worker failed: {err}");
            ExitCode::FAILURE
        }
    }
}

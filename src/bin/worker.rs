//! `cargo run --bin worker`: the notifications consumer (Kafka topic -> SMTP).

use std::process::ExitCode;

use accounts_api::{
    app::{run_worker, settings_with_logging, shutdown_signal},
    infra::telemetry,
};

/// See Cargo.toml: faster than glibc's malloc when tasks move between threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let Some(settings) = settings_with_logging("accounts-api-worker") else {
        return ExitCode::FAILURE;
    };
    let consumed = run_worker(settings, shutdown_signal()).await;
    telemetry::shutdown();
    match consumed {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("worker failed: {err}");
            ExitCode::FAILURE
        }
    }
}

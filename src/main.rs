//! `cargo run`: the API server.

use std::process::ExitCode;

use accounts_api::{
    app::{Application, settings_with_logging, shutdown_signal},
    infra::telemetry,
};

/// See Cargo.toml: faster than glibc's malloc when tasks move between threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let Some(settings) = settings_with_logging("accounts-api") else {
        return ExitCode::FAILURE;
    };
    let host = settings.app.host.clone();
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(err) => {
            tracing::error!("cannot start: {err}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        "listening on http://{host}:{}; API docs at http://{host}:{}/docs",
        app.port(),
        app.port()
    );
    let served = app.run_until(shutdown_signal()).await;
    telemetry::shutdown();
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("server failed: {err}");
            ExitCode::FAILURE
        }
    }
}

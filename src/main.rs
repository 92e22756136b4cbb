//! `cargo run`: the API server.

use std::process::ExitCode;

use accounts_api::{
    app::{Application, shutdown_signal},
    config::Settings,
    infra::telemetry,
};

#[tokio::main]
async fn main() -> ExitCode {
    let Some(settings) = Settings::from_env_or_report() else {
        return ExitCode::FAILURE;
    };
    telemetry::init(settings.log_format());
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
    match app.run_until(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("server failed: {err}");
            ExitCode::FAILURE
        }
    }
}

//! Logs (JSON lines or human-readable text, filtered by `RUST_LOG`, default `info`),
//! metrics and the request context that ties a request's work together.

pub(crate) mod metrics;
mod metrics_server;
mod otel;
pub(crate) mod trace_context;

use std::str::FromStr;

use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt};

pub(crate) use self::metrics_server::ScrapeSources;
pub use self::{metrics_server::MetricsListener, otel::shutdown};
use crate::infra::setting::deserialize_from_str;

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "json" => Ok(Self::Json),
            "pretty" => Ok(Self::Pretty),
            _ => Err("expected json or pretty".into()),
        }
    }
}

deserialize_from_str!(LogFormat);

/// Installs the log writer and, with `otlp_endpoint`, the span exporter naming `service`.
/// An exporter that cannot be built is reported and left out: logs still work.
pub(crate) fn init(format: LogFormat, otlp_endpoint: Option<&str>, service: &'static str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let (exporter, failure) = match otlp_endpoint.map(|endpoint| otel::layer(endpoint, service)) {
        Some(Ok(layer)) => (Some(layer), None),
        Some(Err(err)) => (None, Some(err)),
        None => (None, None),
    };
    let registry = tracing_subscriber::registry().with(filter).with(exporter);
    match format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true),
            )
            .init(),
        LogFormat::Pretty => registry.with(fmt::layer()).init(),
    }
    if let Some(err) = failure {
        tracing::error!(error = %err, "cannot export spans to OTEL_EXPORTER_OTLP_ENDPOINT");
    }
}

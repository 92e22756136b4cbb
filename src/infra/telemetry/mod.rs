//! Logs (JSON lines or human-readable text, filtered by `RUST_LOG`, default `info`),
//! metrics and the request context that ties a request's work together.

pub(crate) mod metrics;
mod metrics_server;
pub(crate) mod trace_context;

use std::str::FromStr;

use tracing_subscriber::{EnvFilter, fmt};

pub use self::metrics_server::MetricsListener;
pub(crate) use self::metrics_server::ScrapeSources;
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

pub(crate) fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init(),
        LogFormat::Pretty => builder.init(),
    }
}

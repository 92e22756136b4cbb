//! The sections that belong to the application rather than to one adapter.

use std::{net::IpAddr, num::NonZeroUsize, str::FromStr, time::Duration};

use ipnet::IpNet;
use serde::{Deserialize, Deserializer, de::Error};
use smart_default::SmartDefault;

use crate::{
    domain::MinScore,
    http::ClientIpHeader,
    infra::{
        setting::{deserialize_from_str, http_url, items, list, positive_millis, seconds},
        telemetry::LogFormat,
    },
};

/// `APP_*`.
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct AppSettings {
    pub env: AppEnv,
    #[default("127.0.0.1".into())]
    pub host: String,
    #[default(8080)]
    pub port: u16,
}

/// `APP_ENV`: production means strict start-up checks and JSON logs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AppEnv {
    #[default]
    Development,
    Test,
    Production,
}

/// The variables that share no prefix: each field names its whole variable.
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct ServerSettings {
    /// bcrypt cost, 4 to 31.
    #[default(12)]
    #[serde(deserialize_with = "hash_cost")]
    pub password_hash_cost: u32,
    /// The lowest zxcvbn score (0 to 4) a new password may have.
    #[serde(deserialize_with = "min_score")]
    pub password_min_score: MinScore,
    /// Password hashes (bcrypt) running at once; unset: one per core but one, at least one.
    pub password_hash_concurrency: Option<NonZeroUsize>,
    /// Password hashes that may wait for a slot; past it, 503 with `Retry-After`.
    #[default(256)]
    pub password_hash_queue: usize,
    /// Not ready (`/api/v1/health/ready`) while an unpublished event is older; zero: off.
    #[default(Duration::from_secs(300))]
    #[serde(
        rename = "readiness_max_outbox_age_seconds",
        deserialize_with = "seconds"
    )]
    pub readiness_max_outbox_age: Duration,
    /// The longest a password hash waits for a slot before its 503.
    #[default(Duration::from_secs(10))]
    #[serde(
        rename = "password_hash_queue_timeout_seconds",
        deserialize_with = "seconds"
    )]
    pub password_hash_queue_timeout: Duration,
    /// Origins allowed cross-origin (comma-separated); empty: none.
    #[serde(deserialize_with = "list")]
    pub cors_origins: Vec<String>,
    /// The longest a request may take before it is answered 503 with `Retry-After`: the
    /// bound on a dependency that stops answering (a stalled or partitioned database
    /// connection; sqlx has no statement timeout), kept under the usual clients' 10 s.
    #[default(Duration::from_secs(8))]
    #[serde(rename = "request_timeout_ms", deserialize_with = "positive_millis")]
    pub request_timeout: Duration,
    /// Larger bodies get 413.
    #[default(64 * 1024)]
    #[serde(rename = "request_body_limit_bytes")]
    pub request_body_limit: usize,
    /// `None`: JSON in production, pretty otherwise (see `Settings::log_format`).
    pub log_format: Option<LogFormat>,
    /// How long SIGINT/SIGTERM waits for in-flight requests.
    #[default(Duration::from_secs(30))]
    #[serde(rename = "shutdown_timeout_seconds", deserialize_with = "seconds")]
    pub shutdown_timeout: Duration,
    /// Proxies whose `CLIENT_IP_HEADER` is believed: CIDRs, or bare addresses meaning just
    /// that host.
    #[serde(deserialize_with = "proxies")]
    pub trusted_proxies: Vec<IpNet>,
    /// The one header the client's address is read from when the peer is a trusted proxy.
    pub client_ip_header: ClientIpHeader,
    /// An OpenTelemetry collector (OTLP/HTTP): spans are exported to its `/v1/traces`.
    #[serde(deserialize_with = "optional_http_url")]
    pub otel_exporter_otlp_endpoint: Option<String>,
    /// Where the Prometheus metrics listener binds.
    pub metrics_addr: MetricsAddr,
}

/// `METRICS_ADDR`: `host:port`, `off`, or unset for the process's own default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum MetricsAddr {
    /// The API's and the worker's defaults differ, so that both run on one host as they are.
    #[default]
    ProcessDefault,
    At(String),
    Off,
}

impl MetricsAddr {
    /// Outside 9100-9999, where Prometheus's exporters are registered (node exporter: 9100).
    pub const API_DEFAULT: &str = "127.0.0.1:10091";
    pub const WORKER_DEFAULT: &str = "127.0.0.1:10092";
    /// What to do when the listener cannot bind, for the start-up error.
    pub const REMEDY: &str =
        "set METRICS_ADDR to a free host:port (each process on a host needs its own), or off";

    /// The address to bind, if any: `default` for a process that was given none.
    pub fn or(&self, default: &str) -> Option<String> {
        match self {
            Self::ProcessDefault => Some(default.to_owned()),
            Self::At(addr) => Some(addr.clone()),
            Self::Off => None,
        }
    }
}

impl FromStr for MetricsAddr {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(Self::ProcessDefault);
        }
        if raw.eq_ignore_ascii_case("off") {
            return Ok(Self::Off);
        }
        match raw.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => {
                Ok(Self::At(raw.to_owned()))
            }
            _ => Err("expected host:port (such as 127.0.0.1:10091) or off".into()),
        }
    }
}

deserialize_from_str!(MetricsAddr);

impl FromStr for AppEnv {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "development" | "dev" => Ok(Self::Development),
            "test" => Ok(Self::Test),
            "production" | "prod" => Ok(Self::Production),
            _ => Err("expected development, test or production".into()),
        }
    }
}

deserialize_from_str!(AppEnv);

fn hash_cost<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let cost = u32::deserialize(d)?;
    if (4..=31).contains(&cost) {
        Ok(cost)
    } else {
        Err(D::Error::custom("must be between 4 and 31"))
    }
}

fn min_score<'de, D: Deserializer<'de>>(d: D) -> Result<MinScore, D::Error> {
    let raw = String::deserialize(d)?;
    let score = raw
        .trim()
        .parse::<u8>()
        .map_err(|_| D::Error::custom("must be a whole number from 0 to 4"))?;
    MinScore::new(score).map_err(D::Error::custom)
}

fn optional_http_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    http_url::<D, String>(d).map(Some)
}

fn proxies<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<IpNet>, D::Error> {
    let raw = String::deserialize(d)?;
    items(&raw)
        .map(|cidr| {
            cidr.parse::<IpNet>()
                .or_else(|_| cidr.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{cidr:?} is not an IP address or CIDR"))
        })
        .collect::<Result<_, _>>()
        .map_err(D::Error::custom)
}

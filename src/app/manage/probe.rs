//! `manage probe URL`: the health check of an image that has no curl or shell.

use std::{error::Error, time::Duration};

use clap::Args;

use crate::config::AppSettings;

/// GET a URL and succeed on a 2xx answer: the image's HEALTHCHECK and Compose's health
/// checks (the runtime image has no curl). Reads no settings.
#[derive(Debug, Args)]
pub struct Probe {
    /// The URL to GET [default: http://127.0.0.1:$APP_PORT/api/v1/health/live, the API's
    /// liveness on this host (APP_PORT from the environment, else 8080)].
    url: Option<String>,
    /// Seconds to wait for the whole answer.
    #[arg(long, default_value_t = 3, value_name = "SECONDS")]
    timeout: u64,
}

impl Probe {
    /// `Ok` names the status; `Err` names the status or why there was none.
    pub async fn run(self) -> Result<String, String> {
        let url = match self.url {
            Some(url) => url,
            None => own_liveness_url()?,
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(self.timeout))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| format!("cannot make an HTTP client: {err}"))?;
        let response = client
            .get(&url)
            .send()
            .await
            .map_err(|err| format!("{url}: {}", with_causes(&err)))?;
        let status = response.status();
        match status.is_success() {
            true => Ok(format!("{url}: {status}")),
            false => Err(format!("{url}: {status}")),
        }
    }
}

/// The API's liveness on this host, on `APP_PORT` as the server reads it: the image's
/// HEALTHCHECK follows the port an operator sets.
fn own_liveness_url() -> Result<String, String> {
    let port = match std::env::var("APP_PORT") {
        Ok(port) => port
            .parse::<u16>()
            .map_err(|_| format!("APP_PORT {port:?} is not a port number"))?,
        Err(_) => AppSettings::default().port,
    };
    Ok(format!("http://127.0.0.1:{port}/api/v1/health/live"))
}

/// reqwest's message with its causes ("error sending request ...: operation timed out"), the
/// part an operator reading a failed health check needs.
fn with_causes(err: &dyn Error) -> String {
    let mut message = err.to_string();
    let mut cause = err.source();
    while let Some(err) = cause {
        message.push_str(": ");
        message.push_str(&err.to_string());
        cause = err.source();
    }
    message
}

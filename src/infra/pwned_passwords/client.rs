use reqwest::Client;
use sha1::{Digest, Sha1};

use super::{Exposure, PwnedPasswordsSettings, range};
use crate::domain::Password;

/// The range API over HTTP: one GET per new password, never retried, bounded by `timeout`.
pub(crate) struct RangeClient {
    client: Client,
    settings: PwnedPasswordsSettings,
}

impl RangeClient {
    pub(crate) fn new(settings: PwnedPasswordsSettings) -> Result<Self, String> {
        let client = Client::builder()
            .user_agent(concat!("accounts-api/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self { client, settings })
    }

    /// Asks for the range of the password's SHA-1 prefix and looks for its suffix. A failed
    /// lookup logs one warning, which names neither the password nor any part of its hash.
    pub(crate) async fn check(&self, password: &Password) -> Exposure {
        let digest = hex::encode_upper(Sha1::digest(password.expose().as_bytes()));
        let (prefix, suffix) = digest.split_at(5);
        match self
            .fetch(prefix)
            .await
            .and_then(|body| range::breached(&body, suffix))
        {
            Ok(true) => Exposure::Breached,
            Ok(false) => Exposure::Clean,
            Err(reason) => {
                tracing::warn!(
                    reason,
                    "breached-password lookup failed; letting the password through"
                );
                Exposure::Unknown
            }
        }
    }

    /// The range's text, or why there is none (without the URL: it holds the prefix).
    async fn fetch(&self, prefix: &str) -> Result<String, String> {
        let base = self.settings.url.trim_end_matches('/');
        let request = self
            .client
            .get(format!("{base}/range/{prefix}"))
            .header("Add-Padding", "true");
        let exchange = async {
            let response = request.send().await?;
            let status = response.status();
            Ok::<_, reqwest::Error>((status, response.text().await?))
        };
        match tokio::time::timeout(self.settings.timeout, exchange).await {
            Err(_) => Err(format!("no answer within {:?}", self.settings.timeout)),
            Ok(Err(err)) => Err(err.without_url().to_string()),
            Ok(Ok((status, _))) if !status.is_success() => Err(format!("HTTP {status}")),
            Ok(Ok((_, body))) => Ok(body),
        }
    }
}

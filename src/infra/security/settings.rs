use std::{path::PathBuf, time::Duration};

use serde::Deserialize;
use smart_default::SmartDefault;

use super::SigningAlgorithm;
use crate::infra::setting::{issuer_url, list, positive_seconds};

/// The signing key pair and the claims of access tokens (`JWT_*`).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct JwtSettings {
    /// `RS256` (default), `ES256` or `EdDSA`: the kind of the key pair below.
    pub algorithm: SigningAlgorithm,
    #[default(".certs/jwt-private.pem".into())]
    pub private_key_path: PathBuf,
    #[default(".certs/jwt-public.pem".into())]
    pub public_key_path: PathBuf,
    /// Public keys of earlier key pairs (comma-separated paths): tokens they signed keep
    /// working until they expire.
    #[serde(deserialize_with = "list")]
    pub retired_public_key_paths: Vec<PathBuf>,
    #[default(Duration::from_secs(900))]
    #[serde(
        rename = "access_token_ttl_seconds",
        deserialize_with = "positive_seconds"
    )]
    pub access_token_ttl: Duration,
    /// The `iss` of every token and the OpenID Provider's identifier (an http(s) URL); unset,
    /// `http://localhost:<APP_PORT>` outside production (see `app::checks::issuer`).
    #[serde(deserialize_with = "issuer_url")]
    pub issuer: Option<String>,
    #[default("accounts-api".into())]
    pub audience: String,
}

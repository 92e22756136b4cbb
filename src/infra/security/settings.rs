use std::{path::PathBuf, time::Duration};

/// The RS256 key pair and the claims of access tokens.
#[derive(Clone, Debug)]
pub struct JwtSettings {
    pub private_key_path: PathBuf,
    pub public_key_path: PathBuf,
    pub access_token_ttl: Duration,
    pub issuer: String,
    pub audience: String,
}

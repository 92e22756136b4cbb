use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use smart_default::SmartDefault;

/// The database used when `DATABASE_URL` is unset: an SQLite file under `./data`, created on
/// first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/app.db?mode=rwc";

/// The database (`DATABASE_*`).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`, secret because it may hold a password; `None`:
    /// [`DEFAULT_DATABASE_URL`] (production refuses to start without one).
    pub url: Option<SecretString>,
    /// Pool size.
    #[default(10)]
    pub max_connections: u32,
}

impl DatabaseSettings {
    pub fn url(&self) -> &str {
        self.url
            .as_ref()
            .map_or(DEFAULT_DATABASE_URL, |url| url.expose_secret())
    }
}

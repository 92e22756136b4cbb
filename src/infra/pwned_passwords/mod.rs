//! The breach lookup of new passwords: a Pwned-Passwords-style range API, or off (the
//! default). k-anonymity: only the first 5 hex digits of the password's SHA-1 leave the
//! service; the API answers every suffix it knows under them, and the match is made here.

mod client;
mod range;
mod settings;

pub(crate) use client::RangeClient;
pub use settings::PwnedPasswordsSettings;

use crate::{domain::Password, infra::telemetry::metrics};

/// What the lookup said about a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exposure {
    Breached,
    Clean,
    /// No usable answer (timeout, error, garbled): the password is let through (fail open).
    Unknown,
}

/// The two breach checks behind one interface.
pub(crate) enum BreachCheck {
    /// No lookup: no password counts as breached.
    Off,
    RangeApi(Box<RangeClient>),
}

impl BreachCheck {
    /// Whether `password` is known to be breached; an unanswered lookup says no.
    pub(crate) async fn is_breached(&self, password: &Password) -> bool {
        let Self::RangeApi(api) = self else {
            return false;
        };
        let exposure = api.check(password).await;
        metrics::pwned_password_check(match exposure {
            Exposure::Breached => "breached",
            Exposure::Clean => "clean",
            Exposure::Unknown => "unknown",
        });
        exposure == Exposure::Breached
    }
}

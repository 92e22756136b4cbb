//! Password hashing, access-token signing, session lifetimes, single-use tokens, TOTP and
//! the keys that seal its secrets.

mod hash_error;
mod hash_gate;
mod key_set;
mod keys;
mod one_time_token;
mod password;
mod ring_crypto;
mod sealing;
mod session_settings;
mod settings;
mod signing;
mod tokens;
pub(crate) mod totp;

pub use hash_error::HashError;
pub(crate) use hash_gate::HashGate;
pub use keys::KeyError;
pub use one_time_token::{OneTimeToken, sha256_hex};
pub use password::{HasherKind, PasswordHasher};
pub use sealing::SealingKeys;
pub(crate) use sealing::{SealError, Sealed, sealing_keys};
pub use session_settings::SessionSettings;
pub use settings::JwtSettings;
pub use signing::{KeyPair, SigningAlgorithm};
pub(crate) use tokens::{AccessToken, SessionClaims, TokenError, TokenService};

//! Password hashing, access-token signing and single-use tokens.

mod key_set;
mod keys;
mod one_time_token;
mod password;
mod settings;
mod tokens;

pub use keys::{KeyError, RsaKeyPair};
pub use one_time_token::{OneTimeToken, sha256_hex};
pub use password::{HashError, HasherKind, PasswordHasher};
pub use settings::JwtSettings;
pub(crate) use tokens::{AccessToken, TokenError, TokenService};

//! Password hashing and access-token signing.

mod keys;
mod password;
mod tokens;

pub use keys::{KeyError, RsaKeyPair};
pub use password::{HashError, PasswordHasher};
pub use tokens::{AccessToken, Claims, TokenError, TokenService};

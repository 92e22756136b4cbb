//! Access tokens and the keys that verify them.

mod create_access_token;
mod jwks;

/// This area's slices, in document order.
pub(super) type Slices = (create_access_token::CreateAccessTokenRoute, jwks::JwksRoute);

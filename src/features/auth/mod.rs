//! Access and refresh tokens, their revocation, and the keys and metadata that describe
//! them.

mod authorization_server_metadata;
mod create_access_token;
mod jwks;
mod revoke_token;

/// This area's slices, in document order.
pub(super) type Slices = (
    create_access_token::CreateAccessTokenRoute,
    revoke_token::RevokeTokenRoute,
    jwks::JwksRoute,
    authorization_server_metadata::AuthorizationServerMetadataRoute,
);

//! Access and refresh tokens, their revocation, and the keys and metadata that describe
//! them.

mod create_access_token;
mod get_authorization_server_metadata;
mod get_jwks;
mod grant_types;
mod revoke_token;

/// This area's slices, in document order.
pub(super) type Slices = (
    create_access_token::CreateAccessTokenRoute,
    revoke_token::RevokeTokenRoute,
    get_jwks::GetJwksRoute,
    get_authorization_server_metadata::GetAuthorizationServerMetadataRoute,
);

//! `GET /.well-known/oauth-authorization-server`: the authorization server metadata
//! (RFC 8414): the issuer, where the token, revocation and key endpoints are, and what they
//! support. No command or handler: it is built from the settings and the request's origin.

mod dto;
mod route;

pub(crate) use route::GetAuthorizationServerMetadataRoute;

//! `GET /.well-known/jwks.json`: the public keys that verify access tokens (RFC 7517), so
//! other services can check our tokens themselves. No command or handler: the key set is
//! built once at start-up by the token service.

mod dto;
mod route;

pub(crate) use route::GetJwksRoute;

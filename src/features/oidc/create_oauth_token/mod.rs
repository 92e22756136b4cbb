//! `POST /oauth2/token`: the OAuth token endpoint of the code flow (authorization code and
//! refresh token grants, client authentication), answering RFC 6749's JSON errors.

mod client_auth;
mod command;
mod dto;
mod handler;
mod id_token;
mod route;

pub(crate) use route::CreateOauthTokenRoute;

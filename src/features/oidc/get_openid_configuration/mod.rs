//! `GET /.well-known/openid-configuration`: OpenID Provider metadata (OpenID Connect
//! Discovery 1.0), built from the settings and the request's origin.

mod dto;
mod route;

pub(crate) use route::GetOpenidConfigurationRoute;

//! `GET /oauth2/authorize`: the OpenID Connect authorization endpoint (code flow, PKCE S256).

mod handler;
mod query;
mod route;

pub(crate) use route::AuthorizeRoute;

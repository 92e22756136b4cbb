//! `GET /oauth2/logout`: RP-Initiated Logout 1.0.

mod handler;
mod route;

pub(crate) use route::EndSessionRoute;

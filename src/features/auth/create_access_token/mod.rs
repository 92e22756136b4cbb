//! `POST /api/v1/token/access`: the OAuth2 password grant, as a form or JSON.

mod command;
mod dto;
mod error;
mod handler;
mod route;

pub(crate) use route::CreateAccessTokenRoute;

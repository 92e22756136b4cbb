//! `POST /api/v1/token/access`: the OAuth2 password and refresh-token grants, and the
//! second step of a login, as a form or JSON.

mod command;
mod dto;
mod error;
mod handler;
mod passkey_grant;
mod route;
mod second_step;

pub(crate) use route::CreateAccessTokenRoute;

//! `POST /api/v1/token/access`: the OAuth2 password grant, as a form or JSON.

mod command;
mod dto;
mod handler;
mod route;

pub use command::CreateAccessToken;
pub use handler::create_access_token;
pub use route::CreateAccessTokenRoute;

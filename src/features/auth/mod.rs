//! Access tokens.

pub mod create_access_token;

pub use create_access_token::CreateAccessTokenRoute;

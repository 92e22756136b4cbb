//! `POST /oauth2/sign-in/passkey`: the sign-in page's passkey button posts its assertion.

mod dto;
mod handler;
mod route;

pub(crate) use route::SubmitPasskeySignInRoute;

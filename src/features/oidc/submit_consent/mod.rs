//! `POST /oauth2/consent`: the consent page's answer.

mod dto;
mod route;

pub(crate) use route::SubmitConsentRoute;

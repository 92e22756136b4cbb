//! `GET /oauth2/consent`: the consent page of a pending authorization request.

mod route;

pub(crate) use route::GetConsentPageRoute;

//! `GET /oauth2/sign-in`: the hosted sign-in page of a pending authorization request.

mod route;

pub(crate) use route::GetSignInPageRoute;

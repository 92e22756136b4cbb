//! `GET /oauth2/userinfo`: the claims of the granted scopes, for an access token of the
//! code flow.

mod route;

pub(crate) use route::GetUserinfoRoute;

//! `POST /oauth2/userinfo`: the UserInfo endpoint for clients that POST.

mod route;

pub(crate) use route::PostUserinfoRoute;

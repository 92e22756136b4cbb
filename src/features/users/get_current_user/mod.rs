//! `GET /api/v1/users`: the caller's own account, as the bearer check read it with the
//! session (no second query).

mod route;

pub(crate) use route::GetCurrentUserRoute;

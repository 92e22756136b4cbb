//! `GET /api/v1/consents`: the clients the caller consented to, the latest first.

mod dto;
mod route;

pub(crate) use route::ListConsentsRoute;

//! `GET /api/v1/admin/users`: every account, a page at a time in creation order, filtered.

mod dto;
mod handler;
mod query;
mod route;

pub(crate) use route::ListUsersRoute;

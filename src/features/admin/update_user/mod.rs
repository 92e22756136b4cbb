//! `PATCH /api/v1/admin/users/{id}`: disable or enable any account, or mark its address
//! confirmed or not.

mod command;
mod dto;
mod handler;
mod route;

pub(crate) use route::UpdateUserRoute;

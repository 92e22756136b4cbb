//! `PUT /api/v1/admin/users/{id}/permissions/{permission}`: grant an account a permission.

mod handler;
mod route;

pub(crate) use route::GrantPermissionRoute;

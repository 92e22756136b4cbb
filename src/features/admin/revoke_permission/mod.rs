//! `DELETE /api/v1/admin/users/{id}/permissions/{permission}`: revoke a permission from an
//! account, unless that would lock every administrator out.

mod error;
mod handler;
mod route;

pub(crate) use route::RevokePermissionRoute;

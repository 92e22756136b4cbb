//! `DELETE /api/v1/admin/users/{id}/mfa`: remove every second factor of an account.

mod handler;
mod route;

pub(crate) use route::DeleteUserMfaRoute;

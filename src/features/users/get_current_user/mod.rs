//! `GET /api/v1/users`: the caller's own account.

mod handler;
mod query;
mod route;

pub use handler::get_current_user;
pub use query::GetCurrentUser;
pub use route::GetCurrentUserRoute;

//! `DELETE /api/v1/sessions/current`: log out, ending the session of the token used.

mod command;
mod route;

pub(crate) use route::DeleteCurrentSessionRoute;

//! `DELETE /api/v1/admin/clients/{client_id}`: delete a registered client.

mod command;
mod handler;
mod route;

pub(crate) use route::DeleteClientRoute;

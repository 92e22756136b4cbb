//! `GET /api/v1/admin/clients/{client_id}`: one registered client.

mod handler;
mod query;
mod route;

pub(crate) use route::GetClientRoute;

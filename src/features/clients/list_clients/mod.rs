//! `GET /api/v1/admin/clients`: every registered client, a page at a time in registration
//! order.

mod dto;
mod handler;
mod query;
mod route;

pub(crate) use route::ListClientsRoute;

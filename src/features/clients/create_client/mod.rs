//! `POST /api/v1/admin/clients`: register an OAuth client; a confidential one gets its secret,
//! shown this once.

mod command;
mod dto;
mod handler;
mod route;

pub(crate) use route::CreateClientRoute;

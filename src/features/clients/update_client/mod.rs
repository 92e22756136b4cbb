//! `PATCH /api/v1/admin/clients/{client_id}`: change a client's registration (not its type).

mod command;
mod dto;
mod handler;
mod route;

pub(crate) use route::UpdateClientRoute;

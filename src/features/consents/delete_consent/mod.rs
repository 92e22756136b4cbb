//! `DELETE /api/v1/consents/{client_id}`: withdraw a client's consent and end its sessions.

mod error;
mod route;

pub(crate) use route::DeleteConsentRoute;

//! `POST /api/v1/admin/clients/{client_id}/secret`: replace a confidential client's secret.

mod command;
mod dto;
mod error;
mod handler;
mod route;

pub(crate) use route::RotateClientSecretRoute;

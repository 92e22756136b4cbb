//! `GET /api/v1/health`: whether the service and its dependencies answer.

mod dto;
mod handler;
mod query;
mod route;

pub(crate) use route::CheckHealthRoute;

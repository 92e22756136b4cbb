//! `GET /api/v1/health`: whether the service and its dependencies answer.

mod dto;
mod handler;
mod query;
mod route;

pub use handler::check_health;
pub use query::{CheckHealth, HealthReport};
pub use route::CheckHealthRoute;

//! `GET /api/v1/health/live`: the process answers. No dependency is checked, so a database
//! outage never gets a healthy process restarted.

mod dto;
mod route;

pub(crate) use route::CheckLivenessRoute;

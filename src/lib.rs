//! accounts-api: user accounts and authentication, as vertical slices on one OpenAPI service.

pub mod app;
pub mod config;
pub mod domain;
pub mod error;
pub mod features;
pub mod infra;
pub mod platform;
pub mod telemetry;
pub mod worker;

//! accounts-api: user accounts and authentication, as vertical slices on one OpenAPI service.
//! Layers point down only: `app` (with `config`) -> `features` -> `http` -> `services` ->
//! `infra` -> `domain`.

pub mod app;
pub mod config;
pub mod domain;
mod features;
#[cfg(any(test, fuzzing))]
pub mod fuzzing;
mod http;
pub mod infra;
mod services;

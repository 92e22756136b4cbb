//! `GET /api/v1/health/ready`: whether this instance should get traffic. The database, and
//! Redis and Kafka when configured, are probed concurrently with their latency; the outbox
//! must have no unpublished event older than `READINESS_MAX_OUTBOX_AGE_SECONDS`.

mod dto;
mod handler;
mod query;
mod route;

pub(crate) use route::CheckReadinessRoute;

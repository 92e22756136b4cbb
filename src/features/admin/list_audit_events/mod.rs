//! `GET /api/v1/admin/audit`: the audit trail, newest first, a page at a time, optionally
//! narrowed to one actor, one target account or one action.

mod dto;
mod handler;
mod query;
mod route;

pub(crate) use route::ListAuditEventsRoute;

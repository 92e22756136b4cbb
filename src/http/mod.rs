//! The HTTP boundary: the state handlers get, the one error type rendered as problem+json,
//! the guards (authentication, rate limits), the middleware, and OpenAPI helpers.

mod at_least_one;
mod auth;
mod body_limit;
mod client_ip;
mod cursor;
mod device;
mod document;
mod error;
mod json_bool;
mod json_list;
mod json_object;
mod json_string;
mod limits;
mod openapi;
mod operations;
mod origin;
mod pages;
mod paging;
mod path_segment;
mod permitted;
mod problem;
mod provenance;
mod refusals;
mod request_log;
mod state;
mod tags;

pub(crate) use at_least_one::AtLeastOne;
pub(crate) use auth::Authenticated;
pub(crate) use body_limit::limit_body;
pub(crate) use client_ip::IpBucket;
pub use client_ip::{ClientIpHeader, Proxies};
pub(crate) use cursor::Cursor;
pub(crate) use document::with_documents;
pub(crate) use error::{ApiError, MfaChallenge};
pub(crate) use json_bool::OptionalBool;
pub(crate) use json_list::{JsonList, ListRules, OptionalList};
pub(crate) use json_object::JsonObject;
pub(crate) use json_string::{JsonString, OptionalString, StringRules};
pub(crate) use limits::{LIMIT_HEADERS, PerIp, report_limits};
pub(crate) use openapi::{ErrorStatuses, MergedApi, Problem, error_statuses};
pub(crate) use operations::{Operations, add_allow};
pub(crate) use origin::Origin;
pub(crate) use pages::{
    BrowserCookies, PASSKEY_SCRIPT, PageResponse, page_headers, render, same_origin_outside_cors,
};
pub(crate) use paging::{Direction, Keyset, KeysetPage, Page};
pub(crate) use path_segment::{PathSegment, ResourceId};
pub(crate) use permitted::{Permitted, can};
pub(crate) use problem::{ProblemKind, problem_kinds};
pub(crate) use refusals::{TokenProblems, invalid_mfa_token, last_writer, lockout};
pub(crate) use request_log::{REQUEST_ID, TRACEPARENT, log_request};
pub use state::AppState;
pub(crate) use tags::ApiTags;

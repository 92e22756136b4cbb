//! Rate limits at the HTTP edge, as guards in an endpoint's signature: `PerIp` charges the
//! client IP before anything else runs; `Authenticated` (see `auth`) charges the IP and the
//! user together, or the IP alone when the token fails. There is no other way to limit an
//! operation, so a user limit without authentication cannot be written, and a request's IP
//! is charged at most once whichever guards it meets. Every limited response carries
//! `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` for the tightest limit.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use parking_lot::Mutex;

use poem::{FromRequest, Request, RequestBody, Response, http::HeaderValue};
use uuid::Uuid;

use super::{AppState, error::ApiError};
use crate::infra::rate_limit::{Decision, Scope};

pub(crate) const LIMIT_HEADERS: [&str; 3] =
    ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"];

/// Guard of an anonymous operation: the client IP is charged before the operation runs.
/// Put it first in the signature, before the body, so a malformed body is charged too.
pub(crate) struct PerIp;

impl<'a> FromRequest<'a> for PerIp {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        charge(req, None).await?;
        Ok(Self)
    }
}

/// Charges the request's IP (unless already charged) and `user` when given, in one step.
pub(super) async fn charge(req: &Request, user: Option<Uuid>) -> Result<(), ApiError> {
    let state = AppState::of(req)?;
    let report = req.extensions().get::<Arc<LimitReport>>();
    let ip_due = report.is_none_or(|r| !r.ip_charged.swap(true, Ordering::Relaxed));
    let bucket = ip_due.then(|| state.proxies.bucket(req));
    let user = user.map(|id| id.to_string());
    let checks: Vec<_> = bucket
        .as_deref()
        .map(|ip| (Scope::Ip, ip))
        .into_iter()
        .chain(user.as_deref().map(|id| (Scope::User, id)))
        .collect();
    if checks.is_empty() {
        return Ok(());
    }
    let decisions = state.limits.acquire(&checks).await?.unwrap_or_default();
    if let Some(report) = report {
        decisions.iter().for_each(|d| report.record(*d));
    }
    match decisions.into_iter().find(|d| !d.allowed) {
        Some(refused) => Err(ApiError::too_many_requests(&refused)),
        None => Ok(()),
    }
}

/// Gives the request a report its guards fill in; its [`LimitReport::write_headers`] then
/// writes the tightest decision on whatever response goes out.
pub(super) fn attach_report(req: &mut Request) -> Arc<LimitReport> {
    let report = Arc::new(LimitReport::default());
    req.extensions_mut().insert(report.clone());
    report
}

/// One request's limits: whether its IP was charged, and the tightest decision.
#[derive(Default)]
pub(super) struct LimitReport {
    ip_charged: AtomicBool,
    tightest: Mutex<Option<Decision>>,
}

impl LimitReport {
    /// The tightest decision as `RateLimit-*` headers, if any limit was checked.
    pub(super) fn write_headers(&self, response: &mut Response) {
        if let Some(d) = self.tightest() {
            let reset = d.reset.as_secs_f64().ceil() as u64;
            let values = [u64::from(d.limit), u64::from(d.remaining), reset];
            for (name, value) in LIMIT_HEADERS.into_iter().zip(values) {
                response
                    .headers_mut()
                    .insert(name, HeaderValue::from(value));
            }
        }
    }

    fn record(&self, decision: Decision) {
        let mut tightest = self.tightest.lock();
        // Refused beats allowed, then fewer hits left.
        let tighter = tightest
            .is_none_or(|t| (decision.allowed, decision.remaining) < (t.allowed, t.remaining));
        if tighter {
            *tightest = Some(decision);
        }
    }

    fn tightest(&self) -> Option<Decision> {
        *self.tightest.lock()
    }
}

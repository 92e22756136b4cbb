//! Rate limits at the HTTP edge. Each limited operation names its limit next to its route:
//! `transform = "limit_per_ip"` charges the client IP before anything else runs;
//! `transform = "limit_per_ip_and_user"` lets the bearer check charge the IP and the user in
//! one round trip (or the IP alone, afterwards, when authentication failed). Every limited
//! response carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` for the
//! tightest limit that applied.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, Ordering},
};

use poem::{
    Endpoint, EndpointExt, IntoResponse, Request, Response, error::ResponseError, http::HeaderValue,
};
use uuid::Uuid;

use crate::{
    app::AppState,
    error::{ApiError, into_problem_response},
    features::AppError,
    infra::rate_limit::{Decision, RateLimits, Scope},
    platform::client_ip::{client_ip, ip_bucket},
};

pub const LIMIT_HEADERS: [&str; 3] = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"];

/// Transform for operations limited per client IP, charged before the operation runs.
pub fn limit_per_ip<E: Endpoint + 'static>(ep: E) -> impl Endpoint {
    ep.around(|ep, req| limited(ep, req, true))
}

/// Transform for authenticated operations: per client IP and per user, charged together by
/// the bearer check.
pub fn limit_per_ip_and_user<E: Endpoint + 'static>(ep: E) -> impl Endpoint {
    ep.around(|ep, req| limited(ep, req, false))
}

/// Called by the bearer check once the caller is known.
pub async fn limit_user(req: &Request, state: &AppState, user_id: Uuid) -> Result<(), ApiError> {
    match req.extensions().get::<Arc<LimitReport>>() {
        Some(report) => report.charge(&state.limits, Some(user_id)).await,
        None => refusal(
            state
                .limits
                .acquire(&[(Scope::User, &user_id.to_string())])
                .await,
        ),
    }
}

async fn limited<E: Endpoint>(
    ep: Arc<E>,
    mut req: Request,
    charge_first: bool,
) -> poem::Result<Response> {
    let Some(state) = req.data::<AppState>() else {
        return Err(ApiError::Internal.into());
    };
    let limits = state.limits.clone();
    let bucket =
        client_ip(&req, &state.trusted_proxies).map_or_else(|| "unknown".to_owned(), ip_bucket);
    let report = Arc::new(LimitReport {
        ip_bucket: bucket,
        ..LimitReport::default()
    });
    let refused = if charge_first {
        report.charge(&limits, None).await.err()
    } else {
        None
    };
    let mut response = match refused {
        Some(err) => err.as_response(),
        None => {
            req.extensions_mut().insert(report.clone());
            match ep.call(req).await {
                Ok(response) => response.into_response(),
                Err(err) => into_problem_response(err),
            }
        }
    };
    if !report.ip_charged.load(Ordering::Relaxed)
        && let Err(err) = report.charge(&limits, None).await
    {
        response = err.as_response();
    }
    Ok(with_limit_headers(response, report.tightest()))
}

/// One request's limits: its IP bucket, whether it was charged, and the tightest decision.
#[derive(Default)]
struct LimitReport {
    ip_bucket: String,
    ip_charged: AtomicBool,
    tightest: Mutex<Option<Decision>>,
}

impl LimitReport {
    /// Charges the IP, and the user when given, in one step.
    async fn charge(&self, limits: &RateLimits, user: Option<Uuid>) -> Result<(), ApiError> {
        self.ip_charged.store(true, Ordering::Relaxed);
        let user = user.map(|id| id.to_string());
        let mut checks = vec![(Scope::Ip, self.ip_bucket.as_str())];
        checks.extend(user.as_deref().map(|id| (Scope::User, id)));
        let result = limits.acquire(&checks).await;
        if let Ok(Some(decisions)) = &result {
            decisions.iter().for_each(|d| self.record(*d));
        }
        refusal(result)
    }

    fn record(&self, decision: Decision) {
        let mut tightest = self
            .tightest
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Refused beats allowed, then fewer hits left.
        let tighter = tightest
            .is_none_or(|t| (decision.allowed, decision.remaining) < (t.allowed, t.remaining));
        if tighter {
            *tightest = Some(decision);
        }
    }

    fn tightest(&self) -> Option<Decision> {
        *self
            .tightest
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The error for a refused (or, failing closed, unanswered) check.
fn refusal<E>(result: Result<Option<Vec<Decision>>, E>) -> Result<(), ApiError> {
    match result {
        Err(_) => Err(AppError::unavailable("the rate limiter is unavailable").into()),
        Ok(decisions) => match decisions.into_iter().flatten().find(|d| !d.allowed) {
            Some(decision) => Err(ApiError::TooManyRequests(decision)),
            None => Ok(()),
        },
    }
}

fn with_limit_headers(mut response: Response, decision: Option<Decision>) -> Response {
    if let Some(d) = decision {
        let reset = d.reset.as_secs_f64().ceil() as u64;
        for (name, value) in
            LIMIT_HEADERS
                .into_iter()
                .zip([d.limit as u64, d.remaining as u64, reset])
        {
            response
                .headers_mut()
                .insert(name, HeaderValue::from(value));
        }
    }
    response
}

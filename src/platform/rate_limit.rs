//! Rate limits at the HTTP edge. A limited operation names its transform next to its route
//! (`#[oai(..., transform = "limit_per_ip")]`); authenticated operations are also limited
//! per user inside the bearer check. Every limited response carries `RateLimit-Limit`,
//! `RateLimit-Remaining` and `RateLimit-Reset` for the tightest limit that applied.

use std::sync::{Arc, Mutex};

use poem::{
    Endpoint, EndpointExt, IntoResponse, Request, Response, error::ResponseError, http::HeaderValue,
};
use uuid::Uuid;

use crate::{
    app::AppState,
    error::{ApiError, into_problem_response},
    infra::rate_limit::{Decision, Scope},
    platform::client_ip::{client_ip, ip_bucket},
};

pub const LIMIT_HEADERS: [&str; 3] = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"];

/// The decisions taken for one request; the one with the fewest hits left is reported.
#[derive(Default)]
pub struct LimitReport(Mutex<Option<Decision>>);

impl LimitReport {
    pub fn record(&self, decision: Decision) {
        let mut tightest = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if tightest.is_none_or(|t| decision.remaining < t.remaining || !decision.allowed) {
            *tightest = Some(decision);
        }
    }

    fn tightest(&self) -> Option<Decision> {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Transform for operations limited per client IP.
pub fn limit_per_ip<E: Endpoint + 'static>(ep: E) -> impl Endpoint {
    ep.around(|ep, mut req| async move {
        let (limits, ip) = match req.data::<AppState>() {
            Some(state) => (
                state.limits.clone(),
                client_ip(&req, &state.trusted_proxies),
            ),
            None => return Err(ApiError::Internal.into()),
        };
        let report = Arc::new(LimitReport::default());
        let bucket = ip.map_or_else(|| "unknown".to_owned(), ip_bucket);
        let response = match limits.acquire(Scope::Ip, &bucket).await {
            Err(_) => ApiError::Unavailable("the rate limiter is unavailable".into()).as_response(),
            Ok(Some(decision)) if !decision.allowed => {
                report.record(decision);
                ApiError::TooManyRequests(decision).as_response()
            }
            Ok(decision) => {
                decision.into_iter().for_each(|d| report.record(d));
                req.extensions_mut().insert(report.clone());
                match ep.call(req).await {
                    Ok(response) => response.into_response(),
                    Err(err) => into_problem_response(err),
                }
            }
        };
        Ok(with_limit_headers(response, report.tightest()))
    })
}

/// The per-user limit, checked once the caller is authenticated.
pub async fn limit_user(req: &Request, state: &AppState, user_id: Uuid) -> Result<(), ApiError> {
    let decision = state
        .limits
        .acquire(Scope::User, &user_id.to_string())
        .await
        .map_err(|_| ApiError::Unavailable("the rate limiter is unavailable".into()))?;
    let Some(decision) = decision else {
        return Ok(());
    };
    if let Some(report) = req.extensions().get::<Arc<LimitReport>>() {
        report.record(decision);
    }
    if decision.allowed {
        Ok(())
    } else {
        Err(ApiError::TooManyRequests(decision))
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

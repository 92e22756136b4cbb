//! Rate limiting against a real Redis (127.0.0.1:6379) and the in-memory limiter.

use std::time::Duration;

use accounts_api::{config::Settings, infra::rate_limit::Quota};
use reqwest::Response;
use uuid::Uuid;

use crate::helpers::{Backend, TestApp, header, spawn_app_with};

const REDIS: &str = "redis://127.0.0.1:6379";
/// A port where nothing listens: Redis "down".
const REDIS_DOWN: &str = "redis://127.0.0.1:1";

/// Runs a flow on both limiter stores: `both_stores!(flow)` makes `flow::memory` and `flow::redis`.
macro_rules! both_stores {
    ($($flow:ident),+ $(,)?) => {$(
        mod $flow {
            use super::Store;

            #[tokio::test]
            async fn memory() {
                super::$flow(Store::Memory).await;
            }

            #[tokio::test]
            async fn redis() {
                super::$flow(Store::Redis(super::fresh_prefix())).await;
            }
        }
    )+};
}

// After the macro, which the modules use.
mod store;
mod windows;

#[derive(Clone)]
enum Store {
    Memory,
    /// A key prefix of its own, so tests running at once never share buckets.
    Redis(String),
}

fn fresh_prefix() -> String {
    format!("test-{}:", Uuid::now_v7().simple())
}

fn quota(limit: u32, seconds: u64) -> Quota {
    Quota {
        limit,
        window: Duration::from_secs(seconds),
    }
}

/// An app whose limits are all generous except what `configure` tightens. On Redis it fails
/// closed, with all the time in the world for an answer: the whole app and the test's
/// clients share one thread, so on a busy machine a reply can sit unread for long, and an
/// outage must show as a 503, never as a request let through.
async fn spawn_limited(store: &Store, configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(Backend::Sqlite, |s| {
        if let Store::Redis(prefix) = store {
            s.redis.url = Some(REDIS.into());
            s.redis.key_prefix = prefix.clone();
            s.redis.timeout = Duration::from_secs(30);
            s.rate_limit.fail_closed = true;
        }
        s.rate_limit.per_ip = quota(10_000, 60);
        s.rate_limit.per_user = quota(10_000, 60);
        s.rate_limit.login_failures = quota(10_000, 60);
        configure(s);
    })
    .await
}

/// A cheap request to a per-IP-limited operation (400: a body that is not a JSON object).
async fn poke(app: &TestApp, forwarded_for: Option<&str>) -> Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/users"))
        .header("content-type", "application/json");
    if let Some(ip) = forwarded_for {
        request = request.header("x-forwarded-for", ip);
    }
    request.body("[]").send().await.expect("POST /api/v1/users")
}

fn limit_headers(resp: &Response) -> (String, String, String) {
    let h = resp.headers();
    (
        header(h, "ratelimit-limit"),
        header(h, "ratelimit-remaining"),
        header(h, "ratelimit-reset"),
    )
}

/// The status of one `poke` per forwarded client address, in order.
async fn statuses(app: &TestApp, forwarded_for: &[&str]) -> Vec<u16> {
    let mut statuses = Vec::new();
    for ip in forwarded_for {
        statuses.push(poke(app, Some(ip)).await.status().as_u16());
    }
    statuses
}

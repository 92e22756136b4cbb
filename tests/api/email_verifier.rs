//! The e-mail reputation check at sign-up and e-mail change, against a local HTTP server
//! that plays AbstractAPI's Email Reputation API.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use accounts_api::config::{EmailVerifierSettings, Settings};
use poem::{
    EndpointExt, Response, Route, Server, get, handler,
    http::StatusCode,
    listener::{Acceptor, Listener, TcpListener},
    web::{Data, Query},
};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{
    Backend, PASSWORD, TestApp, assert_problem, body_text, error_fields, expect_json, header,
    spawn_app_with,
};

const API_KEY: &str = "test-key-0123456789";
const REDIS: &str = "redis://127.0.0.1:6379";
const REDIS_DOWN: &str = "redis://127.0.0.1:1";

/// What the fake provider answers next.
#[derive(Clone)]
struct Reply {
    status: u16,
    body: String,
    retry_after: Option<&'static str>,
    delay: Duration,
}

impl Reply {
    /// A documented 200 answer.
    fn verdict(status: &str, format_valid: bool, disposable: bool) -> Self {
        let body = json!({
            "email_address": "x@example.com",
            "email_deliverability": {
                "status": status,
                "status_detail": "test",
                "is_format_valid": format_valid,
            },
            "email_quality": { "score": 0.5, "is_disposable": disposable },
        });
        Self::raw(200, &body.to_string())
    }

    fn deliverable() -> Self {
        Self::verdict("deliverable", true, false)
    }

    fn raw(status: u16, body: &str) -> Self {
        Self {
            status,
            body: body.into(),
            retry_after: None,
            delay: Duration::ZERO,
        }
    }
}

#[derive(Default)]
struct ProviderState {
    reply: Mutex<Option<Reply>>,
    /// The query string of each request received.
    calls: Mutex<Vec<HashMap<String, String>>>,
}

/// A local stand-in for the provider, on a random port.
struct Provider {
    url: String,
    state: Arc<ProviderState>,
}

#[handler]
async fn reputation(
    Query(query): Query<HashMap<String, String>>,
    state: Data<&Arc<ProviderState>>,
) -> Response {
    state.calls.lock().unwrap().push(query);
    let reply = state.reply.lock().unwrap().clone();
    let reply = reply.unwrap_or_else(Reply::deliverable);
    tokio::time::sleep(reply.delay).await;
    let mut response = Response::builder()
        .status(StatusCode::from_u16(reply.status).unwrap())
        .content_type("application/json");
    if let Some(seconds) = reply.retry_after {
        response = response.header("Retry-After", seconds);
    }
    response.body(reply.body)
}

impl Provider {
    async fn start() -> Self {
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap();
        let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
        let state = Arc::new(ProviderState::default());
        let routes = Route::new().at("/v1/", get(reputation).data(state.clone()));
        tokio::spawn(Server::new_with_acceptor(acceptor).run(routes));
        Self {
            url: format!("http://127.0.0.1:{port}/v1/"),
            state,
        }
    }

    fn answer(&self, reply: Reply) {
        *self.state.reply.lock().unwrap() = Some(reply);
    }

    fn calls(&self) -> usize {
        self.state.calls.lock().unwrap().len()
    }

    fn last_call(&self) -> HashMap<String, String> {
        self.state.calls.lock().unwrap().last().cloned().unwrap()
    }

    fn settings(&self) -> EmailVerifierSettings {
        EmailVerifierSettings {
            api_url: self.url.clone(),
            api_key: API_KEY.into(),
            timeout: Duration::from_secs(5),
            cache_ttl: Duration::from_secs(3600),
            cooldown: Duration::from_secs(7),
        }
    }
}

/// An app that checks addresses with `provider`; `configure` may adjust its settings.
async fn spawn_checked(
    backend: Backend,
    provider: &Provider,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    spawn_app_with(backend, |s| {
        s.email_verifier = Some(provider.settings());
        configure(s);
    })
    .await
}

async fn outbox_rows(app: &TestApp) -> u64 {
    use accounts_api::infra::db::entities::outbox;
    outbox::Entity::find().count(&app.db().await).await.unwrap()
}

async fn health(app: &TestApp) -> serde_json::Value {
    let resp = app.client.get(app.url("/api/v1/health")).send().await;
    expect_json(resp.unwrap(), 200).await
}

#[tokio::test]
async fn a_deliverable_address_is_checked_once_with_our_key_and_registered() {
    let provider = Provider::start().await;
    let app = spawn_checked(Backend::Sqlite, &provider, |_| {}).await;

    expect_json(
        app.register("alice", "Alice@Example.com", PASSWORD).await,
        201,
    )
    .await;

    assert_eq!(provider.calls(), 1);
    let call = provider.last_call();
    assert_eq!(call["api_key"], API_KEY);
    assert_eq!(call["email"], "alice@example.com", "the normalised address");
    assert_eq!(health(&app).await["checks"]["email_verifier"], "ok");
}

both_backends!(each_failed_check_is_a_422_naming_it_and_writes_nothing);

async fn each_failed_check_is_a_422_naming_it_and_writes_nothing(backend: Backend) {
    let provider = Provider::start().await;
    let app = spawn_checked(backend, &provider, |_| {}).await;
    let cases = [
        (
            Reply::verdict("undeliverable", false, false),
            "format check",
        ),
        (
            Reply::verdict("undeliverable", true, false),
            "deliverability check",
        ),
        (
            Reply::verdict("deliverable", true, true),
            "disposable-address check",
        ),
    ];
    for (i, (reply, check)) in cases.into_iter().enumerate() {
        provider.answer(reply);
        let email = format!("user{i}@example.com");
        let resp = app.register(&format!("user{i}"), &email, PASSWORD).await;
        let problem = assert_problem(resp, 422, "validation").await;
        assert_eq!(error_fields(&problem), ["email"], "{problem}");
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(check), "{check}: {problem}");
    }
    assert_eq!(app.count_users().await, 0, "no account written");
    assert_eq!(outbox_rows(&app).await, 0, "no event written");
}

#[tokio::test]
async fn an_undecided_provider_lets_the_address_through() {
    let provider = Provider::start().await;
    provider.answer(Reply::verdict("unknown", true, false));
    let app = spawn_checked(Backend::Sqlite, &provider, |_| {}).await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
}

#[tokio::test]
async fn a_slow_provider_costs_one_timeout_then_is_skipped_for_the_cooldown() {
    let provider = Provider::start().await;
    provider.answer(Reply {
        delay: Duration::from_secs(3),
        ..Reply::deliverable()
    });
    let timeout = Duration::from_millis(400);
    let app = spawn_checked(Backend::Sqlite, &provider, |s| {
        s.email_verifier.as_mut().unwrap().timeout = timeout;
    })
    .await;

    let started = Instant::now();
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    let first = started.elapsed();
    assert!(
        first >= timeout && first < Duration::from_millis(1500),
        "waited {first:?}: the timeout once, no retry"
    );
    let started = Instant::now();
    expect_json(app.register("bob", "bob@example.com", PASSWORD).await, 201).await;
    let second = started.elapsed();
    assert!(
        second < timeout,
        "waited {second:?}: skipped during the cooldown"
    );
    assert_eq!(provider.calls(), 1, "the provider was asked once");
    assert_eq!(health(&app).await["checks"]["email_verifier"], "degraded");
    assert_eq!(health(&app).await["status"], "degraded");
}

#[tokio::test]
async fn a_refused_key_is_a_503_with_retry_after_that_leaks_nothing() {
    let provider = Provider::start().await;
    let app = spawn_checked(Backend::Sqlite, &provider, |_| {}).await;
    for status in [401, 403] {
        provider.answer(Reply::raw(
            status,
            r#"{"error":{"message":"invalid api key"}}"#,
        ));
        let resp = app.register("alice", "alice@example.com", PASSWORD).await;
        assert_eq!(header(resp.headers(), "retry-after"), "7", "the cooldown");
        let text = body_text(resp).await;
        assert!(!text.contains(API_KEY), "{text}");
        let problem: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(problem["status"], 503, "{problem}");
        assert_eq!(problem["type"], "/problems/unavailable", "{problem}");
    }
    assert_eq!(provider.calls(), 2, "errors are not cached");
    assert_eq!(app.count_users().await, 0);
}

#[tokio::test]
async fn provider_outages_and_quota_are_503_with_the_right_retry_after() {
    let provider = Provider::start().await;
    let app = spawn_checked(Backend::Sqlite, &provider, |_| {}).await;
    let cases = [
        (Reply::raw(500, "{}"), "7"),
        (Reply::raw(502, "<html>bad gateway</html>"), "7"),
        (
            Reply {
                retry_after: Some("42"),
                ..Reply::raw(429, "{}")
            },
            "42",
        ),
        (Reply::raw(429, "{}"), "7"),
    ];
    for (reply, retry_after) in cases {
        let status = reply.status;
        provider.answer(reply);
        let resp = app.register("alice", "alice@example.com", PASSWORD).await;
        assert_eq!(
            header(resp.headers(), "retry-after"),
            retry_after,
            "provider {status}"
        );
        assert_problem(resp, 503, "unavailable").await;
    }
    assert_eq!(app.count_users().await, 0);
    assert_eq!(health(&app).await["checks"]["email_verifier"], "degraded");
}

#[tokio::test]
async fn an_unreachable_provider_is_a_503() {
    let provider = Provider {
        url: "http://127.0.0.1:1/v1/".into(),
        state: Arc::default(),
    };
    let app = spawn_checked(Backend::Sqlite, &provider, |_| {}).await;
    let resp = app.register("alice", "alice@example.com", PASSWORD).await;
    assert_problem(resp, 503, "unavailable").await;
}

#[tokio::test]
async fn a_garbled_answer_counts_as_unknown_and_lets_the_address_through() {
    let provider = Provider::start().await;
    let app = spawn_checked(Backend::Sqlite, &provider, |_| {}).await;
    let garbled = [
        Reply::raw(200, "not json at all"),
        Reply::raw(200, r#"{"unexpected": "shape"}"#),
        Reply::raw(200, r#"{"email_deliverability": {"status": 7}}"#),
        Reply::raw(404, "not found"),
    ];
    for (i, reply) in garbled.into_iter().enumerate() {
        provider.answer(reply);
        let resp = app
            .register(
                &format!("user{i}"),
                &format!("user{i}@example.com"),
                PASSWORD,
            )
            .await;
        expect_json(resp, 201).await;
    }
    assert_eq!(app.count_users().await, 4);
    assert_eq!(provider.calls(), 4, "unknown outcomes are not cached");
}

#[tokio::test]
async fn changing_to_a_rejected_address_is_refused_and_changes_nothing() {
    let provider = Provider::start().await;
    let app = spawn_checked(Backend::Postgres, &provider, |_| {}).await;
    let (_, token) = app.alice().await;

    provider.answer(Reply::verdict("deliverable", true, true));
    let resp = app
        .patch_me(
            &token,
            &json!({ "email": "alice@throwaway.test", "username": "alice2" }),
        )
        .await;
    let problem = assert_problem(resp, 422, "validation").await;
    assert_eq!(error_fields(&problem), ["email"]);

    let me = expect_json(app.get_me(&token).await, 200).await;
    assert_eq!(me["email"], "alice@example.com");
    assert_eq!(me["username"], "alice");
    // Neither a username-only change nor the current address asks the provider anything.
    let calls = provider.calls();
    for change in [
        json!({ "username": "alice3" }),
        json!({ "email": "ALICE@example.com" }),
    ] {
        expect_json(app.patch_me(&token, &change).await, 200).await;
    }
    assert_eq!(provider.calls(), calls);
}

/// Where verdicts are cached.
#[derive(Clone, Copy)]
enum Cache {
    Memory,
    Redis,
}

async fn spawn_cached(provider: &Provider, cache: Cache, prefix: &str) -> TestApp {
    spawn_checked(Backend::Sqlite, provider, |s| {
        if let Cache::Redis = cache {
            s.redis.url = Some(REDIS.into());
            s.redis.key_prefix = prefix.into();
        }
    })
    .await
}

async fn verdicts_are_cached_per_address(cache: Cache) {
    let provider = Provider::start().await;
    provider.answer(Reply::verdict("deliverable", true, true));
    let prefix = format!("test-{}:", Uuid::now_v7().simple());
    let app = spawn_cached(&provider, cache, &prefix).await;

    for email in ["temp@throwaway.test", " TEMP@Throwaway.test"] {
        let resp = app.register("temp", email, PASSWORD).await;
        assert_problem(resp, 422, "validation").await;
    }
    assert_eq!(provider.calls(), 1, "the second attempt spent no quota");
    provider.answer(Reply::deliverable());
    expect_json(app.register("bob", "bob@example.com", PASSWORD).await, 201).await;
    assert_eq!(provider.calls(), 2, "another address is asked about");

    if let Cache::Redis = cache {
        // Another instance on the same Redis reuses the verdict.
        let other = spawn_cached(&provider, cache, &prefix).await;
        let resp = other
            .register("temp", "temp@throwaway.test", PASSWORD)
            .await;
        assert_problem(resp, 422, "validation").await;
        assert_eq!(provider.calls(), 2);
    }
}

#[tokio::test]
async fn verdicts_are_cached_in_memory() {
    verdicts_are_cached_per_address(Cache::Memory).await;
}

#[tokio::test]
async fn verdicts_are_cached_in_redis_and_shared_by_instances() {
    verdicts_are_cached_per_address(Cache::Redis).await;
}

#[tokio::test]
async fn a_cache_outage_is_a_miss_not_an_error() {
    let provider = Provider::start().await;
    let app = spawn_checked(Backend::Sqlite, &provider, |s| {
        s.redis.url = Some(REDIS_DOWN.into());
        s.rate_limit.enabled = false;
    })
    .await;
    expect_json(
        app.register("alice", "alice@example.com", PASSWORD).await,
        201,
    )
    .await;
    expect_json(app.register("bob", "bob@example.com", PASSWORD).await, 201).await;
    assert_eq!(provider.calls(), 2);
}

#[tokio::test]
async fn without_a_verifier_nothing_is_asked_and_health_says_disabled() {
    let app = spawn_app_with(Backend::Sqlite, |_| {}).await;
    expect_json(
        app.register("alice", "alice@throwaway.test", PASSWORD)
            .await,
        201,
    )
    .await;
    assert_eq!(health(&app).await["checks"]["email_verifier"], "disabled");
}

//! Verdicts cached in memory or in Redis, cache outages, and no verifier at all.

use uuid::Uuid;

use crate::helpers::{Backend, PASSWORD, TestApp, assert_problem, expect_json, spawn_app_with};

use super::*;

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

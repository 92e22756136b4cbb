//! `GET /api/v1/health/live` and `GET /api/v1/health/ready`: liveness checks nothing;
//! readiness probes the database, and Redis and Kafka when configured, and the outbox's age.

use std::time::Duration;

use accounts_api::{config::KafkaSettings, infra::db::entities::outbox};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{Backend, TestApp, expect_json, spawn_app, spawn_app_with};

/// A port nothing listens on.
const CLOSED: &str = "127.0.0.1:9";

async fn get(app: &TestApp, path: &str, status: u16) -> Value {
    expect_json(app.client.get(app.url(path)).send().await.unwrap(), status).await
}

both_backends!(ready_reports_each_dependency_with_its_latency);

async fn ready_reports_each_dependency_with_its_latency(backend: Backend) {
    let app = spawn_app(backend).await;

    assert_eq!(
        get(&app, "/api/v1/health/live", 200).await,
        serde_json::json!({"status": "ok"})
    );
    let ready = get(&app, "/api/v1/health/ready", 200).await;
    assert_eq!(ready["status"], "ok", "{ready}");
    let checks = &ready["checks"];
    assert_eq!(checks["database"]["status"], "ok", "{ready}");
    assert!(
        checks["database"]["latency_ms"].as_f64().unwrap() >= 0.0,
        "{ready}"
    );
    for unconfigured in ["redis", "kafka"] {
        assert_eq!(
            checks[unconfigured],
            serde_json::json!({"status": "disabled", "latency_ms": null})
        );
    }
    assert_eq!(
        checks["outbox"],
        serde_json::json!({"status": "ok", "oldest_event_age_seconds": 0.0, "max_age_seconds": 300})
    );
}

#[tokio::test]
async fn ready_probes_redis_and_kafka_when_configured() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.redis.url = Some("redis://127.0.0.1:6379".into());
        s.kafka = Some(kafka_at("127.0.0.1:9092"));
    })
    .await;
    let ready = get(&app, "/api/v1/health/ready", 200).await;
    for dependency in ["database", "redis", "kafka"] {
        assert_eq!(ready["checks"][dependency]["status"], "ok", "{ready}");
        assert!(
            ready["checks"][dependency]["latency_ms"].as_f64().is_some(),
            "{ready}"
        );
    }
}

#[tokio::test]
async fn not_ready_while_redis_or_kafka_is_down_yet_alive() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.redis.url = Some(format!("redis://{CLOSED}").into());
        s.kafka = Some(kafka_at(CLOSED));
    })
    .await;
    get(&app, "/api/v1/health/live", 200).await;
    let ready = get(&app, "/api/v1/health/ready", 503).await;
    assert_eq!(ready["status"], "unavailable", "{ready}");
    assert_eq!(ready["checks"]["database"]["status"], "ok", "{ready}");
    for down in ["redis", "kafka"] {
        assert_eq!(
            ready["checks"][down],
            serde_json::json!({"status": "unavailable", "latency_ms": null}),
            "{ready}"
        );
    }
}

#[tokio::test]
async fn not_ready_once_the_database_is_dropped_yet_alive() {
    let app = spawn_app(Backend::Postgres).await;
    app.drop_database().await;
    get(&app, "/api/v1/health/live", 200).await;
    let ready = get(&app, "/api/v1/health/ready", 503).await;
    assert_eq!(
        ready["checks"]["database"]["status"], "unavailable",
        "{ready}"
    );
    // The backlog cannot be read either: unknown counts as not fresh.
    assert_eq!(
        ready["checks"]["outbox"]["status"], "unavailable",
        "{ready}"
    );
    assert_eq!(
        ready["checks"]["outbox"]["oldest_event_age_seconds"],
        Value::Null
    );
}

#[tokio::test]
async fn not_ready_while_an_unpublished_event_is_older_than_the_bound() {
    // The relay looks once at start and then sleeps: the event below stays unpublished.
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.outbox.poll_interval = Duration::from_secs(3600);
        s.server.readiness_max_outbox_age = Duration::from_secs(60);
    })
    .await;
    get(&app, "/api/v1/health/ready", 200).await;
    let now = app.clock.now();
    outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        event_type: Set("user.updated".into()),
        aggregate_id: Set(Uuid::now_v7()),
        payload: Set("{}".into()),
        occurred_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db().await)
    .await
    .unwrap();

    app.clock.advance(Duration::from_secs(60));
    let ready = get(&app, "/api/v1/health/ready", 200).await;
    let age = |ready: &Value| ready["checks"]["outbox"]["oldest_event_age_seconds"].as_f64();
    // The database keeps the timestamp to the microsecond.
    assert!(
        age(&ready).is_some_and(|age| (age - 60.0).abs() < 0.001),
        "{ready}"
    );

    app.clock.advance(Duration::from_secs(1));
    let ready = get(&app, "/api/v1/health/ready", 503).await;
    assert_eq!(ready["status"], "unavailable", "{ready}");
    assert_eq!(
        ready["checks"]["outbox"]["status"], "unavailable",
        "{ready}"
    );
    assert_eq!(ready["checks"]["outbox"]["max_age_seconds"], 60, "{ready}");
    assert!(age(&ready).is_some_and(|age| age > 60.0), "{ready}");
    get(&app, "/api/v1/health/live", 200).await;
}

#[tokio::test]
async fn a_zero_bound_leaves_the_outbox_unchecked() {
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.server.readiness_max_outbox_age = Duration::ZERO;
    })
    .await;
    let ready = get(&app, "/api/v1/health/ready", 200).await;
    assert_eq!(ready["checks"]["outbox"]["status"], "disabled", "{ready}");
    assert_eq!(
        ready["checks"]["outbox"]["max_age_seconds"],
        Value::Null,
        "{ready}"
    );
}

fn kafka_at(brokers: &str) -> KafkaSettings {
    let tag = Uuid::now_v7().simple();
    KafkaSettings {
        brokers: brokers.into(),
        topic: format!("ready-{tag}"),
        consumer_group: format!("ready-{tag}"),
        partitions: 1,
        replication_factor: 1,
    }
}

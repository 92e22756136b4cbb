//! Metrics on their own listener and a request's id from the API to the worker's log
//! lines, shown on the real binaries (each has a metrics recorder of its own).

use std::time::Duration;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    helpers::{Backend, PASSWORD, TestApp, client, expect_json, spawn_app_with},
    maildev::{SMTP_PORT, unique_domain, wait_for_mails},
    processes::{Api, Process, free_port, sample, scrape},
};

/// A trace the client started.
const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_counts_requests_by_operation_on_its_own_listener() {
    let api = Api::start(&[]).await;
    let (http, url) = (client(), |path: &str| api.url(path));

    // Before any traffic: the build, and the series a dashboard needs, at zero.
    let before = api.scrape().await;
    let build = before
        .keys()
        .find(|(name, _)| name == "accounts_build_info")
        .expect("build info");
    assert_eq!(build.1["version"], env!("CARGO_PKG_VERSION"));
    assert!(!build.1["commit"].is_empty());
    assert_eq!(
        sample(&before, "accounts_logins_total", &[("outcome", "failed")]),
        Some(0.0)
    );
    assert_eq!(
        sample(&before, "accounts_emails_dead_lettered_total", &[]),
        Some(0.0)
    );

    let user = json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD});
    assert_eq!(api.register(&user).await.status(), 201);
    let login = |password: &'static str| {
        http.post(url("/api/v1/token/access"))
            .form(&[("username", "alice"), ("password", password)])
            .send()
    };
    let token = expect_json(login(PASSWORD).await.unwrap(), 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(login("wrong-password-1").await.unwrap().status(), 401);
    let me = http
        .get(url("/api/v1/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let missing = http.get(url("/api/v1/no/such/path")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    // Never on the public port.
    let public = http.get(url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), 404);

    let after = api.scrape().await;
    let requests = |operation, method, status| {
        sample(
            &after,
            "accounts_http_requests_total",
            &[
                ("method", method),
                ("operation", operation),
                ("status", status),
            ],
        )
    };
    assert_eq!(requests("createUser", "POST", "201"), Some(1.0));
    assert_eq!(requests("createAccessToken", "POST", "200"), Some(1.0));
    assert_eq!(requests("createAccessToken", "POST", "401"), Some(1.0));
    assert_eq!(requests("getCurrentUser", "GET", "200"), Some(1.0));
    // Unknown paths share one label value: raw paths would be unbounded.
    assert_eq!(requests("none", "GET", "404"), Some(2.0));
    assert!(
        after
            .keys()
            .all(|(_, labels)| labels.values().all(|v| !v.contains('/')))
    );
    let latency = |suffix: &str, extra: &[(&str, &str)]| {
        let mut labels = vec![("operation", "createUser")];
        labels.extend_from_slice(extra);
        sample(
            &after,
            &format!("accounts_http_request_duration_seconds{suffix}"),
            &labels,
        )
    };
    assert_eq!(latency("_count", &[]), Some(1.0));
    assert!(
        latency("_bucket", &[("le", "0.001")]).is_some(),
        "resolves 1 ms"
    );
    assert_eq!(latency("_bucket", &[("le", "2")]), Some(1.0), "and 2 s");

    for (outcome, count) in [("succeeded", 1.0), ("failed", 1.0), ("refused", 0.0)] {
        assert_eq!(
            sample(&after, "accounts_logins_total", &[("outcome", outcome)]),
            Some(count)
        );
    }
    assert_eq!(sample(&after, "accounts_signups_total", &[]), Some(1.0));
    assert_eq!(
        sample(&after, "accounts_sessions_opened_total", &[]),
        Some(1.0)
    );
    let decisions = |outcome| {
        sample(
            &after,
            "accounts_rate_limit_decisions_total",
            &[("outcome", outcome), ("scope", "ip")],
        )
    };
    assert!(decisions("allowed").is_some_and(|n| n >= 3.0));
    assert_eq!(decisions("refused"), Some(0.0));
    // Scraped now: the pool, and the outbox drained by the in-process relay (or about to be).
    assert!(sample(&after, "accounts_db_pool_connections", &[("state", "idle")]).is_some());
    assert!(sample(&after, "accounts_outbox_backlog_events", &[]).is_some());
    assert!(sample(&after, "accounts_outbox_oldest_event_age_seconds", &[]).is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_id_and_trace_travel_from_the_request_to_the_workers_log_lines() {
    let tag = Uuid::now_v7().simple().to_string();
    let topic = format!("telemetry-{tag}");
    let app = spawn_app_with(Backend::Postgres, |s| {
        s.kafka = Some(accounts_api::config::KafkaSettings {
            brokers: "127.0.0.1:9092".into(),
            topic: topic.clone(),
            consumer_group: format!("{topic}-worker"),
            partitions: 1,
            replication_factor: 1,
        });
        s.outbox.poll_interval = Duration::from_millis(50);
    })
    .await;
    let request_id = format!("signup-{tag}");
    let email = format!("alice@{}", unique_domain());
    let created = app
        .client
        .post(app.url("/api/v1/users"))
        .header("x-request-id", &request_id)
        .header("traceparent", TRACEPARENT)
        .json(&json!({"username": "alice", "email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_recorded_in_the_outbox(&app, &request_id).await;

    let metrics_port = free_port();
    let mut worker = Process::start(
        env!("CARGO_BIN_EXE_worker"),
        &[],
        &[
            ("DATABASE_URL", app.database_url.clone()),
            ("KAFKA_BROKERS", "127.0.0.1:9092".into()),
            ("KAFKA_TOPIC", topic.clone()),
            ("KAFKA_CONSUMER_GROUP", format!("{topic}-worker")),
            ("SMTP_HOST", "127.0.0.1".into()),
            ("SMTP_PORT", SMTP_PORT.to_string()),
            ("METRICS_ADDR", format!("127.0.0.1:{metrics_port}")),
        ],
    );
    worker.wait_for_port(metrics_port).await;
    // Sign-up mails a welcome and a confirmation, each with its event's Message-ID.
    let mails = wait_for_mails(&email, 2, Duration::from_secs(120)).await;
    assert_eq!(mails.len(), 2, "both e-mails arrive");
    let events: Vec<String> = outbox_event_ids(&app).await;
    for mail in &mails {
        let id = mail["headers"]["message-id"].as_str().unwrap_or_default();
        let event = id
            .strip_prefix('<')
            .and_then(|id| id.strip_suffix("@accounts-api>"));
        assert!(
            event.is_some_and(|e| events.iter().any(|id| id == e)),
            "{id}"
        );
    }

    let mut sent: Vec<Value> = worker
        .lines()
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["message"] == "e-mail sent")
        .collect();
    sent.sort_by_key(|line| line["event_type"].to_string());
    let types: Vec<_> = sent.iter().map(|line| line["event_type"].clone()).collect();
    assert_eq!(
        types,
        ["user.created", "user.email_verification_requested"],
        "{}",
        worker.lines().join("\n")
    );
    for line in &sent {
        assert_eq!(line["span"]["request_id"], request_id.as_str(), "{line}");
        assert_eq!(line["span"]["trace_id"], TRACE_ID, "{line}");
    }

    let metrics = scrape(metrics_port).await;
    for event_type in ["user.created", "user.email_verification_requested"] {
        let delivered = sample(
            &metrics,
            "accounts_emails_delivered_total",
            &[("event_type", event_type)],
        );
        assert_eq!(delivered, Some(1.0), "{event_type}");
    }
    let smtp = sample(&metrics, "accounts_smtp_send_duration_seconds_count", &[]);
    assert!(smtp.is_some_and(|n| n >= 1.0), "{smtp:?}");
    assert_eq!(
        sample(&metrics, "accounts_emails_dead_lettered_total", &[]),
        Some(0.0)
    );
}

/// The sign-up's events carry the request's id and a child of its trace.
async fn assert_recorded_in_the_outbox(app: &TestApp, request_id: &str) {
    use accounts_api::infra::db::entities::outbox;
    use sea_orm::EntityTrait;

    let events = outbox::Entity::find().all(&app.db().await).await.unwrap();
    assert!(!events.is_empty());
    for event in events {
        assert_eq!(event.request_id.as_deref(), Some(request_id));
        let traceparent = event.traceparent.expect("a traceparent");
        assert!(
            traceparent.starts_with(&format!("00-{TRACE_ID}-")),
            "{traceparent}"
        );
        assert!(
            !traceparent.contains("00f067aa0ba902b7"),
            "a span of its own"
        );
    }
}

/// The ids of the events in the app's outbox.
async fn outbox_event_ids(app: &TestApp) -> Vec<String> {
    use accounts_api::infra::db::entities::outbox;
    use sea_orm::EntityTrait;

    let events = outbox::Entity::find().all(&app.db().await).await.unwrap();
    events.into_iter().map(|e| e.id.to_string()).collect()
}

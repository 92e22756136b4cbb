//! E-mail notifications end to end: outbox -> relay -> Kafka (tansu on 127.0.0.1:9092) ->
//! worker -> SMTP (MailDev on 127.0.0.1:1025, inbox read back from its REST API on :1080).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use accounts_api::{
    app::{WorkerError, run_worker},
    config::{KafkaSettings, OutboxSettings, Settings, SmtpSettings},
    domain::EventType,
    infra::{
        clock::Clock,
        db::entities::outbox,
        events::{self, PublishError, Publisher, Relay, kafka},
    },
};
use rdkafka::{
    ClientConfig, Message,
    consumer::{Consumer, StreamConsumer},
    message::Headers,
    producer::FutureRecord,
};
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde_json::Value;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use uuid::Uuid;

use crate::{
    helpers::{Backend, PASSWORD, TestApp, expect_json, spawn_app_with, test_settings},
    maildev::{SMTP_PORT, mails_to, smtp, subjects, unique_domain, wait_for_mails},
};

const BROKER: &str = "127.0.0.1:9092";

/// A topic and consumer group of the test's own, and a domain for its recipients.
struct Scope {
    kafka: KafkaSettings,
    domain: String,
}

impl Scope {
    fn new(brokers: &str) -> Self {
        let tag = Uuid::now_v7().simple().to_string();
        Self {
            kafka: KafkaSettings {
                brokers: brokers.into(),
                topic: format!("test-{tag}"),
                consumer_group: format!("test-{tag}-worker"),
                partitions: 3,
                replication_factor: 1,
            },
            domain: unique_domain(),
        }
    }

    fn address(&self, name: &str) -> String {
        format!("{name}@{}", self.domain)
    }
}

/// An app whose events go to `kafka` (or in-process when `None`), mail to `smtp`.
async fn spawn_app_with_events(
    kafka: Option<&KafkaSettings>,
    smtp: Option<SmtpSettings>,
) -> TestApp {
    spawn_app_with(Backend::Postgres, |s| {
        s.kafka = kafka.cloned();
        s.smtp = smtp;
        s.outbox.poll_interval = Duration::from_millis(50);
    })
    .await
}

/// The worker, run in-process.
struct Worker {
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), WorkerError>>,
}

fn start_worker(database_url: &str, kafka: &KafkaSettings, smtp_port: u16) -> Worker {
    let mut settings: Settings = test_settings(database_url);
    settings.kafka = Some(kafka.clone());
    settings.smtp = Some(smtp(smtp_port));
    let (stop, stopped) = oneshot::channel();
    let task = tokio::spawn(run_worker(settings, async {
        stopped.await.ok();
    }));
    Worker { stop, task }
}

impl Worker {
    /// Graceful: commits what was handled.
    async fn stop(self) {
        self.stop.send(()).ok();
        self.task
            .await
            .unwrap()
            .expect("the worker stopped cleanly");
    }

    /// A crash: nothing more is committed.
    async fn kill(self) {
        self.task.abort();
        self.task.await.ok();
    }
}

/// A TCP proxy in front of `target` that can play the service being down: while down it
/// accepts and drops every connection.
struct Switch {
    port: u16,
    up: Arc<AtomicBool>,
}

impl Switch {
    async fn start(target: &'static str, up: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let flag = Arc::new(AtomicBool::new(up));
        let state = flag.clone();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !state.load(Ordering::SeqCst) {
                    continue; // dropped: connection reset
                }
                tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        tokio::io::copy_bidirectional(&mut inbound, &mut outbound)
                            .await
                            .ok();
                    }
                });
            }
        });
        Self { port, up: flag }
    }

    fn set_up(&self, up: bool) {
        self.up.store(up, Ordering::SeqCst);
    }
}

async fn register(app: &TestApp, scope: &Scope, name: &str) -> Value {
    expect_json(
        app.register(name, &scope.address(name), PASSWORD).await,
        201,
    )
    .await
}

const CREATED: &str = "Your account has been created";
const CONFIRM: &str = "Confirm your e-mail address";

#[tokio::test]
async fn register_update_and_delete_each_send_their_emails() {
    let scope = Scope::new(BROKER);
    let app = spawn_app_with_events(Some(&scope.kafka), None).await;
    let worker = start_worker(&app.database_url, &scope.kafka, SMTP_PORT);
    let within = Duration::from_secs(20);

    let (alice, renamed) = (scope.address("alice"), scope.address("alice.new"));
    register(&app, &scope, "alice").await;
    let created = wait_for_mails(&alice, 2, within).await;
    assert_eq!(subjects(&created), [CREATED, CONFIRM]);
    let token = app.token_for("alice", PASSWORD).await;
    let patched = app
        .patch_me(&token, &serde_json::json!({ "email": renamed }))
        .await;
    expect_json(patched, 200).await;
    assert_eq!(
        subjects(&wait_for_mails(&renamed, 2, within).await),
        ["Your account has been updated", CONFIRM]
    );
    expect_json(app.delete_me(&token, PASSWORD).await, 200).await;
    let later = wait_for_mails(&renamed, 3, within).await;
    assert_eq!(subjects(&later)[2], "Your account has been deleted");

    let mail = &created[0];
    assert!(mail["text"].as_str().unwrap().contains("Hello, alice!"));
    assert!(
        mail["html"]
            .as_str()
            .unwrap()
            .contains("<strong>alice</strong>")
    );
    // The worker mints the confirmation token: it never travels through the outbox or Kafka.
    let confirmation = created[1]["text"].as_str().unwrap();
    let token = confirmation
        .split_whitespace()
        .find(|word| word.len() == 43)
        .unwrap_or_else(|| panic!("no bare token in the text: {confirmation}"));
    let events = outbox::Entity::find().all(&app.db().await).await.unwrap();
    assert!(events.iter().all(|e| !e.payload.contains(token)));
    worker.stop().await;
}

#[tokio::test]
async fn kafka_down_during_50_registrations_loses_no_email_and_sends_none_twice() {
    let broker = Switch::start("127.0.0.1:9092", false).await;
    let scope = Scope::new(&format!("127.0.0.1:{}", broker.port));
    let app = spawn_app_with_events(Some(&scope.kafka), None).await;

    let mut registrations = tokio::task::JoinSet::new();
    for i in 0..50 {
        let (client, url, email) = (
            app.client.clone(),
            app.url("/api/v1/users"),
            scope.address(&format!("u{i}")),
        );
        registrations.spawn(async move {
            let body = serde_json::json!({ "username": format!("user{i}"), "email": email, "password": PASSWORD });
            client.post(url).json(&body).send().await.unwrap().status().as_u16()
        });
    }
    assert!(
        registrations.join_all().await.iter().all(|s| *s == 201),
        "every registration succeeds"
    );
    let unpublished = app.db().await;
    let pending = outbox::Entity::find()
        .filter(outbox::Column::PublishedAt.is_null())
        .count(&unpublished)
        .await
        .unwrap();
    assert_eq!(
        pending, 100,
        "the events (welcome, confirmation) wait in the outbox"
    );

    broker.set_up(true);
    let worker = start_worker(&app.database_url, &scope.kafka, SMTP_PORT);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut counts = Vec::new();
    while Instant::now() < deadline {
        counts = Vec::new();
        for i in 0..50 {
            counts.push(mails_to(&scope.address(&format!("u{i}"))).await.len());
        }
        if counts.iter().all(|c| *c >= 2) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await; // room for a duplicate to show up
    let mut final_counts = Vec::new();
    for i in 0..50 {
        final_counts.push(mails_to(&scope.address(&format!("u{i}"))).await.len());
    }
    assert_eq!(
        final_counts,
        vec![2; 50],
        "each e-mail (welcome and confirmation) exactly once (first poll: {counts:?})"
    );
    worker.stop().await;
}

#[tokio::test]
async fn smtp_down_is_retried_and_the_email_arrives_once() {
    let scope = Scope::new(BROKER);
    let smtp_server = Switch::start("127.0.0.1:1025", false).await;
    let app = spawn_app_with_events(Some(&scope.kafka), None).await;
    let worker = start_worker(&app.database_url, &scope.kafka, smtp_server.port);

    register(&app, &scope, "alice").await;
    tokio::time::sleep(Duration::from_secs(3)).await; // the worker has the event and keeps failing
    assert!(mails_to(&scope.address("alice")).await.is_empty());

    smtp_server.set_up(true);
    let mails = wait_for_mails(&scope.address("alice"), 2, Duration::from_secs(20)).await;
    assert_eq!(subjects(&mails), [CREATED, CONFIRM]);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        mails_to(&scope.address("alice")).await.len(),
        2,
        "each sent once"
    );
    worker.stop().await;
}

#[tokio::test]
async fn a_redelivered_event_after_a_worker_crash_is_not_mailed_again() {
    let scope = Scope::new(BROKER);
    let app = spawn_app_with_events(Some(&scope.kafka), None).await;
    let worker = start_worker(&app.database_url, &scope.kafka, SMTP_PORT);
    register(&app, &scope, "alice").await;
    let first = wait_for_mails(&scope.address("alice"), 2, Duration::from_secs(20)).await;
    assert_eq!(first.len(), 2);
    worker.kill().await;

    // After a crash between sending and committing, Kafka hands the same event over again:
    // replay alice's message exactly as the relay published it.
    let outbox = outbox::Entity::find()
        .order_by_asc(outbox::Column::Seq)
        .all(&app.db().await)
        .await
        .unwrap();
    let event = &outbox[0];
    assert_eq!(event.event_type, "user.created");
    let producer = kafka::producer(&scope.kafka).unwrap();
    let key = event.aggregate_id.to_string();
    let record = FutureRecord::to(&scope.kafka.topic)
        .key(&key)
        .payload(&event.payload);
    producer
        .send(record, Duration::from_secs(10))
        .await
        .unwrap();

    let worker = start_worker(&app.database_url, &scope.kafka, SMTP_PORT);
    register(&app, &scope, "bob").await;
    assert_eq!(
        wait_for_mails(&scope.address("bob"), 2, Duration::from_secs(20))
            .await
            .len(),
        2
    );
    assert_eq!(
        mails_to(&scope.address("alice")).await.len(),
        2,
        "no duplicate for alice"
    );
    worker.stop().await;
}

#[tokio::test]
async fn a_poison_message_goes_to_the_dead_letter_topic_and_does_not_block() {
    // One partition: the poison sits right in front of alice's event.
    let mut scope = Scope::new(BROKER);
    scope.kafka.partitions = 1;
    let app = spawn_app_with_events(Some(&scope.kafka), None).await;
    kafka::ensure_topics(&scope.kafka).await.unwrap();
    let producer = kafka::producer(&scope.kafka).unwrap();
    let poison = FutureRecord::<str, str>::to(&scope.kafka.topic).payload("{not an event");
    producer
        .send(poison, Duration::from_secs(10))
        .await
        .unwrap();

    let worker = start_worker(&app.database_url, &scope.kafka, SMTP_PORT);
    register(&app, &scope, "alice").await;
    assert_eq!(
        wait_for_mails(&scope.address("alice"), 2, Duration::from_secs(20))
            .await
            .len(),
        2
    );

    let dead_letters: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", BROKER)
        .set(
            "group.id",
            format!("{}-dlq-reader", scope.kafka.consumer_group),
        )
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    dead_letters
        .subscribe(&[&scope.kafka.dead_letter_topic()])
        .unwrap();
    let parked = tokio::time::timeout(Duration::from_secs(30), dead_letters.recv())
        .await
        .expect("a dead letter within 30 s")
        .unwrap();
    assert_eq!(parked.payload(), Some(&b"{not an event"[..]));
    let reason = parked
        .headers()
        .and_then(|h| {
            h.iter()
                .find(|h| h.key == "dlq_reason")
                .and_then(|h| h.value)
        })
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .unwrap_or_default();
    assert!(reason.contains("not an event envelope"), "reason: {reason}");
    worker.stop().await;
}

#[tokio::test]
async fn without_kafka_events_are_delivered_in_process_over_smtp() {
    let scope = Scope::new(BROKER);
    let app = spawn_app_with_events(None, Some(smtp(SMTP_PORT))).await;
    register(&app, &scope, "alice").await;
    let mails = wait_for_mails(&scope.address("alice"), 2, Duration::from_secs(10)).await;
    assert_eq!(subjects(&mails), [CREATED, CONFIRM]);
}

#[tokio::test]
async fn the_embedded_setup_delivers_to_the_log_mailer() {
    use accounts_api::infra::db::entities::delivered_event;
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.outbox.poll_interval = Duration::from_millis(50)
    })
    .await;
    let (user, _) = app.alice().await;
    let db = app.db().await;
    // The relay records each delivery while publishing and marks the batch published after:
    // wait for both, or the check below races the relay's last UPDATE.
    let deadline = Instant::now() + Duration::from_secs(30);
    let unpublished = || {
        outbox::Entity::find()
            .filter(outbox::Column::PublishedAt.is_null())
            .count(&db)
    };
    while (delivered_event::Entity::find().count(&db).await.unwrap() < 2
        || unpublished().await.unwrap() > 0)
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let events = outbox::Entity::find()
        .order_by_asc(outbox::Column::Seq)
        .all(&db)
        .await
        .unwrap();
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(types, ["user.created", "user.email_verification_requested"]);
    for event in &events {
        assert_eq!(event.aggregate_id.to_string(), user["id"].as_str().unwrap());
        assert!(event.published_at.is_some(), "handed to the mailer");
    }
    let mut delivered: Vec<Uuid> = delivered_event::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.event_id)
        .collect();
    delivered.sort();
    let mut expected: Vec<Uuid> = events.iter().map(|e| e.id).collect();
    expected.sort();
    assert_eq!(delivered, expected);
}

/// A publisher that records what it was handed, slowly enough for two relays to overlap.
#[derive(Clone, Default)]
struct Recording(Arc<std::sync::Mutex<Vec<Uuid>>>);

impl Publisher for Recording {
    async fn publish(&self, batch: &[outbox::Model]) -> Result<(), PublishError> {
        tokio::time::sleep(Duration::from_millis(20)).await;
        self.0
            .lock()
            .unwrap()
            .extend(batch.iter().map(|row| row.id));
        Ok(())
    }
}

#[tokio::test]
async fn relays_on_several_instances_publish_each_event_once() {
    // The app's own relay sleeps; two relays of "other instances" share its outbox.
    let app = spawn_app_with(Backend::Postgres, |s| {
        s.outbox.poll_interval = Duration::from_secs(3600)
    })
    .await;
    let db = app.db().await;
    let txn = db.begin().await.unwrap();
    for i in 0..200 {
        let user = accounts_api::infra::db::entities::user::Model {
            id: Uuid::now_v7(),
            username: format!("u{i}"),
            email: format!("u{i}@example.com"),
            password_hash: accounts_api::infra::db::entities::user::PasswordHash("x".into()),
            email_verified: false,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            disabled_at: None,
        };
        events::outbox::record(&txn, EventType::UserCreated, &user, chrono::Utc::now())
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let recorders = [Recording::default(), Recording::default()];
    let settings = OutboxSettings {
        poll_interval: Duration::from_millis(10),
        batch_size: 20,
    };
    let relays: Vec<_> = recorders
        .iter()
        .map(|r| {
            tokio::spawn(
                Relay::new(db.clone(), r.clone(), settings.clone(), Clock::System)
                    .run(stopped.clone()),
            )
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    let unpublished = || {
        outbox::Entity::find()
            .filter(outbox::Column::PublishedAt.is_null())
            .count(&db)
    };
    while unpublished().await.unwrap() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.send_replace(true);
    for relay in relays {
        relay.await.unwrap();
    }

    let (first, second) = (
        recorders[0].0.lock().unwrap().clone(),
        recorders[1].0.lock().unwrap().clone(),
    );
    assert!(
        !first.is_empty() && !second.is_empty(),
        "both relays took batches: {} / {}",
        first.len(),
        second.len()
    );
    let mut all: Vec<Uuid> = first.into_iter().chain(second).collect();
    assert_eq!(all.len(), 200, "every event published once, none twice");
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 200);
}

#[tokio::test]
async fn old_published_events_and_delivery_records_are_pruned() {
    use accounts_api::infra::db::entities::delivered_event;
    use sea_orm::{ActiveModelTrait, Set};

    let scope = Scope::new(BROKER);
    let app = spawn_app_with_events(Some(&scope.kafka), None).await;
    let db = app.db().await;
    let days_ago = |days| chrono::Utc::now() - chrono::TimeDelta::days(days);
    let published = |days| outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        event_type: Set("user.created".into()),
        aggregate_id: Set(Uuid::now_v7()),
        payload: Set("{}".into()),
        occurred_at: Set(days_ago(days)),
        published_at: Set(Some(days_ago(days))),
        ..Default::default()
    };
    let delivered = |days| delivered_event::ActiveModel {
        event_id: Set(Uuid::now_v7()),
        delivered_at: Set(days_ago(days)),
    };
    let old_event = published(8).insert(&db).await.unwrap().id;
    let recent_event = published(1).insert(&db).await.unwrap().id;
    let old_delivery = delivered(31).insert(&db).await.unwrap().event_id;
    let recent_delivery = delivered(29).insert(&db).await.unwrap().event_id;

    // Another instance's relay, and a worker, prune when they start.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let relay = tokio::spawn(
        Relay::new(
            db.clone(),
            Recording::default(),
            OutboxSettings {
                poll_interval: Duration::from_millis(50),
                batch_size: 10,
            },
            Clock::System,
        )
        .run(stopped),
    );
    let worker = start_worker(&app.database_url, &scope.kafka, SMTP_PORT);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let events: Vec<Uuid> = outbox::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        let deliveries: Vec<Uuid> = delivered_event::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.event_id)
            .collect();
        if (events == [recent_event] && deliveries == [recent_delivery])
            || Instant::now() > deadline
        {
            assert_eq!(
                events,
                [recent_event],
                "only the recent published event is kept"
            );
            assert_eq!(
                deliveries,
                [recent_delivery],
                "only the recent delivery record is kept"
            );
            assert!(!events.contains(&old_event) && !deliveries.contains(&old_delivery));
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.send_replace(true);
    relay.await.unwrap();
    worker.stop().await;
}

#[tokio::test]
async fn a_worker_stopped_mid_delivery_leaves_the_event_for_the_next_one() {
    let scope = Scope::new(BROKER);
    let smtp_server = Switch::start("127.0.0.1:1025", false).await;
    let app = spawn_app_with_events(Some(&scope.kafka), None).await;
    let worker = start_worker(&app.database_url, &scope.kafka, smtp_server.port);
    register(&app, &scope, "alice").await;
    tokio::time::sleep(Duration::from_secs(3)).await; // received, retrying against a dead SMTP server
    worker.stop().await; // graceful: must not commit what it has not delivered

    smtp_server.set_up(true);
    let worker = start_worker(&app.database_url, &scope.kafka, smtp_server.port);
    let mails = wait_for_mails(&scope.address("alice"), 2, Duration::from_secs(30)).await;
    assert_eq!(mails.len(), 2, "the restarted worker delivered both");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(mails_to(&scope.address("alice")).await.len(), 2);
    worker.stop().await;
}

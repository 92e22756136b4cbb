//! Each change mails its e-mails once, through Kafka and SMTP outages, worker crashes and
//! poison messages, and without Kafka at all.

use std::time::{Duration, Instant};

use accounts_api::infra::{db::entities::outbox, events::kafka};
use rdkafka::{
    ClientConfig, Message,
    consumer::{Consumer, StreamConsumer},
    message::Headers,
    producer::FutureRecord,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{
    helpers::{Backend, PASSWORD, expect_json, spawn_app_with},
    maildev::{SMTP_PORT, mails_to, smtp, subjects, wait_for_mails},
};

use super::*;

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
    let moving = serde_json::json!({ "email": renamed, "current_password": PASSWORD });
    let patched = app.patch_me(&token, &moving).await;
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
    let html = mail["html"].as_str().unwrap();
    assert!(
        html.contains("Hello, alice!") && html.contains(&alice),
        "{html}"
    );
    // The worker mints the confirmation token: it never travels through the outbox or Kafka.
    let confirmation = created[1]["text"].as_str().unwrap();
    let token = confirmation
        .split_whitespace()
        .find(|word| word.len() == 43 && !word.contains('@'))
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

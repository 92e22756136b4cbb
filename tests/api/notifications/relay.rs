//! The relay on several instances, the pruning of old rows, and a worker stopped mid-delivery.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use accounts_api::{
    config::OutboxSettings,
    domain::EventType,
    infra::{
        clock::Clock,
        db::entities::outbox,
        events::{self, PublishError, Publisher, Relay},
    },
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;

use crate::{
    helpers::{Backend, spawn_app_with},
    maildev::{SMTP_PORT, mails_to, wait_for_mails},
};

use super::*;

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
            locale: None,
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

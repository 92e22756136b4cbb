//! E-mail notifications end to end: outbox -> relay -> Kafka (tansu on 127.0.0.1:9092) ->
//! worker -> SMTP (MailDev on 127.0.0.1:1025, inbox read back from its REST API on :1080).

mod delivery;
mod relay;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use accounts_api::{
    app::{WorkerError, run_worker},
    config::{KafkaSettings, Settings, SmtpSettings},
};
use serde_json::Value;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};
use uuid::Uuid;

use crate::{
    helpers::{Backend, PASSWORD, TestApp, expect_json, spawn_app_with, test_settings},
    maildev::{smtp, unique_domain},
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

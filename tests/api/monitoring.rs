//! The monitoring stack against the real binaries: every metric the Grafana dashboard
//! queries is exposed by the API or the worker, and Debian's Prometheus scrapes both and
//! answers a request counter through its HTTP API.

use std::{path::Path, process::Command, time::Duration};

use accounts_api::infra::db;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::time::Instant;
use uuid::Uuid;

use crate::{
    helpers::{PASSWORD, client, expect_json},
    maildev::{SMTP_PORT, unique_domain, wait_for_mails},
    processes::{Api, Process, free_port},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_scrapes_the_api_and_the_worker_and_the_dashboard_finds_its_metrics() {
    let tag = Uuid::now_v7().simple().to_string();
    let database_url = format!("postgres://postgres@127.0.0.1:5432/monitoring_{tag}");
    db::create_database(&database_url)
        .await
        .expect("PostgreSQL is required at 127.0.0.1:5432");
    let kafka = [
        ("DATABASE_URL", database_url.clone()),
        ("KAFKA_BROKERS", "127.0.0.1:9092".into()),
        ("KAFKA_TOPIC", format!("monitoring-{tag}")),
        ("KAFKA_CONSUMER_GROUP", format!("monitoring-{tag}-worker")),
    ];
    let api = Api::start(&kafka).await;
    let api_metrics = api.metrics_port.expect("the metrics listener is on");
    let worker_metrics = free_port();
    let worker_env = [
        ("METRICS_ADDR", format!("127.0.0.1:{worker_metrics}")),
        ("SMTP_HOST", "127.0.0.1".into()),
        ("SMTP_PORT", SMTP_PORT.to_string()),
    ];
    let mut worker = Process::start(
        env!("CARGO_BIN_EXE_worker"),
        &[],
        &[&kafka[..], &worker_env[..]].concat(),
    );
    worker.wait_for_port(worker_metrics).await;

    // Traffic, so that every series exists: a sign-up (two e-mails), a login, a refusal.
    let (http, url) = (client(), |path: &str| api.url(path));
    let email = format!("alice@{}", unique_domain());
    let user = json!({"username": "alice", "email": email, "password": PASSWORD});
    assert_eq!(api.register(&user).await.status(), 201);
    let login = [("username", "alice"), ("password", PASSWORD)];
    expect_json(
        http.post(url("/api/v1/token/access"))
            .form(&login)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let missing = http.get(url("/api/v1/users")).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(
        wait_for_mails(&email, 2, Duration::from_secs(120))
            .await
            .len(),
        2
    );

    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checked = Command::new(repository.join("scripts/check-monitoring.sh"))
        .arg(format!("http://127.0.0.1:{api_metrics}/metrics"))
        .arg(format!("http://127.0.0.1:{worker_metrics}/metrics"))
        .output()
        .expect("run scripts/check-monitoring.sh");
    assert!(
        checked.status.success(),
        "the dashboard queries metrics nobody exposes:\n{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );

    let prometheus = Prometheus::start(api_metrics, worker_metrics).await;
    let created = prometheus
        .value(r#"accounts_http_requests_total{job="api",operation="createUser",status="201"}"#)
        .await;
    assert_eq!(created, 1.0);
    let delivered = prometheus
        .value(r#"sum(accounts_emails_delivered_total{job="worker"})"#)
        .await;
    assert_eq!(delivered, 2.0);

    drop((api, worker, prometheus));
    db::drop_database(&database_url).await.ok();
}

/// Debian's Prometheus, scraping the two listeners every second, with its data in a
/// temporary folder.
struct Prometheus {
    _process: Process,
    port: u16,
    _dir: TempDir,
}

impl Prometheus {
    async fn start(api_metrics: u16, worker_metrics: u16) -> Self {
        let binary = which("prometheus").expect(
            "Debian's prometheus is required (scripts/services-up.sh prometheus installs it)",
        );
        let dir = TempDir::new().unwrap();
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global: {{scrape_interval: 1s}}\nscrape_configs:\n\
                 - {{job_name: api, static_configs: [{{targets: ['127.0.0.1:{api_metrics}']}}]}}\n\
                 - {{job_name: worker, static_configs: [{{targets: ['127.0.0.1:{worker_metrics}']}}]}}\n"
            ),
        )
        .unwrap();
        let port = free_port();
        let args = [
            format!("--config.file={}", config.display()),
            format!("--storage.tsdb.path={}", dir.path().join("data").display()),
            format!("--web.listen-address=127.0.0.1:{port}"),
        ];
        let mut process = Process::start(&binary, &args, &[]);
        process.wait_for_port(port).await;
        // It listens before its storage is open and answers queries 503 until then.
        let deadline = Instant::now() + Duration::from_secs(120);
        let ready = format!("http://127.0.0.1:{port}/-/ready");
        while !client()
            .get(&ready)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            assert!(
                Instant::now() < deadline,
                "Prometheus not ready after 120 s"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Self {
            _process: process,
            port,
            _dir: dir,
        }
    }

    /// The one value `query` gives, once a scrape has brought it (generous deadline).
    async fn value(&self, query: &str) -> f64 {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let answer: Value = client()
                .get(format!("http://127.0.0.1:{}/api/v1/query", self.port))
                .query(&[("query", query)])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(answer["status"], "success", "{answer}");
            if let Some(value) = answer["data"]["result"][0]["value"][1].as_str() {
                return value.parse().unwrap();
            }
            assert!(Instant::now() < deadline, "no sample for {query}: {answer}");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// The path of `program` on `PATH`.
fn which(program: &str) -> Option<String> {
    std::env::var("PATH").ok()?.split(':').find_map(|dir| {
        let path = Path::new(dir).join(program);
        path.is_file().then(|| path.display().to_string())
    })
}

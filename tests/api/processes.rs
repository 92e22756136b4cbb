//! The real binaries as child processes, for what one test process cannot show in-process:
//! a metrics recorder of their own (the `metrics` facade is process-global) and their log
//! output.

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader},
    net::TcpListener,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tempfile::TempDir;

/// A port free right now (the OS picks it; the child binds it a moment later).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind a free port")
}

/// A running binary, killed when dropped; its stdout and stderr lines are collected.
pub struct Process {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Process {
    /// Starts `binary` with `args` and `env` (on top of a clean development environment).
    pub fn start(binary: &str, args: &[String], env: &[(&str, String)]) -> Self {
        let mut command = Command::new(binary);
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("APP_ENV", "development")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("start {binary}: {e}"));
        let lines = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(line);
                }
            });
        }
        Self { child, lines }
    }

    /// The lines written so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Waits (generously) until `port` accepts connections; panics with the output if the
    /// process exits or never listens.
    pub async fn wait_for_port(&mut self, port: u16) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return;
            }
            let exited = self.child.try_wait().unwrap();
            if exited.is_some() || Instant::now() > deadline {
                panic!(
                    "port {port} never opened ({exited:?}):\n{}",
                    self.lines().join("\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// The API binary, serving: on a free port, with a SQLite database of its own, bcrypt at
/// cost 4 and its metrics on a free port; `env` comes last and overrides any of these
/// (`DATABASE_URL`, `METRICS_ADDR=off`).
pub struct Api {
    /// Killed with the `Api`.
    process: Process,
    pub port: u16,
    /// `None` when `env` set `METRICS_ADDR`.
    pub metrics_port: Option<u16>,
    _database: TempDir,
}

impl Api {
    pub async fn start(env: &[(&str, String)]) -> Self {
        let database = TempDir::new().unwrap();
        let port = free_port();
        let metrics_port = (!env.iter().any(|(name, _)| *name == "METRICS_ADDR")).then(free_port);
        let mut all = vec![
            ("APP_PORT", port.to_string()),
            (
                "DATABASE_URL",
                format!("sqlite://{}/app.db?mode=rwc", database.path().display()),
            ),
            ("PASSWORD_HASH_COST", "4".into()),
        ];
        all.extend(metrics_port.map(|p| ("METRICS_ADDR", format!("127.0.0.1:{p}"))));
        all.extend_from_slice(env);
        let mut process = Process::start(env!("CARGO_BIN_EXE_accounts-api"), &[], &all);
        process.wait_for_port(port).await;
        if let Some(metrics_port) = metrics_port {
            process.wait_for_port(metrics_port).await;
        }
        Self {
            process,
            port,
            metrics_port,
            _database: database,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The log lines written so far.
    pub fn lines(&self) -> Vec<String> {
        self.process.lines()
    }

    /// `POST /api/v1/users` with `user` (a JSON object).
    pub async fn register(&self, user: &serde_json::Value) -> reqwest::Response {
        crate::helpers::client()
            .post(self.url("/api/v1/users"))
            .json(user)
            .send()
            .await
            .unwrap()
    }

    /// Scrapes this API's metrics listener.
    pub async fn scrape(&self) -> BTreeMap<Series, f64> {
        scrape(self.metrics_port.expect("the metrics listener is on")).await
    }
}

/// One sample of a Prometheus text exposition: its name and labels.
pub type Series = (String, BTreeMap<String, String>);

/// Parses a text exposition into its samples (comments skipped).
pub fn parse_exposition(text: &str) -> BTreeMap<Series, f64> {
    let mut samples = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (series, value) = line.rsplit_once(' ').expect("a sample has a value");
        let (name, labels) = match series.split_once('{') {
            Some((name, labels)) => (name, labels.trim_end_matches('}')),
            None => (series, ""),
        };
        let labels = labels
            .split("\",")
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (key, value) = l.split_once("=\"").expect("label=\"value\"");
                (key.to_owned(), value.trim_end_matches('"').to_owned())
            })
            .collect();
        samples.insert((name.to_owned(), labels), value.parse().expect("a number"));
    }
    samples
}

/// The value of `name` with exactly `labels`, if exposed.
pub fn sample(samples: &BTreeMap<Series, f64>, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let labels = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    samples.get(&(name.to_owned(), labels)).copied()
}

/// Scrapes `http://127.0.0.1:port/metrics`.
pub async fn scrape(port: u16) -> BTreeMap<Series, f64> {
    let response = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .expect("scrape the metrics listener");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    parse_exposition(&response.text().await.unwrap())
}

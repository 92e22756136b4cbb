//! A metrics address another process holds stops the server and the worker at start-up,
//! naming the address and what to set, instead of running without metrics or hanging.

use std::{
    net::TcpListener,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use tempfile::TempDir;

use crate::processes::free_port;

#[test]
fn a_taken_metrics_address_stops_the_server_and_the_worker_saying_what_to_set() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = TempDir::new().unwrap();
    for binary in [
        env!("CARGO_BIN_EXE_accounts-api"),
        env!("CARGO_BIN_EXE_worker"),
    ] {
        let mut child = Command::new(binary)
            .env_clear()
            .env("APP_PORT", free_port().to_string())
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/app.db?mode=rwc", dir.path().display()),
            )
            .env("KAFKA_BROKERS", "127.0.0.1:9092")
            .env("PASSWORD_HASH_COST", "4")
            .env("METRICS_ADDR", &addr)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                child.kill().ok();
                panic!("{binary} kept running with METRICS_ADDR={addr} taken");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let output = child.wait_with_output().unwrap();
        let said = String::from_utf8_lossy(&[output.stdout, output.stderr].concat()).into_owned();
        assert!(!status.success(), "{binary}: {said}");
        let expected = format!("cannot listen on {addr} for metrics (set METRICS_ADDR to a free");
        assert!(said.contains(&expected), "{binary}: {said}");
    }
}

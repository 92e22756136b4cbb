//! Instances started at the same moment on a fresh PostgreSQL database (development mode,
//! so each applies the migrations at start), and `migrate up` runs beside them, all succeed:
//! the migration step is serialized by an advisory lock, and whoever comes later finds
//! nothing left to apply.

use std::process::Command;

use accounts_api::{app::Application, infra::db};
use uuid::Uuid;

use crate::helpers::{force_drop_database, test_settings};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_and_migrate_runs_started_together_on_a_fresh_database_all_succeed() {
    let name = format!("together_{}", Uuid::now_v7().simple());
    let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
    db::create_database(&url)
        .await
        .expect("PostgreSQL is required at 127.0.0.1:5432");
    let migrate_runs: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            tokio::task::spawn_blocking(move || {
                Command::new(env!("CARGO_BIN_EXE_migrate"))
                    .arg("up")
                    .env("DATABASE_URL", url)
                    .env("APP_ENV", "test")
                    .output()
            })
        })
        .collect();
    let mut servers = tokio::task::JoinSet::new();
    for _ in 0..4 {
        let settings = test_settings(&url);
        servers.spawn(async move { Application::build(settings).await.map(|_| ()) });
    }
    let started = servers.join_all().await;
    let mut migrated = Vec::new();
    for run in migrate_runs {
        migrated.push(run.await.unwrap().expect("run the migrate binary"));
    }
    // The servers are gone, but their pools close their connections in the background.
    force_drop_database(&name).await;
    for outcome in started {
        outcome.unwrap_or_else(|err| panic!("a server failed to start: {err}"));
    }
    for output in migrated {
        assert!(
            output.status.success(),
            "migrate up failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

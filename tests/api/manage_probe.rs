//! `manage probe URL`: the health check of the runtime image, which has no curl or shell.

use std::process::{Command, Output};

use crate::helpers::{Backend, spawn_app};

/// Runs `manage probe` with no settings at all in production mode (a probe reads none), off
/// the runtime's thread: the test's server answers on it meanwhile.
async fn probe(args: &[&str]) -> Output {
    probe_with_port(None, args).await
}

async fn probe_with_port(app_port: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_manage"));
    command
        .arg("probe")
        .args(args)
        .env_clear()
        .env("APP_ENV", "production");
    if let Some(port) = app_port {
        command.env("APP_PORT", port);
    }
    tokio::task::spawn_blocking(move || command.output().expect("run the manage binary"))
        .await
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .trim_end()
        .to_owned()
}

#[tokio::test]
async fn a_2xx_answer_passes_anything_else_fails_with_the_status() {
    let app = spawn_app(Backend::Sqlite).await;
    let live = format!("{}/api/v1/health/live", app.address);
    let output = probe(&[&live]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim_end(),
        format!("{live}: 200 OK")
    );

    // No URL: the liveness of the API on APP_PORT, as the image's HEALTHCHECK runs it.
    let port = app.address.rsplit(':').next().unwrap();
    let output = probe_with_port(Some(port), &[]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim_end(),
        format!("http://127.0.0.1:{port}/api/v1/health/live: 200 OK")
    );
    let output = probe_with_port(Some("eighty"), &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        r#"error: APP_PORT "eighty" is not a port number"#
    );

    let missing = format!("{}/api/v1/no-such-page", app.address);
    let output = probe(&[&missing]).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), format!("error: {missing}: 404 Not Found"));
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn a_closed_port_or_a_silent_server_fails_without_hanging() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/api/v1/health/live", closed.local_addr().unwrap());
    drop(closed);
    let output = probe(&[&url]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with(&format!("error: {url}: ")),
        "{}",
        stderr(&output)
    );

    // Accepts the connection and never answers: the probe gives up after --timeout.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/api/v1/health/live", silent.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let (stream, _) = silent.accept().await.expect("accept");
        std::future::pending::<()>().await;
        drop(stream);
    });
    let output = probe(&["--timeout", "1", &url]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("timed out"), "{}", stderr(&output));
    held.abort();
}

#[tokio::test]
async fn a_malformed_url_is_a_clear_error() {
    let output = probe(&["not a url"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("error: not a url: "),
        "{}",
        stderr(&output)
    );
}

//! A Redis that takes the limiter's check and never answers it: the check may have been
//! counted, so the request is refused even when the limiter fails open.

use std::time::Duration;

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

use crate::helpers::{Backend, PASSWORD, assert_problem, spawn_app_with};

/// A fake Redis on a random port: answers `+OK` to every command but the scripts
/// (`EVALSHA`, `EVAL`), which it reads and leaves unanswered.
async fn redis_that_never_runs_scripts() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("redis://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream));
        }
    });
    url
}

async fn serve(stream: TcpStream) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    // A command is `*<argc>`, then `$<len>` and the argument for each argument.
    while let Ok(Some(header)) = lines.next_line().await {
        let argc: usize = header.trim_start_matches('*').parse().unwrap_or(0);
        let mut args = Vec::with_capacity(argc);
        for _ in 0..argc {
            let (Ok(Some(_)), Ok(Some(arg))) = (lines.next_line().await, lines.next_line().await)
            else {
                return;
            };
            args.push(arg.to_ascii_uppercase());
        }
        if !matches!(args.first().map(String::as_str), Some("EVALSHA" | "EVAL"))
            && write.write_all(b"+OK\r\n").await.is_err()
        {
            return;
        }
    }
}

#[tokio::test]
async fn a_check_redis_took_but_never_answered_is_refused_even_when_failing_open() {
    let redis = redis_that_never_runs_scripts().await;
    let app = spawn_app_with(Backend::Sqlite, |s| {
        s.redis.url = Some(redis.as_str().into());
        s.redis.timeout = Duration::from_millis(200);
        assert!(!s.rate_limit.fail_closed, "the default: fail open");
    })
    .await;

    let resp = app.register("alice", "alice@example.com", PASSWORD).await;
    assert_problem(resp, 503, "unavailable").await;
    assert_eq!(app.count_users().await, 0, "nothing was written");
}

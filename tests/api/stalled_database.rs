//! A database connection that stalls (the server, or the path to it, stops answering with
//! the socket left open) costs a request at most `REQUEST_TIMEOUT_MS` and a 503 with
//! `Retry-After`, never a hang; and once new connections work again, requests are served:
//! the pool does not stay stuck on the stalled ones (issue 29, faults on the wire).

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use reqwest::{Response, StatusCode};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::helpers::{Backend, PASSWORD, expect_json, spawn_app_with};

/// The app's request deadline here.
const DEADLINE: Duration = Duration::from_secs(2);

/// A proxy to the test PostgreSQL whose connections can be stalled: every connection open
/// at a stall, and every one accepted while it lasts, goes silent for good (read and
/// discarded, never answered, never closed); connections accepted after the heal work.
struct StallingProxy {
    port: u16,
    /// Odd while stalled; each stall and heal adds one.
    phase: Arc<AtomicU64>,
}

impl StallingProxy {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let phase = Arc::new(AtomicU64::new(0));
        let shared = phase.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, shared.clone()));
            }
        });
        Self { port, phase }
    }

    fn stall(&self) {
        self.phase.fetch_add(1, Ordering::SeqCst);
    }

    fn heal(&self) {
        self.phase.fetch_add(1, Ordering::SeqCst);
    }
}

/// One connection: forwarded while its phase is the one it was born in, and not a stall.
async fn relay(client: TcpStream, phase: Arc<AtomicU64>) {
    let born = phase.load(Ordering::SeqCst);
    let live = move || phase.load(Ordering::SeqCst) == born && born % 2 == 0;
    let server = if live() {
        TcpStream::connect("127.0.0.1:5432").await.ok()
    } else {
        None
    };
    let (mut client_read, mut client_write) = client.into_split();
    let Some(server) = server else {
        // Silent from the start: swallow what comes until the client gives up.
        let mut buf = [0; 4096];
        while matches!(client_read.read(&mut buf).await, Ok(n) if n > 0) {}
        return;
    };
    let (mut server_read, mut server_write) = server.into_split();
    let upstream = {
        let live = live.clone();
        async move {
            let mut buf = [0; 4096];
            while let Ok(n @ 1..) = client_read.read(&mut buf).await {
                if live() && server_write.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    };
    let downstream = async move {
        let mut buf = [0; 4096];
        while let Ok(n @ 1..) = server_read.read(&mut buf).await {
            if live() && client_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        // A stalled connection is never closed from this side.
        std::future::pending::<()>().await;
    };
    // Ends when the client closes its side (dropping both sockets).
    tokio::select! {
        () = upstream => {}
        () = downstream => {}
    }
}

/// Within the deadline (and a margin for a busy machine): 503 with `Retry-After`, or
/// `served` when the request got through.
async fn answered(request: impl Future<Output = Response>, served: StatusCode) -> StatusCode {
    let started = Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(10), request)
        .await
        .expect("no answer within 10 s: the request hung on the stalled database");
    let status = answer.status();
    assert!(
        started.elapsed() < DEADLINE + Duration::from_secs(3),
        "{status} after {:?}",
        started.elapsed()
    );
    if status == StatusCode::SERVICE_UNAVAILABLE {
        assert!(answer.headers().contains_key("retry-after"), "{answer:?}");
    } else {
        assert_eq!(
            status,
            served,
            "{}",
            answer.text().await.unwrap_or_default()
        );
    }
    status
}

#[tokio::test]
async fn a_stalled_database_answers_503_in_time_and_the_pool_recovers() {
    let proxy = StallingProxy::start().await;
    let app = spawn_app_with(Backend::Postgres, |s| {
        let url = s
            .database
            .url()
            .replace(":5432/", &format!(":{}/", proxy.port));
        s.database.url = Some(url.into());
        s.server.request_timeout = DEADLINE;
        s.rate_limit.enabled = false;
    })
    .await;
    let (_, token) = app.alice().await;
    expect_json(app.get_me(&token).await, 200).await;

    proxy.stall();
    for n in 0..3 {
        let (username, email) = (format!("stalled{n}"), format!("stalled{n}@example.com"));
        let signup = app.register(&username, &email, PASSWORD);
        let status = answered(signup, StatusCode::CREATED).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        let status = answered(app.get_me(&token), StatusCode::OK).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    }

    proxy.heal();
    // Every connection the pool had is stalled for good; it must give up on them and open
    // new ones: a few 503s at most, then served.
    let healed = Instant::now();
    let mut n = 0;
    loop {
        n += 1;
        let (username, email) = (format!("healed{n}"), format!("healed{n}@example.com"));
        let signup = app.register(&username, &email, PASSWORD);
        let signed_up = answered(signup, StatusCode::CREATED).await == StatusCode::CREATED;
        let read = answered(app.get_me(&token), StatusCode::OK).await == StatusCode::OK;
        if signed_up && read {
            break;
        }
        assert!(
            healed.elapsed() < Duration::from_secs(30),
            "still refused 30 s after the heal: the pool is stuck"
        );
    }
}

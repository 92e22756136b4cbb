//! A database connection that stalls (the server, or the path to it, stops answering with
//! the socket left open) costs a request at most `REQUEST_TIMEOUT_MS` and a 503 with
//! `Retry-After`, never a hang; and once new connections work again, requests are served:
//! the pool does not stay stuck on the stalled ones (issue 29, faults on the wire).

use std::time::{Duration, Instant};

use reqwest::{Response, StatusCode};

use accounts_api::infra::security::sha256_hex;

use crate::helpers::{Backend, DbProxy, PASSWORD, TestApp, expect_json, spawn_app_with};

/// The app's request deadline here.
const DEADLINE: Duration = Duration::from_secs(2);

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
    let proxy = DbProxy::start().await;
    let app = behind(&proxy).await;
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

/// A refresh whose statement a partition held past the request's deadline: its client got
/// 503, and the statement, delivered at the heal, must not spend the token, or the client's
/// retry would be taken for a replay and end the session.
#[tokio::test]
async fn a_refresh_held_past_its_deadline_by_a_partition_spends_nothing() {
    let proxy = DbProxy::start().await;
    let app = behind(&proxy).await;
    let (_, access) = app.alice().await;
    // Until the partition catches the refresh's statement in flight, its token's hash bound
    // to it: the pool may instead be caught pinging a connection or opening one, or sqlx
    // preparing the statement (it binds only after the answer).
    let mut attempt = 0;
    let login = loop {
        attempt += 1;
        // A refresh first, which prepares the statement on the connection the next takes.
        let signed_in = app.tokens_for("alice", PASSWORD).await;
        let login = app.refreshed(&signed_in.refresh).await;
        proxy.partition();
        let status = answered(app.refresh(&login.refresh), StatusCode::OK).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        proxy.heal();
        let healed = Instant::now();
        while !proxy.held_bytes_answered() {
            assert!(
                healed.elapsed() < Duration::from_secs(30),
                "what the partition held was not answered within 30 s of the heal"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        if proxy.held(&sha256_hex(&login.refresh)) {
            break login;
        }
        assert!(
            attempt < 5,
            "no refresh statement caught in flight in 5 partitions; the last held: {:?}",
            proxy.held_text()
        );
        proxy.forget_held();
    };
    // The retry comes after the reuse grace, as a client backing off would.
    app.clock.advance(Duration::from_secs(60));

    let retried = app.refreshed(&login.refresh).await;
    expect_json(app.get_me(&retried.access).await, 200).await;
    expect_json(app.get_me(&access).await, 200).await;
    assert!(app.sessions().await.iter().all(|s| s.revoked_at.is_none()));
}

/// An app on PostgreSQL through `proxy`, with a short deadline and no rate limit.
async fn behind(proxy: &DbProxy) -> TestApp {
    spawn_app_with(Backend::Postgres, |s| {
        s.database.url = Some(proxy.route(s.database.url()).into());
        s.server.request_timeout = DEADLINE;
        s.rate_limit.enabled = false;
    })
    .await
}

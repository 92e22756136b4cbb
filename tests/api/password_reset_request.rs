//! `POST /api/v1/password-reset`: the answer, its timing and its limits are the same whether
//! or not an account has the address, and the known address's e-mail is queued without the
//! answer waiting for it.

use std::time::{Duration, Instant};

use accounts_api::infra::{db::entities::outbox, rate_limit::Quota, security::HasherKind};
use reqwest::Response;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde_json::json;

use crate::{
    helpers::{
        Backend, TestApp, assert_problem, body_text, error_fields, header, spawn_app,
        spawn_app_with,
    },
    password_reset::request_reset,
};

both_backends!(
    the_answer_is_the_same_for_known_and_unknown_addresses,
    the_answer_does_not_wait_for_the_e_mail_to_be_queued,
    the_per_address_limit_refuses_known_and_unknown_addresses_alike,
);

/// The `user.password_reset_requested` events in the outbox.
async fn queued(app: &TestApp) -> usize {
    outbox::Entity::find()
        .filter(outbox::Column::EventType.eq("user.password_reset_requested"))
        .all(&app.db().await)
        .await
        .expect("read the outbox")
        .len()
}

/// Waits (up to 15 s) until `count` reset events are queued.
async fn wait_until_queued(app: &TestApp, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let queued = queued(app).await;
        if queued == count {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{queued} reset events queued, {count} expected"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_malformed_address_is_invalid_input() {
    let app = spawn_app(Backend::Sqlite).await;
    for body in [
        json!({}),
        json!({ "email": "not-an-address" }),
        json!({ "email": 5 }),
        json!({ "email": null }),
    ] {
        let resp = app
            .client
            .post(app.url("/api/v1/password-reset"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(resp, 422, "validation").await;
        assert_eq!(error_fields(&problem), ["email"], "{body}");
    }
}

/// What a client may compare between two answers: status, the headers that are not
/// per-request (request id, date, the remaining quota), and the body.
async fn observable(resp: Response) -> (u16, Vec<(String, String)>, String) {
    let status = resp.status().as_u16();
    let mut headers: Vec<(String, String)> = resp
        .headers()
        .keys()
        .map(|name| name.as_str().to_owned())
        .filter(|name| !["date", "x-request-id", "ratelimit-remaining"].contains(&name.as_str()))
        .map(|name| {
            let value = header(resp.headers(), &name);
            (name, value)
        })
        .collect();
    headers.sort();
    (status, headers, body_text(resp).await)
}

/// Known and unknown addresses get the same answer, as fast: a bcrypt on one side only
/// (cost 10: tens of milliseconds) would move its median well past the bound, which is
/// loose enough for a busy 2-core machine. A write awaited on one side costs less than that
/// machine's noise (well under a millisecond on SQLite, a few on PostgreSQL), so that the
/// answer does not wait for one is tested without a stopwatch, below.
async fn the_answer_is_the_same_for_known_and_unknown_addresses(backend: Backend) {
    let plenty = Quota {
        limit: 10_000,
        window: Duration::from_secs(60),
    };
    let app = spawn_app_with(backend, |s| {
        s.password_hasher = HasherKind::Bcrypt;
        s.server.password_hash_cost = 10;
        s.rate_limit.per_ip = plenty;
        s.rate_limit.password_resets_per_ip = plenty;
        s.rate_limit.password_reset_emails = plenty;
    })
    .await;
    app.alice().await;
    let (known, unknown) = ("alice@example.com", "mallory@example.com");

    let first_known = observable(request_reset(&app, known).await).await;
    let first_unknown = observable(request_reset(&app, unknown).await).await;
    assert_eq!(first_known.0, 202);
    assert_eq!(first_known, first_unknown);

    let time = |email: &'static str| {
        let app = &app;
        async move {
            let started = Instant::now();
            assert_eq!(request_reset(app, email).await.status(), 202);
            started.elapsed().as_secs_f64() * 1000.0
        }
    };
    let (mut known_ms, mut unknown_ms) = (Vec::new(), Vec::new());
    for round in 0..15 {
        if round % 2 == 0 {
            known_ms.push(time(known).await);
            unknown_ms.push(time(unknown).await);
        } else {
            unknown_ms.push(time(unknown).await);
            known_ms.push(time(known).await);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (known_ms, unknown_ms) = (median(&mut known_ms), median(&mut unknown_ms));
    let (fast, slow) = (known_ms.min(unknown_ms), known_ms.max(unknown_ms));
    assert!(
        slow < 3.0 * fast + 10.0,
        "median answer: known {known_ms:.1} ms, unknown {unknown_ms:.1} ms"
    );

    // The known address's requests were all queued, the unknown one's never.
    wait_until_queued(&app, 16).await;
}

/// The event of a known address is written after the answer: with the outbox locked by
/// another transaction (PostgreSQL: `LOCK TABLE`; SQLite: its one write lock, held), the
/// answer still comes at once, and the event follows once the lock is gone. Answering only
/// after the write would hang here (or, on SQLite, fail after the busy timeout).
async fn the_answer_does_not_wait_for_the_e_mail_to_be_queued(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    app.alice().await;
    let db = app.db().await;
    let lock = db.begin().await.unwrap();
    let take_the_lock = match backend {
        Backend::Postgres => "LOCK TABLE outbox IN EXCLUSIVE MODE",
        Backend::Sqlite => "DELETE FROM delivered_events WHERE 1 = 0",
    };
    lock.execute_unprepared(take_the_lock).await.unwrap();
    let answer = tokio::time::timeout(
        Duration::from_secs(3),
        request_reset(&app, "alice@example.com"),
    );
    let answer = answer.await.expect("the answer waited for the outbox");
    assert_eq!(answer.status(), 202);
    assert_eq!(queued(&app).await, 0, "the write waits for the lock");

    lock.rollback().await.unwrap();
    wait_until_queued(&app, 1).await;
}

async fn the_per_address_limit_refuses_known_and_unknown_addresses_alike(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.rate_limit.password_reset_emails = Quota {
            limit: 2,
            window: Duration::from_secs(3600),
        };
        s.rate_limit.password_resets_per_ip = Quota {
            limit: 5,
            window: Duration::from_secs(3600),
        };
    })
    .await;
    app.alice().await;

    let mut refusals = Vec::new();
    for email in ["alice@example.com", "mallory@example.com"] {
        for _ in 0..2 {
            assert_eq!(request_reset(&app, email).await.status(), 202, "{email}");
        }
        let refused = request_reset(&app, email).await;
        assert!(!header(refused.headers(), "retry-after").is_empty());
        refusals.push(observable(refused).await);
    }
    assert_eq!(refusals[0].0, 429);
    assert_eq!(refusals[0], refusals[1]);
    // The address is counted however it is written.
    let refused = request_reset(&app, " ALICE@example.com").await;
    assert_problem(refused, 429, "too-many-requests").await;

    // Past the address quota, the client's own: 4 of its 5 reset requests were allowed
    // (refusals are not counted); a fresh address gets one more, then none.
    assert_eq!(request_reset(&app, "bob@example.com").await.status(), 202);
    let refused = request_reset(&app, "carol@example.com").await;
    assert_problem(refused, 429, "too-many-requests").await;

    app.clock.advance(Duration::from_secs(3600));
    assert_eq!(request_reset(&app, "alice@example.com").await.status(), 202);
}

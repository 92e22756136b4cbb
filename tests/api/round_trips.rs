//! Database round trips per request, counted on the wire: the app reaches PostgreSQL through
//! a proxy that reads the frontend protocol, where each `Sync` or simple `Query` ends a
//! round trip. The authenticated read and the usual refresh must cost exactly one each, with
//! no ping before or after: their connections are kept out of sqlx's pool
//! (`src/infra/db/kept.rs`), which would ping each one given back.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

use crate::helpers::{Backend, PASSWORD, TestApp, expect_json, spawn_app_with};

/// One round trip: the statements it executed, and how long its connection had been silent
/// (no answer from the server) when it began.
#[derive(Clone, Copy, Debug)]
struct Trip {
    statements: usize,
    /// Statements parsed (prepared) but not run in this trip: a connection's first use of one.
    prepared: usize,
    idle_before: Duration,
}

type Trips = Arc<Mutex<Vec<Trip>>>;

/// The app behind a counting proxy, with two connections left to the pool (a sign-up needs
/// a second one beside its transaction) and one kept for the single statements, which
/// prepares each on first use.
async fn app_behind_proxy() -> (TestApp, Trips) {
    let (port, trips) = counting_proxy().await;
    let app = spawn_app_with(Backend::Postgres, |settings| {
        let url = settings
            .database
            .url()
            .replace(":5432/", &format!(":{port}/"));
        settings.database.url = Some(format!("{url}?sslmode=disable").into());
        settings.database.max_connections = 3;
        settings.rate_limit.enabled = false;
        settings.outbox.poll_interval = Duration::from_secs(3600);
        settings.sessions.prune_interval = Duration::from_secs(3600);
    })
    .await;
    (app, trips)
}

/// Every trip with statements ran exactly one, `expected` of them, none prepared again, and
/// a lone Sync (a ping) came only on a connection idle for a second (on a slow machine,
/// between two requests), never right after a statement (sqlx's on release).
fn assert_one_statement_each(trips: &Trips, expected: usize) {
    let trips = trips.lock().unwrap().clone();
    let with_statements: Vec<_> = trips.iter().filter(|t| t.statements > 0).collect();
    assert_eq!(with_statements.len(), expected, "{trips:?}");
    assert!(
        with_statements.iter().all(|t| t.statements == 1),
        "{trips:?}"
    );
    assert!(
        trips.iter().all(|t| t.prepared == 0),
        "prepared again: {trips:?}"
    );
    for ping in trips.iter().filter(|t| t.statements == 0) {
        assert!(ping.idle_before >= Duration::from_millis(950), "{trips:?}");
    }
}

#[tokio::test]
async fn an_authenticated_read_is_one_round_trip_to_the_database() {
    let (app, trips) = app_behind_proxy().await;
    let (_, token) = app.alice().await;
    for _ in 0..4 {
        expect_json(app.get_me(&token).await, 200).await; // prepares it
    }
    trips.lock().unwrap().clear();

    const REQUESTS: usize = 20;
    for _ in 0..REQUESTS {
        expect_json(app.get_me(&token).await, 200).await;
    }

    assert_one_statement_each(&trips, REQUESTS);
}

/// The usual refresh (a live session, an unused token) is one statement too: the session
/// touched, the token claimed, its successor stored and the permissions read, with no
/// `BEGIN` or `COMMIT` around them.
#[tokio::test]
async fn a_refresh_is_one_round_trip_to_the_database() {
    let (app, trips) = app_behind_proxy().await;
    app.alice().await;
    let mut refresh = app.tokens_for("alice", PASSWORD).await.refresh;
    for _ in 0..4 {
        refresh = app.refreshed(&refresh).await.refresh; // prepares it
    }
    trips.lock().unwrap().clear();

    const REFRESHES: usize = 10;
    let mut access = String::new();
    for _ in 0..REFRESHES {
        let tokens = app.refreshed(&refresh).await;
        (refresh, access) = (tokens.refresh, tokens.access);
    }

    assert_one_statement_each(&trips, REFRESHES);
    // The last pair works, and the token before it is spent.
    expect_json(app.get_me(&access).await, 200).await;
    let stored = app.refresh_tokens().await;
    assert_eq!(stored.iter().filter(|t| t.used_at.is_none()).count(), 2);
}

/// A proxy to PostgreSQL on 127.0.0.1:5432 that records each connection's round trips.
async fn counting_proxy() -> (u16, Trips) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the proxy");
    let port = listener.local_addr().expect("proxy address").port();
    let trips = Trips::default();
    tokio::spawn({
        let trips = trips.clone();
        async move {
            while let Ok((client, _)) = listener.accept().await {
                let server = TcpStream::connect("127.0.0.1:5432")
                    .await
                    .expect("PostgreSQL is required at 127.0.0.1:5432");
                tokio::spawn(relay(client, server, trips.clone()));
            }
        }
    });
    (port, trips)
}

/// Forwards both ways; reads the client's messages (after its untyped startup message:
/// a type byte, then a length that counts itself) to count the round trips.
async fn relay(client: TcpStream, server: TcpStream, trips: Trips) {
    let (client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let answered_at = Arc::new(Mutex::new(Instant::now()));
    tokio::spawn({
        let answered_at = answered_at.clone();
        async move {
            let mut buf = vec![0; 16 * 1024];
            while let Ok(n @ 1..) = server_read.read(&mut buf).await {
                *answered_at.lock().unwrap() = Instant::now();
                if client_write.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    });
    let mut client_read = BufReader::new(client_read);
    let Ok(startup) = read_body(&mut client_read, None).await else {
        return;
    };
    if server_write.write_all(&startup).await.is_err() {
        return;
    }
    let mut trip: Option<Trip> = None;
    while let Ok(kind) = client_read.read_u8().await {
        let Ok(message) = read_body(&mut client_read, Some(kind)).await else {
            return;
        };
        let current = trip.get_or_insert_with(|| Trip {
            statements: 0,
            prepared: 0,
            idle_before: answered_at.lock().unwrap().elapsed(),
        });
        match kind {
            b'E' | b'Q' => current.statements += 1,
            b'P' => current.prepared += 1,
            _ => {}
        }
        if matches!(kind, b'S' | b'Q') {
            // A statement parsed and run in one trip is not a separate preparation.
            current.prepared = current.prepared.saturating_sub(current.statements);
            trips.lock().unwrap().extend(trip.take());
        }
        if server_write.write_all(&message).await.is_err() {
            return;
        }
    }
}

/// One whole message as it came: `kind` (if any), the length, the rest.
async fn read_body(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    kind: Option<u8>,
) -> std::io::Result<Vec<u8>> {
    let length = reader.read_u32().await?;
    let mut message = Vec::with_capacity(length as usize + 1);
    message.extend(kind);
    message.extend(length.to_be_bytes());
    let mut rest = vec![0; (length as usize).saturating_sub(4)];
    reader.read_exact(&mut rest).await?;
    message.extend(rest);
    Ok(message)
}

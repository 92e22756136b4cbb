//! Defence in depth at the SMTP adapter: an address stored before the bare-address rule
//! (written here by SQL) is never written into an SMTP command, and the queue moves past
//! it. The SMTP server is a scripted peer of the test's own that records every line.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use accounts_api::infra::db::entities::{delivered_event, outbox};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

use crate::{
    email_injection::store_injection,
    helpers::{Backend, PASSWORD, TestApp, expect_json, spawn_app_with},
    maildev::smtp,
};

both_backends!(a_stored_crlf_address_never_reaches_the_smtp_server);

/// Every line the peer read, commands and message data alike, in order.
type Transcript = Arc<Mutex<Vec<String>>>;

/// A permissive SMTP server on 127.0.0.1: 220, then 250 to every command, 354 to `DATA`.
async fn start_peer() -> (u16, Transcript) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let transcript = Transcript::default();
    let lines = transcript.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, lines.clone()));
        }
    });
    (port, transcript)
}

async fn serve(stream: TcpStream, transcript: Transcript) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 peer ESMTP\r\n").await.ok();
    let mut in_data = false;
    while let Ok(Some(line)) = lines.next_line().await {
        transcript.lock().unwrap().push(line.clone());
        let reply: &[u8] = if in_data {
            if line != "." {
                continue;
            }
            in_data = false;
            b"250 taken\r\n"
        } else {
            match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
                "EHLO" => b"250 peer\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go on\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.ok();
                    return;
                }
                _ => b"250 ok\r\n",
            }
        };
        write.write_all(reply).await.ok();
    }
}

fn lines(transcript: &Transcript) -> Vec<String> {
    transcript.lock().unwrap().clone()
}

/// The `RCPT TO` commands naming `address`.
fn recipients(transcript: &Transcript, address: &str) -> usize {
    let command = format!("RCPT TO:<{address}>");
    lines(transcript)
        .iter()
        .filter(|line| line.to_ascii_uppercase().starts_with("RCPT TO:") && line.contains(&command))
        .count()
}

/// Waits until every outbox row was handed to the mailer and `address` was named in
/// `count` `RCPT TO` commands.
async fn settle(app: &TestApp, transcript: &Transcript, address: &str, count: usize) {
    let db = app.db().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let pending = outbox::Entity::find()
            .filter(outbox::Column::PublishedAt.is_null())
            .count(&db)
            .await
            .unwrap();
        let seen = recipients(transcript, address);
        if pending == 0 && seen >= count {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not settled in 60 s: {pending} event(s) pending, {seen} of {count} e-mail(s) to \
             {address}; the peer read {:#?}",
            lines(transcript)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    db.close().await.ok();
}

async fn a_stored_crlf_address_never_reaches_the_smtp_server(backend: Backend) {
    let (port, transcript) = start_peer().await;
    let app = spawn_app_with(backend, |s| {
        s.kafka = None; // delivered in-process by the relay
        s.smtp = Some(smtp(port));
        s.outbox.poll_interval = Duration::from_millis(50);
    })
    .await;
    let (mallory, mallory_token) = app
        .register_and_login("mallory", "mallory@example.com")
        .await;
    let (_, bob_token) = app.register_and_login("bob", "bob@example.com").await;
    settle(&app, &transcript, "bob@example.com", 1).await;
    let bob_before = recipients(&transcript, "bob@example.com");
    let mallory_before = recipients(&transcript, "mallory@example.com");
    assert!(mallory_before >= 1, "the peer took mallory's first e-mails");

    store_injection(&app, backend, "mallory").await;
    // `user.updated` goes to the stored address; bob's, queued after it, to a good one.
    let renamed = app
        .patch_me(&mallory_token, &json!({ "username": "mallory2" }))
        .await;
    expect_json(renamed, 200).await;
    let renamed = app
        .patch_me(&bob_token, &json!({ "username": "bob2" }))
        .await;
    expect_json(renamed, 200).await;
    settle(&app, &transcript, "bob@example.com", bob_before + 1).await;

    let read = lines(&transcript);
    for line in &read {
        assert!(
            !line.contains("injected"),
            "injected line {line:?}: {read:#?}"
        );
        assert!(
            !line.contains("a@b.co"),
            "injected line {line:?}: {read:#?}"
        );
        assert!(
            !line.to_ascii_uppercase().starts_with("RCPT TO:<X"),
            "the crafted recipient {line:?}: {read:#?}"
        );
    }
    assert_eq!(
        recipients(&transcript, "mallory@example.com"),
        mallory_before,
        "nothing more went to mallory's old address"
    );
    // The well-formed e-mail went through: bob's update notice.
    assert!(
        read.iter()
            .any(|l| l.contains("Your account has been updated")),
        "{read:#?}"
    );

    // Every event was handled; only the one to the crafted address was not delivered.
    let db = app.db().await;
    let events = outbox::Entity::find().all(&db).await.unwrap();
    let delivered: Vec<_> = delivered_event::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.event_id)
        .collect();
    let undelivered: Vec<_> = events
        .iter()
        .filter(|e| !delivered.contains(&e.id))
        .map(|e| (e.event_type.as_str(), e.aggregate_id.to_string()))
        .collect();
    assert_eq!(
        undelivered,
        [("user.updated", mallory["id"].as_str().unwrap().to_owned())],
        "the event to the crafted address alone is undelivered"
    );
    db.close().await.ok();
    // The account itself still works; only its e-mail is held back.
    assert_eq!(app.login("mallory2", PASSWORD).await.status(), 200);
}

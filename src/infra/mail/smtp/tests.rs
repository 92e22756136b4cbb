//! Session reuse against a scripted SMTP peer: the failures MailDev cannot play.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

use super::{SmtpMailer, SmtpSettings};
use crate::infra::mail::{Email, MailError};

/// What the peer does once it has read a message's final dot.
#[derive(Clone, Copy)]
enum AfterData {
    /// Answers 250, then closes the session (as a server's idle timeout would, later).
    AcceptAndClose,
    /// Answers 250 to the first message of a session; drops the session unanswered after
    /// the second (the server may hold it; the client cannot know).
    DropSecondUnanswered,
    /// Answers 250 to the first message of a session, then never answers it again (a
    /// connection that stalled while idle).
    StallAfterFirst,
    /// Accepts the connection and never greets.
    NeverGreet,
}

/// Connections opened and messages taken (final dot read) by the peer.
#[derive(Default)]
struct Tally {
    connections: AtomicUsize,
    messages: AtomicUsize,
}

async fn start_peer(after_data: AfterData) -> (u16, Arc<Tally>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let tally = Arc::new(Tally::default());
    let counts = tally.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counts.connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(serve(stream, after_data, counts.clone()));
        }
    });
    (port, tally)
}

async fn serve(stream: TcpStream, after_data: AfterData, tally: Arc<Tally>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut taken_here = 0;
    if let AfterData::NeverGreet = after_data {
        while let Ok(Some(_)) = lines.next_line().await {}
        return;
    }
    write.write_all(b"220 peer ESMTP\r\n").await.ok();
    while let Ok(Some(line)) = lines.next_line().await {
        let reply: &[u8] = match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
            "EHLO" => b"250 peer\r\n",
            "DATA" => {
                write.write_all(b"354 go on\r\n").await.ok();
                while let Ok(Some(line)) = lines.next_line().await {
                    if line == "." {
                        break;
                    }
                }
                tally.messages.fetch_add(1, Ordering::SeqCst);
                taken_here += 1;
                match after_data {
                    AfterData::AcceptAndClose => {
                        write.write_all(b"250 taken\r\n").await.ok();
                        return;
                    }
                    AfterData::DropSecondUnanswered if taken_here == 2 => return,
                    AfterData::DropSecondUnanswered => b"250 taken\r\n",
                    AfterData::NeverGreet => return,
                    AfterData::StallAfterFirst => {
                        write.write_all(b"250 taken\r\n").await.ok();
                        while let Ok(Some(_)) = lines.next_line().await {}
                        return;
                    }
                }
            }
            "QUIT" => return,
            _ => b"250 ok\r\n",
        };
        write.write_all(reply).await.ok();
    }
}

fn mailer(port: u16) -> SmtpMailer {
    SmtpMailer::new(SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        ..SmtpSettings::default()
    })
}

fn email(n: u32) -> Email {
    Email {
        to: format!("user{n}@example.test"),
        message_id: format!("<{n}@accounts-api>"),
        sender_name: "Accounts".into(),
        subject: "Your account has been created".into(),
        text: "Welcome.".into(),
        html: "<p>Welcome.</p>".into(),
        secret: None,
    }
}

#[tokio::test]
async fn a_session_closed_while_idle_is_replaced_and_the_message_sent_once() {
    let (port, tally) = start_peer(AfterData::AcceptAndClose).await;
    let mailer = mailer(port);

    mailer.send(&email(1)).await.expect("first message");
    mailer
        .send(&email(2))
        .await
        .expect("second message, on a fresh session");

    assert_eq!(tally.messages.load(Ordering::SeqCst), 2);
    assert_eq!(tally.connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_session_lost_after_the_data_is_not_sent_again_at_once() {
    let (port, tally) = start_peer(AfterData::DropSecondUnanswered).await;
    let mailer = mailer(port);
    mailer.send(&email(1)).await.expect("first message");

    let lost = mailer.send(&email(2)).await;

    assert!(
        matches!(lost, Err(MailError::Unreachable(_))),
        "an unanswered message is the caller's to retry: {lost:?}"
    );
    assert_eq!(tally.messages.load(Ordering::SeqCst), 2, "no second copy");
    assert_eq!(tally.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn idle_sessions_that_stalled_are_given_up_at_the_first_silence() {
    let (port, tally) = start_peer(AfterData::StallAfterFirst).await;
    let mailer = mailer(port);
    let (one, two) = (email(1), email(2));
    let (first, second) = tokio::join!(mailer.send(&one), mailer.send(&two));
    first
        .and(second)
        .expect("two messages on two sessions, both kept");
    assert_eq!(mailer.idle.lock().len(), 2);

    let started = Instant::now();
    mailer.send(&email(3)).await.expect("sent on a new session");

    // Within the reused session's short bound, not the 10 s SMTP timeout; and the other
    // idle session, as silent, was dropped with it.
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(tally.connections.load(Ordering::SeqCst), 3);
    assert_eq!(mailer.idle.lock().len(), 1);
}

#[tokio::test]
async fn a_server_that_never_greets_is_unreachable_within_the_timeout() {
    let (port, tally) = start_peer(AfterData::NeverGreet).await;

    let silent = mailer(port).send(&email(1)).await;

    assert!(
        matches!(silent, Err(MailError::Unreachable(_))),
        "{silent:?}"
    );
    assert_eq!(tally.connections.load(Ordering::SeqCst), 1);
}

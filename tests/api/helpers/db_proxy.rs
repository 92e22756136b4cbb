//! A proxy to the test PostgreSQL whose path can fail the two ways a network does short of
//! refusing: a stall (every connection open at it, and every one accepted while it lasts,
//! goes silent for good: read and discarded, never answered, never closed) and a partition
//! (nothing gets through while it lasts, and what was sent is delivered at the heal).

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU8, AtomicU64, Ordering},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{
        TcpListener, TcpStream,
        tcp::{OwnedReadHalf, OwnedWriteHalf},
    },
    sync::watch,
};

/// The path's state.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    Stall,
    Partition,
}

#[derive(Default)]
struct Counts {
    /// Stalls begun: a connection is dead once this moves past its birth.
    stalls: AtomicU64,
    /// Connections that had bytes held by a partition.
    held: AtomicU64,
    /// Of those, the ones the server answered after the heal.
    answered_after_heal: AtomicU64,
    /// What partitions held, as sent.
    held_bytes: Mutex<Vec<u8>>,
}

pub struct DbProxy {
    pub port: u16,
    fault: watch::Sender<Fault>,
    counts: Arc<Counts>,
}

impl DbProxy {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (fault, _) = watch::channel(Fault::None);
        let counts = Arc::new(Counts::default());
        let (state, shared) = (fault.subscribe(), counts.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, state.clone(), shared.clone()));
            }
        });
        Self {
            port,
            fault,
            counts,
        }
    }

    /// `url` (the test database's) through this proxy, in clear (what it holds can then be
    /// read).
    pub fn route(&self, url: &str) -> String {
        let url = url.replace(":5432/", &format!(":{}/", self.port));
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}sslmode=disable")
    }

    pub fn stall(&self) {
        self.counts.stalls.fetch_add(1, Ordering::SeqCst);
        self.fault.send_replace(Fault::Stall);
    }

    pub fn partition(&self) {
        self.fault.send_replace(Fault::Partition);
    }

    pub fn heal(&self) {
        self.fault.send_replace(Fault::None);
    }

    /// Whether every connection a partition held bytes of has been answered since the
    /// heal: what the partition held has reached the server and been done.
    pub fn held_bytes_answered(&self) -> bool {
        let held = self.counts.held.load(Ordering::SeqCst);
        self.counts.answered_after_heal.load(Ordering::SeqCst) >= held
    }

    /// Whether what partitions held includes `text` (a statement's text or bound value).
    pub fn held(&self, text: &str) -> bool {
        let held = self.counts.held_bytes.lock().unwrap();
        held.windows(text.len()).any(|w| w == text.as_bytes())
    }

    /// What partitions held, for a failure's message.
    pub fn held_text(&self) -> String {
        String::from_utf8_lossy(&self.counts.held_bytes.lock().unwrap()).into_owned()
    }

    /// Forgets what partitions held.
    pub fn forget_held(&self) {
        self.counts.held.store(0, Ordering::SeqCst);
        self.counts.answered_after_heal.store(0, Ordering::SeqCst);
        self.counts.held_bytes.lock().unwrap().clear();
    }
}

/// One connection's view of the path.
#[derive(Clone)]
struct Link {
    fault: watch::Receiver<Fault>,
    counts: Arc<Counts>,
    born_stalled: bool,
    stalls_at_birth: u64,
}

impl Link {
    fn dead(&self) -> bool {
        self.born_stalled || self.counts.stalls.load(Ordering::SeqCst) != self.stalls_at_birth
    }

    /// Waits out a partition.
    async fn reachable(&mut self) {
        let _ = self.fault.wait_for(|f| *f != Fault::Partition).await;
    }
}

async fn relay(client: TcpStream, fault: watch::Receiver<Fault>, counts: Arc<Counts>) {
    let born_stalled = *fault.borrow() == Fault::Stall;
    let mut link = Link {
        born_stalled,
        stalls_at_birth: counts.stalls.load(Ordering::SeqCst),
        fault,
        counts,
    };
    let (client_read, client_write) = client.into_split();
    link.reachable().await;
    let server = match link.dead() {
        false => TcpStream::connect("127.0.0.1:5432").await.ok(),
        true => None,
    };
    let Some(server) = server else {
        // Silent from the start: swallow what comes until the client gives up.
        return swallow(client_read).await;
    };
    let (server_read, server_write) = server.into_split();
    let held = Arc::new(AtomicU8::new(NOTHING_HELD));
    let upstream = pass(
        client_read,
        server_write,
        link.clone(),
        (Way::Up, held.clone()),
    );
    let downstream = async {
        pass(server_read, client_write, link.clone(), (Way::Down, held)).await;
        // A stalled connection is never closed from this side.
        if link.dead() {
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(downstream);
    tokio::select! {
        () = upstream => {
            // The client is done: the server gets what it sent, then the end, and its
            // answers are read out (a stalled connection just ends).
            if !link.dead() {
                downstream.await;
            }
        }
        () = &mut downstream => {}
    }
}

/// Which way `pass` copies.
enum Way {
    Up,
    Down,
}

/// A connection's held bytes: none, some awaiting an answer, answered.
const NOTHING_HELD: u8 = 0;
const HELD: u8 = 1;
const ANSWERED: u8 = 2;

/// Copies `from` to `to` while the link lives, counting a connection whose bytes a
/// partition held (upstream) and the server's first answer after that (downstream).
async fn pass(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    mut link: Link,
    (way, held): (Way, Arc<AtomicU8>),
) {
    let mut buf = [0; 4096];
    while let Ok(n @ 1..) = from.read(&mut buf).await {
        let counts = &link.counts;
        let partitioned = *link.fault.borrow() == Fault::Partition;
        match way {
            Way::Up if partitioned => {
                counts
                    .held_bytes
                    .lock()
                    .unwrap()
                    .extend_from_slice(&buf[..n]);
                if held
                    .compare_exchange(NOTHING_HELD, HELD, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                {
                    counts.held.fetch_add(1, Ordering::SeqCst);
                }
            }
            // Sent after the server read what was held: its answer.
            Way::Down
                if !partitioned
                    && held
                        .compare_exchange(HELD, ANSWERED, Ordering::SeqCst, Ordering::SeqCst)
                        .is_ok() =>
            {
                counts.answered_after_heal.fetch_add(1, Ordering::SeqCst);
            }
            _ => {}
        }
        link.reachable().await;
        if !link.dead() && to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
}

async fn swallow(mut from: OwnedReadHalf) {
    let mut buf = [0; 4096];
    while matches!(from.read(&mut buf).await, Ok(n) if n > 0) {}
}

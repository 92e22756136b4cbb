//! One proxied connection: a reader and a writer per direction, joined by a queue of
//! time-stamped chunks, so that latency is added to each chunk without serialising them,
//! a partition holds bytes (in order) instead of dropping them, and a stall silences the
//! connection for good while still noticing when the client gives up on it.

use std::{net::SocketAddr, sync::Arc};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{
        TcpStream,
        tcp::{OwnedReadHalf, OwnedWriteHalf},
    },
    sync::mpsc,
    task::JoinSet,
    time::{Instant, sleep_until},
};

use crate::fault::{Gate, Proxy};

/// Chunks read ahead of the writer per direction; past it the reader waits (and the
/// sender's TCP window fills, as it would behind a real partition).
const QUEUE: usize = 64;
/// Bytes read at a time.
const CHUNK: usize = 16 * 1024;

/// A chunk and when it may be written; `None`: the sender's end of the stream.
type Timed = (Instant, Option<Vec<u8>>);

/// How one of a connection's four tasks ended.
enum Ended {
    /// The client closed its side (or it failed).
    ClientGone,
    /// Another reader, or a writer, finished.
    Other,
}

/// Proxies `client` to `upstream` under `proxy`'s faults until both directions end (or,
/// once stalled, until the client closes).
pub async fn serve(client: TcpStream, upstream: SocketAddr, proxy: Arc<Proxy>) {
    let mut gate = Gate::open(&proxy);
    // A new connection during a partition gets no answer until the heal (the handshake
    // completes in the kernel, as it must for a listening socket: what the client sees is a
    // server that never speaks); during a stall, never.
    if gate.pass().await {
        let _ = client.set_nodelay(true);
        match TcpStream::connect(upstream).await {
            Ok(server) => {
                let _ = server.set_nodelay(true);
                relay(client, server, &gate).await;
            }
            Err(_) => drop(client), // the dependency itself is down: the client sees a close
        }
    } else {
        hold_silent(client).await;
    }
    gate.close();
}

/// Both directions, until both have ended or the client closes a stalled connection.
async fn relay(client: TcpStream, server: TcpStream, gate: &Gate) {
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let mut tasks = JoinSet::new();
    let (to_server, from_client) = mpsc::channel(QUEUE);
    let (to_client, from_server) = mpsc::channel(QUEUE);
    tasks.spawn(read(
        client_read,
        to_server,
        gate.clone(),
        Ended::ClientGone,
    ));
    tasks.spawn(read(server_read, to_client, gate.clone(), Ended::Other));
    tasks.spawn(write(from_client, server_write, gate.clone()));
    tasks.spawn(write(from_server, client_write, gate.clone()));
    let mut writers_done = 0;
    let mut faults = gate.watch();
    loop {
        let ended = tokio::select! {
            ended = tasks.join_next() => ended,
            // An idle connection counts as stalled as soon as the stall begins.
            _ = faults.changed() => {
                gate.stalled();
                continue;
            }
        };
        let Some(ended) = ended else { break };
        match ended {
            Ok(Ended::ClientGone) if gate.stalled() => break,
            Ok(Ended::Other) | Err(_) => writers_done += 1,
            Ok(Ended::ClientGone) => {}
        }
        // Two readers and two writers: when three tasks besides the client's reader are
        // done, both directions have delivered their end.
        if writers_done >= 3 {
            break;
        }
    }
    tasks.abort_all();
}

/// Reads chunks into `queue`, each stamped with the moment it may be written.
async fn read(
    mut from: OwnedReadHalf,
    queue: mpsc::Sender<Timed>,
    gate: Gate,
    on_end: Ended,
) -> Ended {
    loop {
        let mut buf = vec![0; CHUNK];
        let n = from.read(&mut buf).await.unwrap_or(0);
        buf.truncate(n);
        let due = Instant::now() + gate.latency();
        if queue.send((due, (n > 0).then_some(buf))).await.is_err() || n == 0 {
            return on_end;
        }
    }
}

/// Writes chunks from `queue` when due, holding them through a partition; once the
/// connection is stalled it writes nothing more (and never closes its side).
async fn write(mut queue: mpsc::Receiver<Timed>, mut to: OwnedWriteHalf, mut gate: Gate) -> Ended {
    while let Some((due, chunk)) = queue.recv().await {
        sleep_until(due).await;
        if !gate.pass().await {
            continue; // stalled: swallow it
        }
        let Some(chunk) = chunk else {
            let _ = to.shutdown().await;
            break;
        };
        if to.write_all(&chunk).await.is_err() {
            break;
        }
    }
    if gate.stalled() {
        // Silent, not closed: keep the socket open until the supervisor drops it.
        std::future::pending::<()>().await;
    }
    Ended::Other
}

/// A connection stalled before it reached the upstream: read and discard until the client
/// closes it, answering nothing.
async fn hold_silent(mut client: TcpStream) {
    let mut buf = vec![0; CHUNK];
    while matches!(client.read(&mut buf).await, Ok(n) if n > 0) {}
}

//! A TCP fault proxy for `scripts/fault-drills.sh`: one listener per dependency, forwarding
//! to its upstream, and a line protocol on a control port to put faults on them:
//!
//! ```text
//! fault-proxy CONTROL_ADDR NAME=LISTEN_ADDR=UPSTREAM_ADDR...
//! latency NAME MS | stall NAME | partition NAME | heal NAME | status   (one per line)
//! ```
//!
//! Each command answers one line, `ok ...` or `error ...` (`status`: one line per proxy,
//! then `ok`). The faults are modelled here rather than with noxious's toxics (the
//! Toxiproxy port), which do not model them faithfully: its latency toxic sleeps for each
//! chunk in turn, so chunks queued behind one another add up their delays (a pipelining
//! client such as the Kafka producer would see several times the latency asked for); its
//! timeout toxic with timeout 0 drops the bytes sent meanwhile, which corrupts a TCP stream
//! that carries on after the heal, where a partition delays them; and none of them leaves a
//! new connection without an answer. See `fault::Fault` for what each fault does.

mod fault;
mod link;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use fault::{Fault, Proxy};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if let Err(message) = run().await {
        eprintln!("fault-proxy: {message}");
        std::process::exit(2);
    }
}

async fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let control = args
        .next()
        .ok_or("usage: fault-proxy CONTROL_ADDR NAME=LISTEN_ADDR=UPSTREAM_ADDR...")?;
    let mut proxies = Vec::new();
    for spec in args {
        let [name, listen, upstream] = spec.splitn(3, '=').collect::<Vec<_>>()[..] else {
            return Err(format!("{spec}: expected NAME=LISTEN_ADDR=UPSTREAM_ADDR"));
        };
        let upstream: SocketAddr = upstream
            .parse()
            .map_err(|e| format!("{name}: upstream {upstream}: {e}"))?;
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|e| format!("{name}: cannot listen on {listen}: {e}"))?;
        let proxy = Proxy::new(name.to_owned());
        tokio::spawn(accept(listener, upstream, proxy.clone()));
        proxies.push(proxy);
    }
    let control = TcpListener::bind(&control)
        .await
        .map_err(|e| format!("cannot listen on {control}: {e}"))?;
    println!("fault-proxy: ready ({} proxies)", proxies.len());
    let proxies = Arc::new(proxies);
    loop {
        let (conn, _) = control
            .accept()
            .await
            .map_err(|e| format!("control: {e}"))?;
        tokio::spawn(commands(conn, proxies.clone()));
    }
}

/// Accepts connections and proxies each on its own task.
async fn accept(listener: TcpListener, upstream: SocketAddr, proxy: Arc<Proxy>) {
    loop {
        match listener.accept().await {
            Ok((client, _)) => {
                tokio::spawn(link::serve(client, upstream, proxy.clone()));
            }
            // Out of descriptors, say: the client sees a slow connect; try again shortly.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Answers one control connection's commands, a line each.
async fn commands(conn: TcpStream, proxies: Arc<Vec<Arc<Proxy>>>) {
    let (read, mut write) = conn.into_split();
    let mut lines = BufReader::new(read).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let answer = command(&line, &proxies);
        if write.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// One command's answer, newline-terminated.
fn command(line: &str, proxies: &[Arc<Proxy>]) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let find = |name: &str| proxies.iter().find(|p| p.name == name);
    let fault = match words[..] {
        ["status"] => {
            let mut out: String = proxies.iter().map(|p| p.status() + "\n").collect();
            out.push_str("ok\n");
            return out;
        }
        ["latency", _, ms] => match ms.parse() {
            Ok(ms) => Fault::Latency(Duration::from_millis(ms)),
            Err(_) => return format!("error latency {ms}: not a number of milliseconds\n"),
        },
        ["stall", _] => Fault::Stall,
        ["partition", _] => Fault::Partition,
        ["heal", _] => Fault::None,
        _ => return format!("error unknown command {line:?}\n"),
    };
    match find(words[1]) {
        Some(proxy) => {
            proxy.set(fault);
            format!("ok {}\n", proxy.status())
        }
        None => format!("error no proxy named {}\n", words[1]),
    }
}

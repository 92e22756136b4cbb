//! What a proxy does to its traffic, and each connection's view of it.

use std::{
    fmt,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use tokio::sync::watch;

/// The fault a proxy applies now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Bytes pass as they come.
    None,
    /// Every chunk is delivered this long after it was read, in each direction (pipelined:
    /// a chunk waits its own delay, not its predecessors' as well).
    Latency(Duration),
    /// Every open connection, and every one accepted meanwhile, goes silent for good.
    Stall,
    /// Nothing crosses until healed; then everything held is delivered, in order.
    Partition,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("none"),
            Self::Latency(d) => write!(f, "latency {} ms", d.as_millis()),
            Self::Stall => f.write_str("stall"),
            Self::Partition => f.write_str("partition"),
        }
    }
}

/// A proxy's fault and how many stalls it has seen (a connection older than the latest
/// stall stays stalled after the heal).
#[derive(Clone, Copy, Debug)]
pub struct State {
    /// The fault now.
    pub fault: Fault,
    /// Stalls so far.
    pub stalls: u64,
}

/// One proxied dependency's shared state.
pub struct Proxy {
    /// Its name in the control commands.
    pub name: String,
    /// The fault, watched by every connection.
    pub state: watch::Sender<State>,
    /// Connections open now.
    pub open: AtomicUsize,
    /// Of those, the stalled ones (silent for good, held until the client closes them).
    pub stalled: AtomicUsize,
}

impl Proxy {
    /// A proxy named `name`, passing traffic unharmed.
    pub fn new(name: String) -> Arc<Self> {
        let (state, _) = watch::channel(State {
            fault: Fault::None,
            stalls: 0,
        });
        Arc::new(Self {
            name,
            state,
            open: AtomicUsize::new(0),
            stalled: AtomicUsize::new(0),
        })
    }

    /// Applies `fault` from now on (a stall also dooms every open connection).
    pub fn set(&self, fault: Fault) {
        self.state.send_modify(|s| {
            s.fault = fault;
            s.stalls += u64::from(fault == Fault::Stall);
        });
    }

    /// One line for `status`.
    pub fn status(&self) -> String {
        format!(
            "{} fault={} open={} stalled={}",
            self.name,
            self.state.borrow().fault,
            self.open.load(Ordering::Relaxed),
            self.stalled.load(Ordering::Relaxed)
        )
    }
}

/// A connection's view of its proxy's fault; counts the connection as open while it lives.
#[derive(Clone)]
pub struct Gate {
    proxy: Arc<Proxy>,
    state: watch::Receiver<State>,
    born: u64,
    doomed: Arc<AtomicBool>,
}

impl Gate {
    /// The gate of a connection accepted now.
    pub fn open(proxy: &Arc<Proxy>) -> Self {
        proxy.open.fetch_add(1, Ordering::Relaxed);
        let state = proxy.state.subscribe();
        let born = state.borrow().stalls;
        Self {
            proxy: proxy.clone(),
            state,
            born,
            doomed: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Whether this connection is stalled (for good: latched at the first sight of a stall).
    pub fn stalled(&self) -> bool {
        if self.doomed.load(Ordering::Relaxed) {
            return true;
        }
        let s = *self.state.borrow();
        let doomed = s.fault == Fault::Stall || s.stalls != self.born;
        if doomed && !self.doomed.swap(true, Ordering::Relaxed) {
            self.proxy.stalled.fetch_add(1, Ordering::Relaxed);
        }
        doomed
    }

    /// A receiver of the proxy's fault changes.
    pub fn watch(&self) -> watch::Receiver<State> {
        self.state.clone()
    }

    /// The delay for a chunk read now.
    pub fn latency(&self) -> Duration {
        match self.state.borrow().fault {
            Fault::Latency(d) => d,
            _ => Duration::ZERO,
        }
    }

    /// Waits out a partition; false when the connection is stalled instead.
    pub async fn pass(&mut self) -> bool {
        let born = self.born;
        let _ = self
            .state
            .wait_for(|s| s.fault != Fault::Partition || s.stalls != born)
            .await;
        !self.stalled()
    }

    /// Ends the connection's count (once per connection, by its supervisor).
    pub fn close(&self) {
        self.proxy.open.fetch_sub(1, Ordering::Relaxed);
        if self.doomed.load(Ordering::Relaxed) {
            self.proxy.stalled.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

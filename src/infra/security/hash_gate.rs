//! `HashGate`: bounds the password hashes running at once and those waiting, so a storm of
//! logins queues among itself instead of taking every core from every other request, and is
//! refused (`HashError::Busy`, a 503 with `Retry-After`) once the queue is full or a caller
//! has waited its longest. The hashes
//! run on the gate's own threads at the lowest CPU priority, so that while they keep the
//! cores busy, other requests are still served first.

use std::{
    panic::{AssertUnwindSafe, catch_unwind},
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
        mpsc,
    },
    time::Duration,
};

use parking_lot::Mutex;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};

use super::hash_error::HashError;

/// A hash to run; it returns what finishes it.
type Job = Box<dyn FnOnce() -> Finish + Send>;
/// What a hash ends with: its slot given back, its answer sent. Both wake tokio tasks through
/// locks (the semaphore's wait list, the scheduler's queue), so they run on the finishing
/// thread at normal priority, never on a `SCHED_IDLE` hashing thread: preempted while holding
/// such a lock, that thread would stall every request thread waiting for it until a core fell
/// idle (a priority inversion).
type Finish = Box<dyn FnOnce() + Send>;

pub(crate) struct HashGate {
    running: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    max_wait: Duration,
    /// To the hashing threads, one per slot; they end when the gate is dropped.
    jobs: mpsc::Sender<Job>,
}

impl HashGate {
    /// At most `concurrency` hashes at once (at least one), and `max_waiting` waiting, each
    /// for at most `max_wait`.
    pub(crate) fn new(concurrency: usize, max_waiting: usize, max_wait: Duration) -> Self {
        let concurrency = concurrency.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let (finishes, finishing) = mpsc::channel::<Finish>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..concurrency {
            let (queue, finishes) = (queue.clone(), finishes.clone());
            std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || hashing_thread(&queue, &finishes))
                .expect("cannot start a password hashing thread");
        }
        // Ends once every hashing thread has.
        std::thread::Builder::new()
            .name("password-hash-finish".into())
            .spawn(move || finishing.into_iter().for_each(|finish| finish()))
            .expect("cannot start the password hashing finisher");
        Self {
            running: Arc::new(Semaphore::new(concurrency)),
            waiting: AtomicUsize::new(0),
            max_waiting,
            max_wait,
            jobs,
        }
    }

    /// Runs `work` on a hashing thread once a slot is free; `Busy` at once when the queue is
    /// full, or after waiting `max_wait`. A caller that goes away while waiting gives its
    /// place up.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        self.slot().await?.run(work).await
    }

    /// A slot, once one is free; `Busy` at once when the queue is full, or after `max_wait`.
    /// The wait bound keeps a storm's clients waiting rather than looping on refusals: 100 of
    /// them against a full queue sent ~30,000 refusals a second.
    pub(crate) async fn slot(&self) -> Result<HashSlot<'_>, HashError> {
        if let Ok(permit) = self.running.clone().try_acquire_owned() {
            return Ok(HashSlot { gate: self, permit });
        }
        let _place = self.queue()?;
        self.wait_for_slot().await
    }

    /// A place in line, taken before other work (a login's account lookup) so that a refusal
    /// costs nothing but this, while that work holds no slot: a lookup that waits on a
    /// database that is down would otherwise keep every other hash waiting behind it. `Busy`
    /// at once when the queue is full and no slot is free.
    pub(crate) fn turn(&self) -> Result<HashTurn<'_>, HashError> {
        match self.queue() {
            Ok(place) => Ok(HashTurn::InLine(self, place)),
            // No room in the queue (or none configured): a slot free now, or nothing.
            Err(busy) => match self.running.clone().try_acquire_owned() {
                Ok(permit) => Ok(HashTurn::Ready(HashSlot { gate: self, permit })),
                Err(_) => Err(busy),
            },
        }
    }

    async fn wait_for_slot(&self) -> Result<HashSlot<'_>, HashError> {
        let permit = tokio::time::timeout(self.max_wait, self.running.clone().acquire_owned())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(|_| HashError::Busy)?;
        Ok(HashSlot { gate: self, permit })
    }

    /// A place in the queue, given back when dropped (served or cancelled).
    fn queue(&self) -> Result<Place<'_>, HashError> {
        let taken = self
            .waiting
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max_waiting).then_some(n + 1)
            });
        match taken {
            Ok(_) => Ok(Place(&self.waiting)),
            Err(_) => Err(HashError::Busy),
        }
    }
}

/// A place in line for a slot (see `HashGate::turn`), or the slot itself.
pub(crate) enum HashTurn<'a> {
    InLine(&'a HashGate, Place<'a>),
    Ready(HashSlot<'a>),
}

impl<'a> HashTurn<'a> {
    /// The slot, once one is free (`Busy` after the gate's `max_wait`); the place in line is
    /// kept until then.
    pub(crate) async fn slot(self) -> Result<HashSlot<'a>, HashError> {
        match self {
            Self::InLine(gate, _place) => gate.wait_for_slot().await,
            Self::Ready(slot) => Ok(slot),
        }
    }
}

/// A hashing slot held: at most `concurrency` exist at once.
pub(crate) struct HashSlot<'a> {
    gate: &'a HashGate,
    permit: OwnedSemaphorePermit,
}

impl HashSlot<'_> {
    /// Runs `work` on a hashing thread. The slot is given back when the work is done, even
    /// when the caller has gone, so jobs never pile up behind the threads.
    pub(crate) async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (done, result) = oneshot::channel();
        let permit = self.permit;
        let job: Job = Box::new(move || {
            let output = work();
            Box::new(move || {
                // Given back before the answer, so whoever sees it finds the slot free.
                drop(permit);
                done.send(output).ok();
            })
        });
        self.gate.jobs.send(job).map_err(|_| HashError::Lost)?;
        result.await.map_err(|_| HashError::Lost)
    }
}

/// Takes jobs until the gate is gone, at the lowest priority, and hands each one's finish to
/// the finishing thread. A job that panics loses its answer (its caller gets `Lost`), not the
/// thread.
fn hashing_thread(queue: &Mutex<mpsc::Receiver<Job>>, finishes: &mpsc::Sender<Finish>) {
    lower_priority();
    loop {
        let job = queue.lock().recv();
        let Ok(job) = job else { return };
        if let Ok(finish) = catch_unwind(AssertUnwindSafe(job)) {
            // The finisher lives as long as any hashing thread: this cannot fail.
            finishes.send(finish).ok();
        }
    }
}

/// Puts this thread (only this one) in Linux's `SCHED_IDLE` class: any other runnable thread
/// preempts it at once, so a request never waits behind a hash (with nice 10, reads during a
/// login storm still had a p99 ten times their own), while hashes get every idle cycle.
/// Lowering is always allowed, so failure is only logged.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `param` outlives the call; pid 0 is the calling thread.
        if unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) } != 0 {
            tracing::warn!(error = %std::io::Error::last_os_error(), "cannot lower the password hashing thread's priority");
        }
    }
}

pub(crate) struct Place<'a>(&'a AtomicUsize);

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests;

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
    /// Taking it before other work (a login's account lookup) makes a refusal cost nothing
    /// but this. The wait bound keeps a storm's clients waiting rather than looping on
    /// refusals: 100 of them against a full queue sent ~30,000 refusals a second.
    pub(crate) async fn slot(&self) -> Result<HashSlot<'_>, HashError> {
        if let Ok(permit) = self.running.clone().try_acquire_owned() {
            return Ok(HashSlot { gate: self, permit });
        }
        let _place = self.queue()?;
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

struct Place<'a>(&'a AtomicUsize);

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use std::{
        sync::{Arc, mpsc},
        time::Duration,
    };

    use super::HashGate;
    use crate::infra::security::HashError;

    /// A wait bound no test reaches unless it moves the clock.
    const LONG: Duration = Duration::from_secs(60);

    /// A call of `gate.run` that has started its work, which answers 1 once `release` says so.
    async fn running_until_released(
        gate: &Arc<HashGate>,
    ) -> (
        tokio::task::JoinHandle<Result<i32, HashError>>,
        mpsc::Sender<()>,
    ) {
        let (release, blocked) = mpsc::channel::<()>();
        let (started, has_started) = tokio::sync::oneshot::channel();
        let running = tokio::spawn({
            let gate = gate.clone();
            async move {
                gate.run(move || {
                    started.send(()).ok();
                    blocked.recv().ok();
                    1
                })
                .await
            }
        });
        has_started.await.unwrap();
        (running, release)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn work_beyond_the_slots_waits_and_beyond_the_queue_is_refused() {
        let gate = Arc::new(HashGate::new(1, 1, LONG));
        let (running, release) = running_until_released(&gate).await;
        // The one slot is taken: the next call waits in the one queue place...
        let queued = tokio::spawn({
            let gate = gate.clone();
            async move { gate.run(|| 2).await }
        });
        while gate.waiting.load(std::sync::atomic::Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        // ...and the one after it is refused at once.
        assert!(matches!(gate.run(|| 3).await, Err(HashError::Busy)));
        release.send(()).unwrap();
        assert_eq!(running.await.unwrap().unwrap(), 1);
        assert_eq!(queued.await.unwrap().unwrap(), 2);
        // Everything is given back.
        assert_eq!(gate.run(|| 4).await.unwrap(), 4);
        assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::Acquire), 0);
    }

    #[tokio::test]
    async fn a_caller_that_waited_its_longest_is_refused_and_leaves_the_queue() {
        let max_wait = Duration::from_millis(50);
        let gate = HashGate::new(1, 4, max_wait);
        let permit = gate.running.clone().try_acquire_owned().unwrap();
        let started = std::time::Instant::now();
        assert!(matches!(gate.run(|| ()).await, Err(HashError::Busy)));
        // Never before the bound; how long after it depends on the machine.
        assert!(started.elapsed() >= max_wait);
        assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::Acquire), 0);
        drop(permit);
        gate.run(|| ()).await.unwrap();
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashes_run_in_the_idle_scheduling_class() {
        let gate = HashGate::new(1, 1, LONG);
        // SAFETY: sched_getscheduler reads no memory of ours; pid 0 is the calling thread.
        let policy = || unsafe { libc::sched_getscheduler(0) };
        assert_eq!(policy(), libc::SCHED_OTHER, "the caller is not lowered");
        assert_eq!(gate.run(policy).await.unwrap(), libc::SCHED_IDLE);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_caller_that_goes_away_keeps_the_slot_until_its_hash_is_done() {
        let gate = Arc::new(HashGate::new(1, 1, LONG));
        let (caller, release) = running_until_released(&gate).await;
        caller.abort();
        assert!(caller.await.unwrap_err().is_cancelled());
        assert_eq!(gate.running.available_permits(), 0, "the hash still runs");
        release.send(()).unwrap();
        assert_eq!(gate.run(|| 5).await.unwrap(), 5);
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_while_waiting_frees_its_place() {
        let gate = HashGate::new(1, 1, LONG);
        let permit = gate.running.clone().try_acquire_owned().unwrap();
        let waiting = gate.run(|| ());
        // Polled once, it queues; dropped, it leaves the queue.
        let mut waiting = Box::pin(waiting);
        assert!(futures_poll_once(waiting.as_mut()).await.is_none());
        assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::Acquire), 1);
        drop(waiting);
        assert_eq!(gate.waiting.load(std::sync::atomic::Ordering::Acquire), 0);
        drop(permit);
    }

    /// Polls `future` once: its output if it was ready.
    async fn futures_poll_once<F: std::future::Future + Unpin>(future: F) -> Option<F::Output> {
        let mut future = future;
        std::future::poll_fn(|cx| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut future).poll(cx) {
                std::task::Poll::Ready(output) => Some(output),
                std::task::Poll::Pending => None,
            })
        })
        .await
    }
}
